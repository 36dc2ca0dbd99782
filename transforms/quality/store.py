"""Writing a gate's results into the build database's `quality` schema, idempotently per run.

Three tables (created when missing; `row_failures` has exactly the columns dbt's source declares):

- `quality.validation_runs`: one row per run id x logical suite.
- `quality.expectation_results`: one row per run id x check (expectation = GX type + column).
- `quality.row_failures`: one row per flagged row x check; `row_key` is the raw (or mart) row id,
  `claim_id` the patient control number when known, `file_sha256` the raw file (ingestion gate).
  Never a patient identifier or birth date.

Re-running a run id replaces that run's rows for the suites being written (the ingestion and the
publish gate of one run share the run id but not their suites). The writer holds the project's
writer lock (`transforms.locking`) and keeps the DuckDB connection open only for the write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

SCHEMA = "quality"

DDL = {
    "validation_runs": """
        create table if not exists quality.validation_runs (
            run_id varchar not null,
            gate varchar not null,
            as_of_date date not null,
            suite varchar not null,
            started_at timestamp,
            finished_at timestamp,
            success boolean,
            critical_failures integer,
            warning_failures integer,
            evaluated_expectations integer,
            rows_validated bigint
        )""",
    "expectation_results": """
        create table if not exists quality.expectation_results (
            run_id varchar not null,
            as_of_date date not null,
            suite varchar not null,
            expectation varchar not null,
            severity varchar,
            success boolean,
            unexpected_count bigint,
            unexpected_percent double,
            observed_value varchar,
            check_name varchar,
            table_name varchar,
            gx_suite varchar,
            element_count bigint
        )""",
    "row_failures": """
        create table if not exists quality.row_failures (
            run_id varchar,
            as_of_date date,
            check_name varchar,
            severity varchar,
            table_name varchar,
            row_key varchar,
            claim_id varchar,
            offending_value varchar,
            file_sha256 varchar
        )""",
}
# Columns added after the first release: created on databases that predate them.
MIGRATIONS = ("alter table quality.row_failures add column if not exists file_sha256 varchar",)

RUN_COLUMNS = (
    "run_id",
    "gate",
    "as_of_date",
    "suite",
    "started_at",
    "finished_at",
    "success",
    "critical_failures",
    "warning_failures",
    "evaluated_expectations",
    "rows_validated",
)
RESULT_COLUMNS = (
    "run_id",
    "as_of_date",
    "suite",
    "expectation",
    "severity",
    "success",
    "unexpected_count",
    "unexpected_percent",
    "observed_value",
    "check_name",
    "table_name",
    "gx_suite",
    "element_count",
)
FAILURE_COLUMNS = (
    "run_id",
    "as_of_date",
    "check_name",
    "severity",
    "table_name",
    "row_key",
    "claim_id",
    "offending_value",
    "file_sha256",
)

_ARROW_TYPES: dict[str, pa.DataType] = {
    "as_of_date": pa.date32(),
    "started_at": pa.timestamp("us"),
    "finished_at": pa.timestamp("us"),
    "success": pa.bool_(),
    "critical_failures": pa.int32(),
    "warning_failures": pa.int32(),
    "evaluated_expectations": pa.int32(),
    "rows_validated": pa.int64(),
    "unexpected_count": pa.int64(),
    "unexpected_percent": pa.float64(),
    "element_count": pa.int64(),
}


def _arrow(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    schema = pa.schema([(c, _ARROW_TYPES.get(c, pa.string())) for c in columns])
    return pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows], schema=schema)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    for ddl in DDL.values():
        con.execute(ddl)
    for ddl in MIGRATIONS:
        con.execute(ddl)


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    if data.num_rows == 0:
        return
    columns = ", ".join(data.column_names)
    con.register("_quality_rows", data)
    try:
        con.execute(f"insert into {SCHEMA}.{table} ({columns}) select {columns} from _quality_rows")
    except Exception:
        # after a failed insert (disk full while spilling, a constraint) the transaction is
        # aborted and unregister would raise "Current transaction is aborted": keep the first error
        with contextlib.suppress(Exception):
            con.unregister("_quality_rows")
        raise
    con.unregister("_quality_rows")


def write_results(
    build_db: Path,
    *,
    run_id: str,
    suites: Iterable[str],
    runs: Sequence[dict[str, Any]],
    results: Sequence[dict[str, Any]],
    failures: Sequence[dict[str, Any]],
) -> None:
    """Replace the run's rows for `suites` with the given ones, in one transaction."""
    suites = sorted(set(suites))
    build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(build_db))
    in_transaction = False
    try:
        ensure_tables(con)
        con.execute("begin transaction")
        in_transaction = True
        for suite in suites:
            con.execute(
                "delete from quality.validation_runs where run_id = ? and suite = ?",
                [run_id, suite],
            )
            con.execute(
                "delete from quality.expectation_results where run_id = ? and suite = ?",
                [run_id, suite],
            )
            con.execute(
                "delete from quality.row_failures where run_id = ? and starts_with(check_name, ?)",
                [run_id, f"{suite}."],
            )
        _insert(con, "validation_runs", _arrow(runs, RUN_COLUMNS))
        _insert(con, "expectation_results", _arrow(results, RESULT_COLUMNS))
        _insert(con, "row_failures", _arrow(failures, FAILURE_COLUMNS))
        con.execute("commit")
        in_transaction = False
    except Exception:
        if in_transaction:
            # a failed commit (disk full, I/O error) has already ended the transaction: keep the
            # first error, not DuckDB's "cannot rollback - no transaction is active"
            with contextlib.suppress(Exception):
                con.execute("rollback")
        raise
    finally:
        con.close()


def now_utc() -> dt.datetime:
    """Wall-clock time for the audit columns started_at/finished_at only (never business logic)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
