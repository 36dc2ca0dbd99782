"""The warehouse on Apache Spark (issue 17): the same dbt project, built by dbt-spark.

`build(data_dir, as_of)` is `rcm build --engine spark`. It reads the same raw Parquet layer and
code sets as the DuckDB build and writes every model as a Parquet table under

    <data_dir>/warehouse/spark/tables/<schema>.db/<model>/      e.g. tables/marts.db/fct_claims/

(`marts_dir()`), which analysts read with Spark, DuckDB (`read_parquet('.../fct_claims/*.parquet')`)
or any Parquet reader. What differs from the DuckDB build, on purpose:

- dbt-spark's `session` method: a local pyspark session (Java 17+, `make setup`). dbt runs in a child
  process (`python -m transforms.warehouse.spark`) so that every build gets a fresh JVM with its
  own static settings (warehouse folder, driver memory) and gives its memory back when it ends.
- A full rebuild every time, into an emptied folder, with an in-memory catalog: dbt-spark has no
  delete+insert strategy (our claim-scope increments, macros/incremental_scope.sql, need one), so
  the incremental models are built with `--full-refresh`. Nightly increments stay a DuckDB feature.
- The sources are external Parquet tables registered by the on-run-start hook
  (`register_sources()`, macros/engines.sql). The gates write their row failures into the DuckDB
  build database only, so they are exported to Parquet first (`export_row_failures`); without a
  DuckDB build database the Spark build sees no row failures (an empty table).

Settings: RCM_SPARK_MASTER (default local[2]), RCM_SPARK_DRIVER_MEMORY (2g),
RCM_SPARK_SHUFFLE_PARTITIONS (4), read by the profile's `spark` output (profiles.yml).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from transforms import log, settings
from transforms.errors import RcmError
from transforms.locking import writer_lock
from transforms.settings import Paths

LOG = log.get_logger("warehouse.spark")

ENV_SPARK_DIR = settings.ENV_SPARK_DIR
# log4j2.properties for the JVM: errors only (Spark's warnings would drown the build's own log)
SPARK_CONF_DIR = Path(__file__).with_name("spark_conf")
ROW_FAILURES_COLUMNS = (
    ("run_id", "VARCHAR"),
    ("as_of_date", "DATE"),
    ("check_name", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("row_key", "VARCHAR"),
    ("claim_id", "VARCHAR"),
    ("offending_value", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
)


def spark_dir(data_dir: Path) -> Path:
    """Everything the Spark build writes: tables/ (the models), sources/ (exported inputs)."""
    return Paths(Path(data_dir).resolve()).warehouse / "spark"


def schema_dir(data_dir: Path, schema: str) -> Path:
    """The folder of one schema's tables (one sub-folder of Parquet files per table)."""
    return spark_dir(data_dir) / "tables" / f"{schema}.db"


def marts_dir(data_dir: Path) -> Path:
    return schema_dir(data_dir, "marts")


def tables(data_dir: Path, schema: str = "marts") -> dict[str, Path]:
    """Table name -> its Parquet folder, for every table the last Spark build wrote in `schema`."""
    folder = schema_dir(data_dir, schema)
    if not folder.is_dir():
        return {}
    return {
        path.name: path
        for path in sorted(folder.iterdir())
        if path.is_dir() and any(path.glob("*.parquet"))
    }


def export_row_failures(data_dir: Path) -> int:
    """Copy the gates' `quality.row_failures` from the DuckDB build database to Parquet, where the
    Spark build's source reads it; an empty file with the same columns when there is none.
    Returns the number of rows exported."""
    import duckdb

    paths = Paths(Path(data_dir).resolve())
    target_dir = spark_dir(data_dir) / "sources" / "row_failures"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "row_failures.parquet"
    columns = ", ".join(name for name, _ in ROW_FAILURES_COLUMNS)
    empty = ", ".join(f"cast(null as {kind}) as {name}" for name, kind in ROW_FAILURES_COLUMNS)
    con = duckdb.connect()
    try:
        query = f"select {empty} where false"
        if paths.build_db.exists():
            con.execute(f"attach '{paths.build_db}' as build (read_only)")
            found = con.execute(
                "select count(*) from information_schema.tables "
                "where table_catalog = 'build' and table_schema = 'quality' "
                "and table_name = 'row_failures'"
            ).fetchone()[0]
            if found:
                query = f"select {columns} from build.quality.row_failures"
        con.execute(f"copy ({query}) to '{target}' (format parquet)")
        return con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
    finally:
        con.close()


def build(
    data_dir: Path,
    as_of: dt.date,
    *,
    project_dir: Path | None = None,
    tests: bool = True,
    timeout: float = 3600.0,
) -> dict[str, Any]:
    """`dbt build --full-refresh --target spark` as of `as_of`, in a child process.

    `tests=False` builds seeds and models only (`--exclude-resource-type test unit_test`).

    Empties <data_dir>/warehouse/spark first and holds the warehouse writer lock throughout (the
    row failures are read from the DuckDB build database). Returns the same summary as the DuckDB
    build plus `engine` and `tables_dir`; raises WarehouseBuildFailed when a node fails.
    """
    from transforms.warehouse import WarehouseBuildFailed, _ensure_inputs, dbt_dirs

    data_dir = Path(data_dir).resolve()
    project_dir = Path(project_dir or settings.PROJECT_ROOT).resolve()
    _ensure_inputs(data_dir)
    paths = Paths(data_dir)
    with writer_lock(paths.warehouse):
        root = spark_dir(data_dir)
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        root.chmod(0o700)  # the staging and intermediate tables hold patient identifiers
        exported = export_row_failures(data_dir)
        LOG.info(
            "spark build as of %s into %s (%d row failures from the gates)", as_of, root, exported
        )
        command = [
            sys.executable,
            "-m",
            "transforms.warehouse.spark",
            "--data-dir",
            str(data_dir),
            "--as-of",
            as_of.isoformat(),
            "--project-dir",
            str(project_dir),
            *([] if tests else ["--no-tests"]),
        ]
        env = {**os.environ, "SPARK_CONF_DIR": str(SPARK_CONF_DIR)}
        started = time.monotonic()
        try:
            done = subprocess.run(
                command, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False, env=env
            )
        except subprocess.TimeoutExpired as exc:
            raise WarehouseBuildFailed(
                f"the Spark build did not finish in {timeout:.0f} s"
            ) from exc
    lines = done.stdout.strip().splitlines()
    try:
        summary = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        summary = None
    log_file = dbt_dirs(data_dir, "spark")[1] / "dbt.log"
    if done.returncode != 0 or summary is None:
        detail = summary.get("error") if summary else None
        raise WarehouseBuildFailed(
            f"the Spark build failed (exit {done.returncode})"
            + (f": {detail}" if detail else "")
            + f" (details in {log_file})"
        )
    summary["process_seconds"] = round(time.monotonic() - started, 2)
    if summary["failed"]:
        raise WarehouseBuildFailed(
            f"dbt build on Spark failed for {len(summary['failed'])} node(s): "
            f"{', '.join(summary['failed'])} (details in {log_file})"
        )
    LOG.info(
        "dbt build on Spark: %d nodes in %.1fs (%s)",
        summary["nodes"],
        summary["elapsed_seconds"],
        summary["statuses"],
    )
    return summary


def _build_in_process(
    data_dir: Path, as_of: dt.date, project_dir: Path, tests: bool = True
) -> dict[str, Any]:
    """The child's side: dbt build on the `spark` target (this process owns the JVM)."""
    from transforms.warehouse import _invoke, summarize

    os.environ[ENV_SPARK_DIR] = str(spark_dir(data_dir))
    # pyspark logs every failed statement with its JVM stack trace; dbt.log has the statement
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    command = ["build", "--full-refresh"]
    if not tests:
        command += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    outcome, elapsed = _invoke(command, data_dir, as_of, project_dir, engine="spark")
    summary = summarize(list(outcome.result or []), elapsed)
    summary.update(
        {
            "as_of": as_of.isoformat(),
            "engine": "spark",
            "tables_dir": str(spark_dir(data_dir) / "tables"),
            "full_refresh": True,
            "tests": tests,
        }
    )
    if not outcome.success and not summary["failed"]:
        summary["failed"] = ["(dbt reported failure without a failing node: see dbt.log)"]
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--project-dir", required=True, type=Path)
    parser.add_argument("--no-tests", action="store_true", help="seeds and models only")
    args = parser.parse_args(argv)
    try:
        summary = _build_in_process(
            args.data_dir.resolve(), args.as_of, args.project_dir, tests=not args.no_tests
        )
    except RcmError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 1
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
