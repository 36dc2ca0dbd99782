"""The two gates: which rows each suite sees, running GX over them, recording and deciding.

    ingestion gate -- the batch just loaded (files marked loaded in the latest raw/file_manifest/
                      <ingest_run_id>.parquet) plus every file held back so far: coding_quality
                      and billing_quality.
    publish gate   -- the marts in warehouse/build.duckdb: publish_checks.

For each frame (see `frames`): read its dbt model (`models/quality/`, built by `inputs`: the
ingestion gate rebuilds its models over the batch's files first), validate it chunk by chunk with
its GX suite (result format COMPLETE, indexed by the row key), fold the chunk results (see
`results`), then write `quality.*` in the build database (see `store`), render Data Docs (see
`docs`) and decide:

- a failing critical check whose every flagged row names its raw file (ingestion row checks) holds
  back those files (`holds`): they stay out of the build until a later gate finds them clean;
- any other failing critical check (a publish check, a frame that could not be read) raises
  `GateFailed` naming the checks: nothing is published, and the holds stay as they were;
- warnings are recorded and returned.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from transforms import log
from transforms.errors import GateFailed, RcmError
from transforms.locking import writer_lock
from transforms.quality import frames as frames_mod
from transforms.quality import holds as holds_mod
from transforms.quality import inputs, refdata, results, store
from transforms.quality.frames import Frame
from transforms.raw import STATUS_LOADED, STATUS_PARTIAL
from transforms.raw import contract as raw_schema
from transforms.settings import Paths

LOG = log.get_logger("quality")

GATE_SUITES: dict[str, tuple[str, ...]] = {
    "ingestion": ("coding_quality", "billing_quality"),
    "publish": ("publish_checks",),
}
LOADED_STATUSES = (STATUS_LOADED, STATUS_PARTIAL)
DUCKDB_MEMORY_LIMIT = "256MB"


@dataclass
class Batch:
    """The raw files an ingestion gate validates, by raw table."""

    ingest_run_id: str | None
    files: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def file_shas(self) -> list[str]:
        return sorted({p.stem for paths in self.files.values() for p in paths})

    @property
    def file_count(self) -> int:
        return len(self.file_shas)


@dataclass
class FrameRun:
    frame: Frame
    tallies: list[results.Tally]
    configs: dict[str, Any]
    meta: dict[str, Any]
    rows: int = 0
    chunks: int = 0


def default_run_id(as_of: dt.date) -> str:
    return f"{as_of.isoformat()}__{store.now_utc().strftime('%Y%m%dT%H%M%S')}"


# ---- what the ingestion gate reads -------------------------------------------------------------


def latest_batch(
    data_dir: Path,
    ingest_run_id: str | list[str] | None = None,
    extra_files: tuple[str, ...] | list[str] = (),
) -> Batch:
    """Files loaded by one ingest run (the latest by load time unless named), or by every ingest run
    of a list (the runs no ingestion gate has passed yet), per raw table; plus `extra_files` (the
    sha256 of files held back, validated again every time)."""
    raw = Paths(data_dir).raw
    manifests = sorted((raw / "file_manifest").glob("*.parquet"))
    if not manifests:
        return Batch(None)
    con = duckdb.connect()
    try:
        con.register("manifest", con.read_parquet([str(p) for p in manifests], union_by_name=True))
        if ingest_run_id is None:
            row = con.execute(
                "select ingest_run_id from manifest where ingest_run_id is not null "
                "group by ingest_run_id "
                "order by max(loaded_at) desc nulls last, ingest_run_id desc "
                "limit 1"
            ).fetchone()
            if row is None and not extra_files:
                return Batch(None)
            ingest_run_id = row[0] if row else []
        run_ids = [ingest_run_id] if isinstance(ingest_run_id, str) else list(ingest_run_id)
        shas = (
            []
            if not run_ids
            else [
                r[0]
                for r in con.execute(
                    "select distinct file_sha256 from manifest where list_contains(?, ingest_run_id) "
                    "and status in (?, ?) and file_sha256 is not null order by 1",
                    [run_ids, *LOADED_STATUSES],
                ).fetchall()
            ]
        )
    finally:
        con.close()
    shas = sorted(set(shas) | set(extra_files))
    batch = Batch(",".join(run_ids))
    for table in raw_schema.RAW_TABLES:
        if table in raw_schema.RECORD_TABLES:
            continue
        paths = [raw / table / f"{sha}.parquet" for sha in shas]
        batch.files[table] = [p for p in paths if p.is_file()]
    return batch


# ---- running GX over a frame -------------------------------------------------------------------


def _duckdb_config(scratch: str) -> dict[str, str]:
    """Keep DuckDB's share of the gate's memory small: it spills batch-wide aggregates (key
    counts, claim totals) to `scratch` instead of growing with the batch."""
    return {"memory_limit": DUCKDB_MEMORY_LIMIT, "temp_directory": scratch, "threads": "2"}


def _validate_frame(
    context: Any,
    frame: Frame,
    chunk_iter: Iterator[pd.DataFrame],
    params: dict[str, Any],
    failures: list[dict[str, Any]],
) -> FrameRun:
    from great_expectations.validator.v1_validator import Validator

    from transforms.quality.gx_context import batch_definition

    suite = context.suites.get(frame.gx_suite)
    configs = {e.meta["check"]: e.configuration for e in suite.expectations}
    metas = [dict(e.meta or {}) for e in suite.expectations]
    tallies = {
        e.meta["check"]: results.new_tally(frame, e.configuration) for e in suite.expectations
    }
    result_format: dict[str, Any] = {
        "result_format": "COMPLETE",
        "partial_unexpected_count": 20,
        "return_unexpected_index_query": False,
    }
    if frame.row_key:
        result_format["unexpected_index_column_names"] = results.index_columns(frame, metas)
    definition = batch_definition(context, frame.asset)
    run = FrameRun(frame, list(tallies.values()), configs, {})
    for chunk in chunk_iter:
        if chunk.empty:
            continue
        # What `Batch.validate` does, without first building (and fingerprinting: GX hashes every
        # row of the frame) a Batch that it would throw away and build again.
        validator = Validator(
            batch_definition=definition,
            batch_parameters={"dataframe": chunk},
            result_format=result_format,
        )
        outcome = validator.validate_expectation_suite(suite, expectation_parameters=params)
        for result in outcome.results:
            tally = tallies[result.expectation_config.meta["check"]]
            tally.add(result)
            if frame.row_key is None:
                tally.observed.extend(_summary_values(chunk, result.expectation_config.kwargs))
            failures.extend(results.row_failures(frame, tally, result))
        run.rows += len(chunk)
        run.chunks += 1
        del validator, outcome
    run.meta = {
        "active_batch_definition": {
            "datasource_name": "rcm",
            "data_asset_name": frame.asset,
            "batch_definition_name": "whole_dataframe",
        },
        "rows_validated": run.rows,
        "chunks": run.chunks,
        "table_name": frame.table_name,
        "great_expectations_version": _gx_version(),
    }
    return run


def _gx_version() -> str:
    from importlib.metadata import version

    return version("great_expectations")


def _summary_values(chunk: pd.DataFrame, kwargs: dict[str, Any]) -> list[Any]:
    """The checked value(s) of a one-row summary frame, recorded as the observed value."""
    column = kwargs.get("column")
    if column is None or column not in chunk.columns:
        return []
    return chunk[column].tolist()


# ---- the two gates' frame sources --------------------------------------------------------------


def _ingestion_runs(
    context: Any,
    data_dir: Path,
    as_of: dt.date,
    batch: Batch,
    params: dict[str, Any],
    failures: list[dict[str, Any]],
    chunk_rows: int,
) -> list[FrameRun]:
    frames = [f for f in frames_mod.INGESTION_FRAMES if batch.files.get(f.source or "")]
    if not frames:
        return []
    try:
        broken = inputs.build(data_dir, as_of, "ingestion", [f.model for f in frames])
    except inputs.InputsNotBuilt as exc:
        broken = {frame.model: str(exc) for frame in frames}
    runs: list[FrameRun] = []
    scratch = tempfile.TemporaryDirectory(prefix=".quality-", dir=Paths(data_dir).warehouse)
    con = inputs.connect(data_dir, batch.file_shas, _duckdb_config(scratch.name))
    try:
        for frame in frames:
            try:
                if frame.model in broken:
                    raise duckdb.Error(broken[frame.model])
                reader = con.sql(inputs.select_model(frame.model)).to_arrow_reader(chunk_rows)
                run = _validate_frame(
                    context, frame, frames_mod.chunks(reader, chunk_rows), params, failures
                )
            except duckdb.Error as exc:
                run = _unreadable(frame, exc)
            LOG.info(
                "%s: %s rows, %d check(s) failed",
                frame.gx_suite,
                f"{run.rows:,}",
                sum(1 for t in run.tallies if not t.success),
            )
            runs.append(run)
    finally:
        con.close()
        scratch.cleanup()
    return runs


def _read_only(data_dir: Path, config: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Paths(data_dir).build_db), read_only=True, config=config or {})


def _unreadable(frame: Frame, exc: Exception) -> FrameRun:
    message = f"cannot read {frame.table_name}: {exc}".splitlines()[0]
    return _failed_run(frame, f"{frame.asset}_readable", f"frame_query({frame.asset})", message)


def _failed_run(frame: Frame, check: str, expectation: str, message: str) -> FrameRun:
    return FrameRun(frame, [results.synthetic_failure(frame, check, expectation, message)], {}, {})


def _publish_runs(
    context: Any,
    data_dir: Path,
    as_of: dt.date,
    params: dict[str, Any],
    failures: list[dict[str, Any]],
    chunk_rows: int,
) -> list[FrameRun]:
    paths = Paths(data_dir)
    if not paths.build_db.is_file():
        return [
            _failed_run(
                frames_mod.PUBLISH_FRAMES[0],
                "build_database_exists",
                f"database_exists({paths.build_db.name})",
                f"the build database does not exist ({paths.build_db}); run `rcm build`",
            )
        ]
    con = _read_only(data_dir)
    try:
        present, built = inputs.relations(con, "marts"), inputs.relations(con, inputs.SCHEMA)
    finally:
        con.close()
    runs: list[FrameRun] = []
    reported: set[str] = set()
    ready: list[Frame] = []
    for frame in frames_mod.PUBLISH_FRAMES:
        missing = [t for t in frame.requires if t not in present]
        for table in sorted(set(missing) - reported):
            reported.add(table)
            runs.append(
                _failed_run(
                    frame,
                    f"{table}_exists",
                    f"table_exists(marts.{table})",
                    f"marts.{table} missing from the build",
                )
            )
        if not missing:
            ready.append(frame)
    broken: dict[str, str] = {}
    if any(frame.model not in built for frame in ready):
        # a build from before models/quality/publish existed, or hand-made marts: make the views
        try:
            broken = inputs.build(data_dir, as_of, "publish", [f.model for f in ready])
        except inputs.InputsNotBuilt as exc:
            broken = {frame.model: str(exc) for frame in ready}
    tables: dict[Frame, Any] = {}
    con = _read_only(data_dir)
    try:
        for frame in ready:
            try:
                if frame.model in broken:
                    raise duckdb.Error(broken[frame.model])
                tables[frame] = con.sql(inputs.select_model(frame.model)).to_arrow_table()
            except duckdb.Error as exc:
                runs.append(_unreadable(frame, exc))
    finally:
        con.close()
    for frame, table in tables.items():
        runs.append(
            _validate_frame(context, frame, frames_mod.chunks(table, chunk_rows), params, failures)
        )
    return runs


# ---- the gate ----------------------------------------------------------------------------------


def _suite_run_rows(
    gate: str,
    run_id: str,
    as_of: dt.date,
    started: dt.datetime,
    finished: dt.datetime,
    runs: list[FrameRun],
) -> list[dict[str, Any]]:
    rows = []
    for suite in GATE_SUITES[gate]:
        tallies = [t for r in runs if r.frame.suite == suite for t in r.tallies]
        rows.append(
            {
                "run_id": run_id,
                "gate": gate,
                "as_of_date": as_of,
                "suite": suite,
                "started_at": started,
                "finished_at": finished,
                "success": all(t.success for t in tallies),
                "critical_failures": sum(
                    1 for t in tallies if not t.success and t.severity == "critical"
                ),
                "warning_failures": sum(
                    1 for t in tallies if not t.success and t.severity != "critical"
                ),
                "evaluated_expectations": len(tallies),
                "rows_validated": sum(r.rows for r in runs if r.frame.suite == suite),
            }
        )
    return rows


def run_gate(
    gate: str,
    data_dir: Path,
    as_of: dt.date,
    run_id: str | None = None,
    *,
    ingest_run_id: str | list[str] | None = None,
    seeds_dir: Path | None = None,
    chunk_rows: int = frames_mod.CHUNK_ROWS,
    data_docs: bool = True,
) -> dict[str, Any]:
    """Run one gate, record its results, build Data Docs; raise GateFailed on a critical failure.

    `ingest_run_id` picks the ingestion batch (default: the latest manifest); `seeds_dir` the
    reference CSVs (default $RCM_SEEDS_DIR or <repo>/seeds); `chunk_rows` the rows GX sees at a
    time; `data_docs=False` skips rendering (tests).
    """
    if gate not in GATE_SUITES:
        raise RcmError(f"unknown gate {gate!r}; expected one of {sorted(GATE_SUITES)}")
    data_dir = Path(data_dir)
    run_id = run_id or default_run_id(as_of)
    started, clock = store.now_utc(), time.monotonic()
    params = refdata.suite_parameters(gate, as_of, seeds_dir)

    from transforms.quality.gx_context import open_context

    context = open_context(data_dir)
    failures: list[dict[str, Any]] = []
    batch: Batch | None = None
    previous_holds: dict[str, holds_mod.Hold] = {}
    if gate == "ingestion":
        previous_holds = holds_mod.current(data_dir)
        batch = latest_batch(data_dir, ingest_run_id, sorted(previous_holds))
        runs = _ingestion_runs(context, data_dir, as_of, batch, params, failures, chunk_rows)
    else:
        runs = _publish_runs(context, data_dir, as_of, params, failures, chunk_rows)
    per_file, blocking = split_findings(runs, failures)
    decision = None
    if gate == "ingestion" and not blocking:
        decision = decide_holds(data_dir, run_id, as_of, per_file, previous_holds)
    suite_rows = _suite_run_rows(gate, run_id, as_of, started, store.now_utc(), runs)
    _record(data_dir, gate, run_id, as_of, suite_rows, runs, failures, decision)
    docs = _render_docs(context, data_dir, run_id, started, runs) if data_docs else (None, None)

    summary = _summary(gate, run_id, as_of, batch, suite_rows, runs, len(failures), docs, blocking)
    summary["held_files"] = [_hold_brief(h) for h in (decision[0] if decision else {}).values()]
    summary["released_files"] = [_hold_brief(h) for h in (decision[1] if decision else {}).values()]
    summary["elapsed_seconds"] = round(time.monotonic() - clock, 2)
    LOG.info(
        "%s gate %s: %d blocking, %d file-level critical, %d warning failure(s), %d flagged "
        "row(s), %d file(s) held, %d released in %.1fs",
        gate,
        run_id,
        len(summary["failures"]),
        len(summary["held_checks"]),
        len(summary["warnings"]),
        len(failures),
        len(summary["held_files"]),
        len(summary["released_files"]),
        summary["elapsed_seconds"],
    )
    for hold in summary["held_files"]:
        LOG.warning("held back: %s (%s)", hold["file_name"], ", ".join(hold["checks"]))
    if blocking:
        names = ", ".join(f"{t.check_name} ({_count_text(t)})" for t in blocking)
        raise GateFailed(
            f"{gate} gate failed for run {run_id}: critical check(s) failed: {names}; "
            "see quality.expectation_results and quality.row_failures"
        )
    return summary


def split_findings(
    runs: list[FrameRun], failures: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, int]], list[results.Tally]]:
    """Failing critical checks, split: those whose every flagged row names its raw file
    ({sha256: {check: rows}}: the files to hold back) and the others (they block the run)."""
    records: dict[str, list[str | None]] = {}
    for failure in failures:
        records.setdefault(failure["check_name"], []).append(failure.get("file_sha256"))
    per_file: dict[str, dict[str, int]] = {}
    blocking: list[results.Tally] = []
    for run in runs:
        for tally in run.tallies:
            if tally.success or tally.severity != "critical":
                continue
            shas = records.get(tally.check_name, [])
            attributable = (
                run.frame.file_key is not None
                and not tally.errors
                and bool(shas)
                and all(shas)
                and tally.unexpected_count == len(shas)
            )
            if not attributable:
                blocking.append(tally)
                continue
            for sha in shas:
                checks = per_file.setdefault(str(sha), {})
                checks[tally.check_name] = checks.get(tally.check_name, 0) + 1
    return per_file, blocking


def decide_holds(
    data_dir: Path,
    run_id: str,
    as_of: dt.date,
    per_file: dict[str, dict[str, int]],
    previous: dict[str, holds_mod.Hold],
) -> tuple[dict[str, holds_mod.Hold], dict[str, holds_mod.Hold]]:
    """The files held after this run (kept since their first hold) and those it releases."""
    details = holds_mod.file_details(data_dir, set(per_file) | set(previous))
    held: dict[str, holds_mod.Hold] = {}
    for sha, checks in per_file.items():
        before = previous.get(sha)
        name, ingest_run = details.get(sha, (None, None))
        held[sha] = holds_mod.Hold(
            file_sha256=sha,
            file_name=name or (before.file_name if before else None),
            ingest_run_id=ingest_run or (before.ingest_run_id if before else None),
            check_names=sorted(checks),
            flagged_rows=sum(checks.values()),
            held_since_run_id=before.held_since_run_id if before else run_id,
            held_since_as_of=before.held_since_as_of if before else as_of,
        )
    released = {sha: hold for sha, hold in previous.items() if sha not in held}
    return held, released


def _hold_brief(hold: holds_mod.Hold) -> dict[str, Any]:
    return {
        "file_sha256": hold.file_sha256,
        "file_name": hold.file_name,
        "ingest_run_id": hold.ingest_run_id,
        "checks": hold.check_names,
        "flagged_rows": hold.flagged_rows,
        "held_since_as_of": hold.held_since_as_of.isoformat() if hold.held_since_as_of else None,
    }


def _record(
    data_dir: Path,
    gate: str,
    run_id: str,
    as_of: dt.date,
    suite_rows: list[dict[str, Any]],
    runs: list[FrameRun],
    failures: list[dict[str, Any]],
    decision: tuple[dict[str, holds_mod.Hold], dict[str, holds_mod.Hold]] | None = None,
) -> None:
    """Write the gate's rows into quality.* and, for an ingestion gate that decided, the holds
    snapshot under raw/file_holds/, under the warehouse writer lock (the one writer of both)."""
    stamp = {"run_id": run_id, "as_of_date": as_of}
    paths = Paths(data_dir)
    with writer_lock(paths.warehouse):
        if decision is not None:
            holds_mod.write_snapshot(
                data_dir,
                gate_run_id=run_id,
                as_of=as_of,
                held=decision[0],
                released=decision[1],
                recorded_at=store.now_utc(),
            )
        store.write_results(
            paths.build_db,
            run_id=run_id,
            suites=GATE_SUITES[gate],
            runs=suite_rows,
            results=[{**stamp, **t.as_record()} for r in runs for t in r.tallies],
            failures=[{**stamp, **f} for f in failures],
        )


def _summary(
    gate: str,
    run_id: str,
    as_of: dt.date,
    batch: Batch | None,
    suite_rows: list[dict[str, Any]],
    runs: list[FrameRun],
    flagged_rows: int,
    docs: tuple[Path | None, str | None],
    blocking: list[results.Tally],
) -> dict[str, Any]:
    """The JSON-able answer of a gate (the CLI prints it): `failures` are the critical checks that
    block the run, `held_checks` the critical ones that only hold back files."""
    tallies = [t for r in runs for t in r.tallies]
    failed = [t for t in tallies if not t.success]
    blocking_ids = {id(t) for t in blocking}
    summary = {
        "gate": gate,
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "success": not blocking,
        "ingest_run_id": batch.ingest_run_id if batch else None,
        "files_validated": batch.file_count if batch else None,
        "suites": [
            {k: v for k, v in row.items() if k not in ("run_id", "as_of_date", "gate")}
            for row in suite_rows
        ],
        "successes": [t.check_name for t in tallies if t.success],
        "failures": [_brief(t) for t in blocking],
        "held_checks": [
            _brief(t) for t in failed if t.severity == "critical" and id(t) not in blocking_ids
        ],
        "warnings": [_brief(t) for t in failed if t.severity != "critical"],
        "row_failures": flagged_rows,
        "data_docs": str(docs[0]) if docs[0] else None,
    }
    if docs[1]:
        summary["data_docs_error"] = docs[1]
    return summary


def _render_docs(
    context: Any, data_dir: Path, run_id: str, started: dt.datetime, runs: list[FrameRun]
) -> tuple[Path | None, str | None]:
    """Build Data Docs; a rendering problem is logged and returned, never decides the gate."""
    from transforms.quality.docs import publish_docs

    try:
        index = publish_docs(
            context,
            data_dir,
            run_id=run_id,
            run_time=started,
            suites={r.frame.gx_suite: (r.tallies, r.configs, r.meta) for r in runs if r.configs},
        )
    except Exception as exc:  # noqa: BLE001 - the gate's verdict must not depend on rendering
        error = f"{type(exc).__name__}: {exc}"
        LOG.warning("data docs not built: %s", error)
        return None, error
    return index, None


def _count_text(tally: results.Tally) -> str:
    if tally.errors:
        return tally.errors[0]
    if tally.observed:
        return f"observed {tally.observed_value}"
    if tally.unexpected_count is not None:
        return f"{tally.unexpected_count} row(s)"
    return f"observed {tally.observed_value}"


def _brief(tally: results.Tally) -> dict[str, Any]:
    return {
        "check": tally.check_name,
        "table": tally.table_name,
        "expectation": tally.expectation,
        "unexpected_count": tally.unexpected_count,
        "unexpected_percent": tally.unexpected_percent,
        "observed_value": tally.observed_value,
    }


__all__ = ["Batch", "latest_batch", "run_gate"]
