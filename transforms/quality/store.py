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

The columns and their types are written once, below (`TABLE_COLUMNS`, `_ARROW_TYPES`): a missing
table is created from an empty Arrow table of them, a missing column (a database from before it
existed) is added, and rows go in through DuckDB's relational API (`insert_into`), so no DDL or
insert is spelled out twice. dbt's on-run-start hook (macros/create_quality_tables.sql) creates
`row_failures`, with the same columns, for a build that never ran a gate.
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

# the columns every row must have (NOT NULL in the table): a row without them is a writer's bug
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "validation_runs": ("run_id", "gate", "as_of_date", "suite"),
    "expectation_results": ("run_id", "as_of_date", "suite", "expectation"),
    "row_failures": (),
}

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "validation_runs": RUN_COLUMNS,
    "expectation_results": RESULT_COLUMNS,
    "row_failures": FAILURE_COLUMNS,
}

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
    """Create the quality tables, or the columns of them, that the database does not have yet."""
    con.execute(f"create schema if not exists {SCHEMA}")
    for table, columns in TABLE_COLUMNS.items():
        wanted = con.from_arrow(_arrow([], columns))
        try:
            present = set(con.table(f"{SCHEMA}.{table}").columns)
        except duckdb.CatalogException:
            wanted.create(f"{SCHEMA}.{table}")
            for column in REQUIRED_COLUMNS[table]:
                con.execute(f"alter table {SCHEMA}.{table} alter column {column} set not null")
            continue
        for column, column_type in zip(wanted.columns, wanted.types, strict=True):
            if column not in present:
                con.execute(f"alter table {SCHEMA}.{table} add column {column} {column_type}")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Append rows, their columns in the table's own order (a migrated table may differ)."""
    if not rows:
        return
    name = f"{SCHEMA}.{table}"
    con.from_arrow(_arrow(rows, con.table(name).columns)).insert_into(name)


# each table's rows of one run and suite: validation_runs and expectation_results by suite,
# row_failures by the check name's '<suite>.' prefix
_RUN_SUITE_ROWS = {
    "validation_runs": "suite = $suite",
    "expectation_results": "suite = $suite",
    "row_failures": "starts_with(check_name, $suite || '.')",
}


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
        con.begin()
        in_transaction = True
        for suite in suites:
            for table, rows_of_suite in _RUN_SUITE_ROWS.items():
                con.execute(
                    f"delete from {SCHEMA}.{table} where run_id = $run_id and {rows_of_suite}",
                    {"run_id": run_id, "suite": suite},
                )
        _insert(con, "validation_runs", runs)
        _insert(con, "expectation_results", results)
        _insert(con, "row_failures", failures)
        con.commit()
        in_transaction = False
    except Exception:
        if in_transaction:
            # a failed commit (disk full, I/O error) has already ended the transaction: keep the
            # first error, not DuckDB's "cannot rollback - no transaction is active"
            with contextlib.suppress(Exception):
                con.rollback()
        raise
    finally:
        con.close()


def now_utc() -> dt.datetime:
    """Wall-clock time for the audit columns started_at/finished_at only (never business logic)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
