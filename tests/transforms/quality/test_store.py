"""Writing results into quality.* of the build database: idempotent per run id and suite.

GIVEN a build database (new, or with the row_failures table dbt's on-run-start hook creates)
WHEN  a gate's results are written, and written again
THEN  a run id's rows for the written suites are replaced, other suites' rows are kept.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from transforms.quality import store

AS_OF = dt.date(2026, 6, 30)


def _rows(suite: str, run_id: str, n_failures: int) -> dict:
    stamp = {"run_id": run_id, "as_of_date": AS_OF}
    return {
        "runs": [
            {
                **stamp,
                "gate": "g",
                "suite": suite,
                "success": n_failures == 0,
                "critical_failures": 0,
                "warning_failures": n_failures,
            }
        ],
        "results": [
            {
                **stamp,
                "suite": suite,
                "expectation": "expect_x(c)",
                "severity": "warning",
                "success": n_failures == 0,
                "unexpected_count": n_failures,
                "check_name": f"{suite}.x",
            }
        ],
        "failures": [
            {
                **stamp,
                "check_name": f"{suite}.x",
                "severity": "warning",
                "table_name": "t",
                "row_key": f"r{i}",
                "claim_id": None,
                "offending_value": "v",
            }
            for i in range(n_failures)
        ],
    }


def _count(db, table: str, where: str = "true") -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select count(*) from quality.{table} where {where}").fetchone()[0]
    finally:
        con.close()


def test_rewrite_replaces_only_the_written_suites(tmp_path):
    db = tmp_path / "warehouse" / "build.duckdb"
    store.write_results(
        db, run_id="r1", suites=["coding_quality"], **_rows("coding_quality", "r1", 3)
    )
    store.write_results(
        db, run_id="r1", suites=["publish_checks"], **_rows("publish_checks", "r1", 1)
    )
    # WHEN the first suite of the same run is written again with fewer failures
    store.write_results(
        db, run_id="r1", suites=["coding_quality"], **_rows("coding_quality", "r1", 2)
    )
    # THEN its rows are replaced and the other suite's rows stay
    assert _count(db, "validation_runs") == 2
    assert _count(db, "row_failures", "starts_with(check_name, 'coding_quality.')") == 2
    assert _count(db, "row_failures", "starts_with(check_name, 'publish_checks.')") == 1
    store.write_results(
        db, run_id="r2", suites=["coding_quality"], **_rows("coding_quality", "r2", 1)
    )
    assert _count(db, "expectation_results") == 3


def test_works_with_the_row_failures_table_dbt_creates(tmp_path):
    db = tmp_path / "build.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema quality")
    con.execute(
        "create table quality.row_failures (run_id varchar, as_of_date date, "
        "check_name varchar, severity varchar, table_name varchar, row_key varchar, "
        "claim_id varchar, offending_value varchar)"
    )
    con.close()
    store.write_results(
        db, run_id="r1", suites=["coding_quality"], **_rows("coding_quality", "r1", 2)
    )
    con = duckdb.connect(str(db), read_only=True)
    columns = [r[0] for r in con.execute("describe quality.row_failures").fetchall()]
    con.close()
    assert columns == list(store.FAILURE_COLUMNS)
    assert _count(db, "row_failures") == 2
