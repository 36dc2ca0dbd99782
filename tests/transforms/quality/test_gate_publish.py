"""The publish gate on hand-built marts: the denial-rate band, and the gaps that block.

GIVEN a build database whose `marts` tables carry the columns the analyst contract names
WHEN  run_gate("publish", ...) runs publish_checks
THEN  an implausible all-payer denial rate is a warning naming its month; a missing mart or build
      raises GateFailed after the results are recorded.

Keys, orphans, rates in [0, 1] and money raw -> marts are dbt tests (models/marts/**/_*.yml,
tests/dbt/assert_marts_reconcile_to_raw_per_file.sql), not GX checks: each rule is checked in one
system (docs/architecture.md, "Where each rule is checked"); the GX suite holds none of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from quality_builders import AS_OF, build_marts

from transforms.errors import GateFailed
from transforms.quality import run_gate, suites


def results(data_dir: Path, run_id: str) -> dict[str, tuple]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select check_name, success, unexpected_count, observed_value, severity "
            "from quality.expectation_results where run_id = ?",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def _flagged(data_dir: Path, check: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        return sorted(
            con.execute(
                "select row_key, severity, offending_value from quality.row_failures "
                "where check_name = ?",
                [check],
            ).fetchall()
        )
    finally:
        con.close()


def test_consistent_marts_pass(data_dir):
    # GIVEN marts whose all-payer denial rate is plausible
    build_marts(data_dir)
    # WHEN the publish gate runs THEN it passes every check
    out = run_gate("publish", data_dir, AS_OF, "pub-ok", data_docs=False)
    assert out["success"] and out["failures"] == [] and out["warnings"] == []
    assert results(data_dir, "pub-ok")["publish_checks.initial_denial_rate_plausible"][:2] == (
        True,
        0,
    )


def test_high_denial_rate_is_a_warning_naming_its_month(data_dir):
    # GIVEN an all-payer month whose initial denial rate is 0.6 (implausible, but possible), and a
    # payer row at 0.9 (only the all-payer rate is judged)
    good = ["0.100000"] * 7
    build_marts(
        data_dir,
        kpis=[
            (dt.date(2026, 3, 1), "ALL", 10, "0.600000", *good[1:]),
            (dt.date(2026, 3, 1), "PAYER1", 10, "0.900000", *good[1:]),
            (dt.date(2026, 4, 1), "ALL", 10, *good),
        ],
    )
    # WHEN the gate runs THEN it passes (nothing blocks), with the band as a warning
    out = run_gate("publish", data_dir, AS_OF, "pub-band", data_docs=False)
    assert out["success"] is True and out["failures"] == []
    assert [w["check"] for w in out["warnings"]] == ["publish_checks.initial_denial_rate_plausible"]
    assert results(data_dir, "pub-band")["publish_checks.initial_denial_rate_plausible"][:2] == (
        False,
        1,
    )
    # AND the row is named by month
    assert _flagged(data_dir, "publish_checks.initial_denial_rate_plausible") == [
        ("2026-03-01|ALL", "warning", "0.6")
    ]


def test_rules_dbt_checks_are_not_checked_again_by_gx():
    # GIVEN the publish suite THEN it holds no structural or reconciliation rule: those are dbt's
    checks = {c.name for c in suites.suite_checks("publish_checks.rpt_kpis_monthly")}
    assert checks == {"initial_denial_rate_plausible"}
    assert suites.gx_suite_names("publish_checks") == ["publish_checks.rpt_kpis_monthly"]


def test_missing_mart_and_missing_database_are_clear_critical_failures(data_dir):
    # GIVEN no build database at all
    with pytest.raises(GateFailed, match="build database does not exist"):
        run_gate("publish", data_dir, AS_OF, "pub-nodb", data_docs=False)
    # GIVEN a build without rpt_kpis_monthly
    build_marts(data_dir, skip=("rpt_kpis_monthly",))
    with pytest.raises(GateFailed, match=r"marts.rpt_kpis_monthly missing from the build"):
        run_gate("publish", data_dir, AS_OF, "pub-missing", data_docs=False)
    assert results(data_dir, "pub-missing")["publish_checks.rpt_kpis_monthly_exists"][0] is False
