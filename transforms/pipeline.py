"""The nightly job as plain functions: one function per stage, the same for the CLI and the DAG.

    (as-of check) -> discover -> ingest -> ingestion gate -> dbt build -> publish gate -> publish
        -> report -> summary

`run_pipeline` chains them for `rcm run` (cron users, tests, the demo without Airflow); the Airflow
DAG calls each stage function from its own task. Every stage takes the run's logical date (`as_of`)
and a `run_id`; none reads the wall clock for business logic. A stage that fails raises, and nothing
after it runs: in particular a gate failure that makes the whole warehouse untrustworthy (a publish
check, an unreadable batch) stops the run before `publish`, so the analysts' warehouse stays exactly
as it was. A critical finding tied to specific files only holds back those files (see
`transforms.quality.holds`): the rest of the night builds and publishes.

The engine of the dbt build is a setting (`RCM_ENGINE`, default duckdb). With `spark` the build
stage runs the same dbt project on Spark (transforms/warehouse/spark.py) and writes the marts as
Parquet under warehouse/spark/tables/; the publish gate, publish and report read the DuckDB build
database and are skipped (each returns `{"skipped": ...}`), so nothing stale is ever published.

An as-of date earlier than the published warehouse's is refused before anything runs, unless the
run is a backfill (`rcm run --backfill`, an Airflow backfill); a backfill publishes beside the
current warehouse (`backfill_target`) and reports from there, never over it unless asked.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transforms import log, settings
from transforms.fsio import write_text
from transforms.raw import built_as_of, pending_ingest_runs, record_gated
from transforms.settings import Paths

LOG = log.get_logger("pipeline")


def make_run_id(as_of: dt.date, suffix: str | None = None) -> str:
    """Run ids sort by as-of date; the suffix tells reruns of the same date apart (by default the
    start time to the microsecond and the process id: two runs started in the same second differ)."""
    if suffix is None:
        suffix = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S.%f}_{os.getpid()}"
    return f"{as_of.isoformat()}__{suffix}"


def exclusive(stage: Callable[..., dict]) -> Callable[..., dict]:
    """Run a stage under the data directory's run lock (`transforms.locking.run_lock`): a stage
    started by hand while the nightly run (or an Airflow task) works on the same data directory is
    refused at once, with who holds it."""
    signature = inspect.signature(stage)

    @functools.wraps(stage)
    def locked(*args: Any, **kwargs: Any) -> dict:
        from transforms.locking import run_lock

        bound = signature.bind(*args, **kwargs).arguments
        name = stage.__name__.removeprefix("stage_")
        if name == "gate":
            name = f"{bound['gate']} gate"
        with run_lock(bound["data_dir"], as_of=bound.get("as_of"), command=name):
            return stage(*args, **kwargs)

    return locked


@exclusive
def stage_discover(data_dir: Path) -> dict:
    """List files under landing/ that the manifest has not seen (cheap: no parsing)."""
    from transforms.ingest import discover_new_files

    paths = Paths(data_dir).ensure()
    new_files = discover_new_files(data_dir)
    LOG.info("discover: %d new file(s) under %s", len(new_files), paths.landing)
    return {"new_files": len(new_files)}


@exclusive
def stage_ingest(data_dir: Path) -> dict:
    from transforms.codesets import build_codesets
    from transforms.ingest import ingest

    Paths(data_dir).ensure()
    codesets = build_codesets(data_dir)
    result = ingest(data_dir)
    result["codesets"] = codesets
    return result


def _skipped_on_spark(stage: str) -> dict | None:
    """The marker a DuckDB-only stage returns when the warehouse engine is Spark, else None."""
    if settings.engine() != "spark":
        return None
    reason = (
        f"{settings.ENV_ENGINE}=spark: the marts are the Spark build's Parquet tables; {stage} "
        "reads the DuckDB build database and is not run"
    )
    LOG.warning(reason)
    return {"skipped": reason}


@exclusive
def stage_gate(gate: str, data_dir: Path, as_of: dt.date, run_id: str | None = None) -> dict:
    """Run a Great Expectations gate.

    The ingestion gate checks every loaded batch that no gate has passed yet (normally just the one
    `ingest` loaded tonight; after a crash or a blocking failure, the earlier ones too) plus every
    file held back so far, and records the batches it passed in
    the raw layer's gate ledger (`raw/_manifest/ingestion_gate_ledger.json`,
    `transforms.raw.ledger`). A batch passes when nothing blocked: its clean files
    build tonight, its files that failed a critical row check stay held (`raw/file_holds/`) and are
    validated again each night until they pass.
    """
    from transforms.quality import run_gate

    if gate != "ingestion":
        skipped = _skipped_on_spark(f"the {gate} gate")
        if skipped is not None:
            return skipped
        return run_gate(gate, data_dir, as_of, run_id=run_id)
    # tonight's batch is among the pending runs when it loaded anything: ingest writes its
    # manifest before it returns
    pending = pending_ingest_runs(data_dir)
    result = run_gate(gate, data_dir, as_of, run_id=run_id, ingest_run_id=pending)
    record_gated(data_dir, pending)  # only reached when no blocking check failed
    result["ingest_runs_validated"] = pending
    return result


@exclusive
def stage_build(data_dir: Path, as_of: dt.date) -> dict:
    """dbt build on the engine `RCM_ENGINE` names (duckdb: incremental; spark: a full rebuild)."""
    from transforms.warehouse import build

    return build(data_dir, as_of, engine=settings.engine())


@exclusive
def stage_publish(
    data_dir: Path,
    replace_newer: bool = False,
    *,
    as_of: dt.date | None = None,
    backfill: bool = False,
) -> dict:
    """Publish the build as the analysts' warehouse; refused when the build's as-of date is earlier
    than the published one's unless `replace_newer` (`--publish-backfill`).

    With `backfill` (an Airflow backfill run) and an `as_of` earlier than the published
    warehouse's, the build is published beside it (`backfill_target`) and the current warehouse
    is kept, as `rcm run --backfill` does."""
    from transforms.publish import publish

    skipped = _skipped_on_spark("publish")
    if skipped is not None:
        return skipped
    side = backfill_side(data_dir, as_of, backfill=backfill) if as_of is not None else None
    if side is not None:
        return publish(data_dir, target=side, replace_newer=True)
    return publish(data_dir, replace_newer=replace_newer)


def backfill_target(data_dir: Path, as_of: dt.date) -> Path:
    """Where a backfill that must not replace the current warehouse publishes its own version."""
    return Paths(data_dir).warehouse / "backfill" / f"analytics_{as_of.isoformat()}.duckdb"


def backfill_side(
    data_dir: Path, as_of: dt.date, *, backfill: bool, publish_backfill: bool = False
) -> Path | None:
    """Where a run for `as_of` publishes when that is not the current warehouse: the backfill
    target for an as-of earlier than the published one's (unless `publish_backfill`), else None.
    An earlier as-of without `backfill` raises `AsOfRegression` (see `check_as_of`)."""
    published = check_as_of(data_dir, as_of, backfill=backfill)
    if published is None or publish_backfill:
        return None
    return backfill_target(data_dir, as_of)


@exclusive
def stage_check_as_of(data_dir: Path, as_of: dt.date, backfill: bool = False) -> dict:
    """The first step of a DAG run: refuse an as-of earlier than the published warehouse's unless
    the run is a backfill, and say where a backfill publishes (nothing is read or written yet)."""
    side = backfill_side(data_dir, as_of, backfill=backfill)
    return {
        "as_of": as_of.isoformat(),
        "backfill": side is not None,
        "publishes_to": str(side or Paths(data_dir).analytics_db),
    }


@exclusive
def stage_report(
    data_dir: Path,
    as_of: dt.date,
    run_id: str | None = None,
    database: Path | None = None,
    *,
    backfill: bool = False,
) -> dict:
    """Write the report for `as_of` from the published warehouse, or from `database`.

    An `as_of` earlier than the published warehouse's is refused (its report would show the newer
    warehouse's numbers under the older date) unless `backfill`: then the report reads the
    backfill's own version, published beside the current one."""
    from transforms.errors import RcmError
    from transforms.report import write_report

    skipped = _skipped_on_spark("the report") if database is None else None
    if skipped is not None:
        return skipped
    if database is None:
        database = backfill_side(data_dir, as_of, backfill=backfill)
        if database is not None and not database.exists():
            raise RcmError(
                f"no backfill is published for as-of {as_of} ({database} does not exist); run "
                f"`rcm run --as-of {as_of} --backfill` first"
            )
    return write_report(data_dir, as_of, run_id=run_id, database=database)


def stage_summary(data_dir: Path, as_of: dt.date, run_id: str, results: dict) -> dict:
    """Write the run summary (counts only, no patient data) next to the reports and return it."""
    paths = Paths(data_dir)
    summary = {"run_id": run_id, "as_of": as_of.isoformat(), **results}
    out = paths.reports / as_of.isoformat()
    out.mkdir(parents=True, exist_ok=True)
    target = out / "run_summary.json"
    write_text(target, json.dumps(summary, indent=2, default=str))
    LOG.info("run %s for %s finished; summary at %s", run_id, as_of, target)
    return summary


def check_as_of(data_dir: Path, as_of: dt.date, *, backfill: bool) -> dt.date | None:
    """The published warehouse's as-of date when `as_of` is earlier (a backfill), else None.

    An earlier as-of without `backfill` is refused: it would silently republish an older,
    smaller warehouse as the current one."""
    from transforms.errors import AsOfRegression

    published = built_as_of(Paths(data_dir).analytics_db)
    if published is None or as_of >= published:
        return None
    if not backfill:
        raise AsOfRegression(
            f"as-of {as_of} is earlier than the published warehouse's as-of {published}; "
            "pass --backfill to rebuild and report that date without replacing the published "
            "warehouse (add --publish-backfill to replace it)"
        )
    return published


def run_pipeline(
    data_dir: Path,
    as_of: dt.date,
    run_id: str | None = None,
    *,
    backfill: bool = False,
    publish_backfill: bool = False,
) -> dict:
    """Run every stage in order; raise on the first failure (nothing is published after it).

    The whole run holds the data directory's run lock. A backfill (`as_of` earlier than the
    published warehouse's) needs `backfill`; it publishes to `warehouse/backfill/` and reports from
    there, leaving the current warehouse alone, unless `publish_backfill` is also given."""
    from transforms.locking import run_lock

    run_id = run_id or make_run_id(as_of)
    with run_lock(data_dir, as_of=as_of, command=f"run {run_id}"):
        published = check_as_of(data_dir, as_of, backfill=backfill)
        side = published is not None and not publish_backfill
        LOG.info("run %s: data dir %s, as of %s", run_id, data_dir, as_of)
        if published is not None:
            LOG.warning(
                "backfill: as-of %s is earlier than the published %s; %s",
                as_of,
                published,
                "publishing to warehouse/backfill/ (the current warehouse is kept)"
                if side
                else "replacing the published warehouse (--publish-backfill)",
            )
        results: dict[str, object] = {}
        timings: dict[str, float] = {}

        def timed(name: str, fn, *args, **kwargs):
            start = time.monotonic()
            LOG.info("stage %s: start", name)
            value = fn(*args, **kwargs)
            timings[name] = round(time.monotonic() - start, 2)
            LOG.info("stage %s: done in %.1fs", name, timings[name])
            results[name] = value
            return value

        timed("discover", stage_discover, data_dir)
        timed("ingest", stage_ingest, data_dir)
        timed("ingestion_gate", stage_gate, "ingestion", data_dir, as_of, run_id)
        timed("build", stage_build, data_dir, as_of)
        timed("publish_gate", stage_gate, "publish", data_dir, as_of, run_id)
        if side:
            from transforms.publish import publish

            target = backfill_target(data_dir, as_of)
            timed("publish", publish, data_dir, target=target, replace_newer=True)
            timed("report", stage_report, data_dir, as_of, run_id, database=target)
        else:
            timed("publish", stage_publish, data_dir, replace_newer=publish_backfill)
            timed("report", stage_report, data_dir, as_of, run_id)
        results["timings_seconds"] = timings
        return stage_summary(data_dir, as_of, run_id, results)


def held_back_input(summary: dict) -> dict:
    """What a finished run left out of the warehouse it published, from its summary: files
    quarantined whole, units (rows, transaction sets) quarantined in files that otherwise loaded,
    files deferred because they were still being written, and files the ingestion gate holds back
    (held tonight or still held from an earlier night). `any` is False when nothing was left out."""
    ingest = summary.get("ingest") or {}
    files = ingest.get("files") or []
    whole = [f["file_name"] for f in files if f.get("status") == "quarantined"]
    partial = [
        (f["file_name"], f.get("units_quarantined", 0))
        for f in files
        if f.get("status") == "partially_quarantined"
    ]
    deferred = list(ingest.get("deferred") or [])
    gate = summary.get("ingestion_gate") or {}
    held = [h["file_name"] for h in gate.get("held_files") or []]
    return {
        "any": bool(whole or partial or deferred or held),
        "files_quarantined": whole,
        "files_partially_quarantined": [name for name, _ in partial],
        "units_quarantined": sum(units for _, units in partial),
        "files_deferred": deferred,
        "files_held": held,
    }


def nothing_landed(summary: dict) -> bool:
    """Whether the run found no new file under landing/ (nothing read, nothing deferred)."""
    totals = (summary.get("ingest") or {}).get("totals") or {}
    return not totals.get("files_in") and not totals.get("files_deferred")


def data_dir_from_env() -> Path:
    return settings.data_dir(None)
