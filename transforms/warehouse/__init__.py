"""The warehouse step: `dbt build` (and `dbt docs generate`) run in process over one data directory.

`build(data_dir, as_of)` is what `rcm build` and the Airflow task call. It points the dbt project at
the repository root (`dbt_project.yml`, `profiles.yml`) and at this data directory through
environment variables the profile and the sources read:

    RCM_BUILD_DB  <data_dir>/warehouse/build.duckdb   the database dbt writes (one writer at a time)
    RCM_RAW_DIR   <data_dir>/raw                       Parquet sources, <table>/*.parquet
    RCM_REF_DIR   <data_dir>/ref                       code sets built by `rcm codesets`

`engine="spark"` builds the same project on Apache Spark instead (transforms/warehouse/spark.py:
dbt-spark's local session, a full rebuild each time, marts as Parquet under
<data_dir>/warehouse/spark/tables/). dbt's target and log folders live inside the data directory too, so parallel runs on different
data directories (tests, the demo, the nightly job) never share state. The run's logical date goes
in as the dbt var `as_of_date`; no model reads the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from transforms import log, settings
from transforms.errors import RcmError
from transforms.locking import writer_lock
from transforms.raw import RAW_TABLES
from transforms.settings import ENV_BUILD_DB, ENV_RAW_DIR, ENV_REF_DIR, Paths

LOG = log.get_logger("warehouse")

ICD10CM_FILE = "icd10cm_codes.parquet"

ENGINES = ("duckdb", "spark")

# dbt node statuses that mean the run did not do what it should.
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


class WarehouseBuildFailed(RcmError):
    """`dbt build` finished with failing nodes (models, tests or seeds)."""


def dbt_dirs(data_dir: Path, engine: str = "duckdb") -> tuple[Path, Path]:
    """dbt's target and log folders for one data directory (the Spark build has its own: its
    partial-parse state and run results never mix with the DuckDB build's)."""
    root = Path(data_dir)
    if engine == "spark":
        return root / "dbt" / "target-spark", root / "logs" / "dbt-spark"
    return root / "dbt" / "target", root / "logs" / "dbt"


def dbt_env(data_dir: Path) -> dict[str, str]:
    """The environment variables the profile and the sources read, for one data directory."""
    paths = Paths(Path(data_dir).resolve())
    return {
        ENV_BUILD_DB: str(paths.build_db),
        ENV_RAW_DIR: str(paths.raw),
        ENV_REF_DIR: str(paths.ref),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }


def dbt_args(
    command: list[str], data_dir: Path, as_of: dt.date, project_dir: Path, engine: str = "duckdb"
) -> list[str]:
    """Arguments for dbtRunner: quiet console (progress goes to our log), project, profile,
    target/log paths and the as-of var. dbt's full log is written to <data_dir>/logs/dbt/dbt.log.
    `engine="spark"` selects the profile's `spark` output."""
    target_dir, log_dir = dbt_dirs(Path(data_dir).resolve(), engine)
    target = ["--target", "spark"] if engine == "spark" else []
    return [
        *command,
        "--quiet",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(log_dir),
        "--vars",
        json.dumps({"as_of_date": as_of.isoformat()}),
        *target,
    ]


def missing_inputs(data_dir: Path) -> list[str]:
    """Inputs the build cannot run without: raw table folders with no Parquet, the ICD-10-CM set."""
    paths = Paths(Path(data_dir))
    missing = [
        f"raw/{table}/*.parquet"
        for table in RAW_TABLES
        if not any((paths.raw / table).glob("*.parquet"))
    ]
    if not (paths.ref / ICD10CM_FILE).is_file():
        missing.append(f"ref/{ICD10CM_FILE} (run `rcm codesets`)")
    return missing


def summarize(results: list[Any], elapsed: float) -> dict[str, Any]:
    """Counts of dbt node results by status, plus the names of failed and warned nodes."""
    counts: dict[str, int] = {}
    failed: list[str] = []
    warned: list[str] = []
    for result in results:
        status = _status(result)
        counts[status] = counts.get(status, 0) + 1
        name = result.node.unique_id
        if status in FAILED_STATUSES:
            failed.append(name)
        elif status == "warn":
            warned.append(name)
    return {
        "nodes": len(results),
        "statuses": dict(sorted(counts.items())),
        "failed": sorted(failed),
        "warned": sorted(warned),
        "elapsed_seconds": round(elapsed, 2),
    }


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _ensure_inputs(data_dir: Path) -> None:
    """Give every raw table (and the gate's file holds) its zero-row `_schema.parquet` (so globs
    match), build the code sets
    when they are missing (offline, from their packages), then check the inputs."""
    from transforms.codesets import build_codesets
    from transforms.quality.holds import ensure_layout as ensure_holds_layout
    from transforms.raw import ensure_raw_layout

    ensure_raw_layout(data_dir)
    ensure_holds_layout(data_dir)
    if missing_inputs(data_dir):
        build_codesets(data_dir)
    missing = missing_inputs(data_dir)
    if missing:
        raise RcmError(
            f"cannot build the warehouse: missing inputs under {data_dir}: {', '.join(missing)}"
        )


def _release_database() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open in process after a run.

    dbt-duckdb holds one connection per process (a class attribute) until exit; left open, the build
    database stays locked for other processes and this process cannot reopen it read-only.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            environment.close()


def log_node_result(event: Any) -> None:
    """dbt callback: one log line per finished node (stdout stays free for the command's JSON).

    Models and seeds at INFO, passing tests at DEBUG, anything else at WARNING with dbt's message
    (counts and node names only: dbt's messages carry no row values).
    """
    if event.info.name != "NodeFinished":
        return
    node = event.data.node_info
    result = event.data.run_result
    status = str(result.status)
    if status in ("success", "pass"):
        level = logging.INFO if node.resource_type in ("model", "seed") else logging.DEBUG
        LOG.log(
            level,
            "dbt %s %s: %s in %.2fs",
            node.resource_type,
            node.node_name,
            status,
            result.execution_time,
        )
    else:
        LOG.warning(
            "dbt %s %s: %s (%s)", node.resource_type, node.node_name, status, result.message
        )


def _invoke(
    command: list[str], data_dir: Path, as_of: dt.date, project_dir: Path, engine: str = "duckdb"
) -> tuple[Any, float]:
    from dbt.cli.main import dbtRunner

    args = dbt_args(command, data_dir, as_of, project_dir, engine)
    started = time.monotonic()
    with _environment(dbt_env(data_dir)):
        try:
            outcome = dbtRunner(callbacks=[log_node_result]).invoke(args)
        finally:
            _release_database()
    elapsed = time.monotonic() - started
    if outcome.exception is not None:
        raise WarehouseBuildFailed(f"dbt {command[0]} could not run: {outcome.exception}")
    return outcome, elapsed


def build(
    data_dir: Path,
    as_of: dt.date,
    *,
    project_dir: Path | None = None,
    full_refresh: bool = False,
    engine: str = "duckdb",
    tests: bool = True,
    unit_tests: bool = False,
) -> dict[str, Any]:
    """Run `dbt build` (seeds, models, data tests) into <data_dir>/warehouse/build.duckdb as of
    `as_of`.

    The claim-level models are incremental: a build recomputes only the claims touched since the
    previous one (see models/intermediate/scope). `full_refresh` rebuilds every model from raw.
    dbt's unit tests check SQL logic on fixed rows, not the data: like dbt's own advice for
    production runs, a build leaves them out unless `unit_tests` (`rcm build --unit-tests`; the
    test suite runs them). Models that ran out of memory side by side are built again one at a
    time (`dbt retry --threads 1`, see `_retry_out_of_memory`).
    `engine="spark"` builds on Apache Spark instead (always in full; transforms/warehouse/spark.py);
    `tests=False` skips dbt's tests there (the DuckDB build always runs the data tests).

    Returns a summary (node counts by status, failed and warned nodes, elapsed seconds). Raises
    WarehouseBuildFailed naming the failing nodes when a model, seed or error-severity test fails.
    """
    if engine not in ENGINES:
        raise RcmError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if engine == "spark":
        from transforms.warehouse import spark

        return spark.build(data_dir, as_of, project_dir=project_dir, tests=tests)
    data_dir = Path(data_dir).resolve()
    project_dir = Path(project_dir or settings.PROJECT_ROOT).resolve()
    paths = Paths(data_dir)
    _ensure_inputs(data_dir)
    with writer_lock(paths.warehouse):
        LOG.info("dbt build as of %s into %s", as_of, paths.build_db)
        command = ["build", "--full-refresh"] if full_refresh else ["build"]
        if not unit_tests:
            command += ["--exclude-resource-type", "unit_test"]
        outcome, elapsed = _invoke(command, data_dir, as_of, project_dir)
        results, success = list(outcome.result or []), bool(outcome.success)
        if not success and _out_of_memory(results):
            results, success, elapsed = _retry_out_of_memory(
                results, elapsed, data_dir, as_of, project_dir
            )
    summary = summarize(results, elapsed)
    summary.update(
        {
            "as_of": as_of.isoformat(),
            "engine": "duckdb",
            "database": str(paths.build_db),
            "full_refresh": full_refresh,
        }
    )
    if summary["failed"] or not success:
        raise WarehouseBuildFailed(
            f"dbt build failed for {len(summary['failed'])} node(s): {', '.join(summary['failed'])}"
            f" (details in {dbt_dirs(data_dir)[1] / 'dbt.log'})"
        )
    from transforms.quality import inputs  # the gates' views were built from this project too

    inputs.mark_current(data_dir)
    LOG.info("dbt build: %d nodes in %.1fs (%s)", summary["nodes"], elapsed, summary["statuses"])
    return summary


def _out_of_memory(results: list[Any]) -> bool:
    """Whether a node failed because DuckDB ran out of memory (its memory_limit, profiles.yml)."""
    return any(
        _status(result) in FAILED_STATUSES and "Out of Memory Error" in str(result.message or "")
        for result in results
    )


def _retry_out_of_memory(
    results: list[Any], elapsed: float, data_dir: Path, as_of: dt.date, project_dir: Path
) -> tuple[list[Any], bool, float]:
    """`dbt retry --threads 1`: the failed nodes and those skipped after them, one at a time.

    Two large models built side by side share one DuckDB memory limit; on a build of every claim
    (a first build, a changed model) a pair of them can run out where each alone fits, and which
    pair depends on timing. A failed model changed nothing (each runs in a transaction), so
    building the rest again, alone, gives the build that would have been. The nodes of the first
    pass that passed keep their results; a node that fails again fails the build."""
    failed = [r.node.unique_id for r in results if _status(r) in FAILED_STATUSES]
    LOG.warning(
        "dbt build: %d node(s) failed, some out of memory side by side (%s); retrying them "
        "one at a time",
        len(failed),
        ", ".join(failed),
    )
    retry, retry_elapsed = _invoke(["retry", "--threads", "1"], data_dir, as_of, project_dir)
    retried = {r.node.unique_id: r for r in retry.result or []}
    merged = [retried.pop(r.node.unique_id, r) for r in results] + list(retried.values())
    return merged, bool(retry.success), elapsed + retry_elapsed


def _status(result: Any) -> str:
    return str(getattr(result.status, "value", result.status))


def last_build_as_of(data_dir: Path) -> dt.date | None:
    """The as-of date of the last dbt run in this data directory (from dbt's run_results.json)."""
    results = dbt_dirs(Path(data_dir).resolve())[0] / "run_results.json"
    try:
        value = json.loads(results.read_text())["args"]["vars"]["as_of_date"]
        return dt.date.fromisoformat(str(value))
    except (OSError, KeyError, TypeError, ValueError):
        return None


def docs(
    data_dir: Path, as_of: dt.date | None = None, *, project_dir: Path | None = None
) -> dict[str, Any]:
    """Run `dbt docs generate --static` offline; returns the path of the self-contained HTML page.

    The catalog is read from the build database, so run `build` first. `as_of` (default: the last
    build's) only fills the compiled SQL the site shows. The page needs no network: open it in a
    browser from disk.
    """
    data_dir = Path(data_dir).resolve()
    project_dir = Path(project_dir or settings.PROJECT_ROOT).resolve()
    paths = Paths(data_dir)
    as_of = as_of or last_build_as_of(data_dir)
    if not paths.build_db.exists() or as_of is None:
        raise RcmError(f"no warehouse to document in {paths.warehouse} (run `rcm build` first)")
    with writer_lock(paths.warehouse):
        outcome, elapsed = _invoke(["docs", "generate", "--static"], data_dir, as_of, project_dir)
    if not outcome.success:
        raise WarehouseBuildFailed(
            f"dbt docs generate failed (details in {dbt_dirs(data_dir)[1] / 'dbt.log'})"
        )
    target_dir, _ = dbt_dirs(data_dir)
    return {
        "static_index": str(target_dir / "static_index.html"),
        "as_of": as_of.isoformat(),
        "elapsed_seconds": round(elapsed, 2),
    }
