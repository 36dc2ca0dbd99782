"""The publish gate on hand-built marts: rates, denial band, reconciliation, orphans, gaps.

GIVEN a build database whose `marts` tables carry the columns the analyst contract names, and raw
      835 payments as Parquet
WHEN  run_gate("publish", ...) runs publish_checks
THEN  each crafted defect fails the right check with the right count; what makes the whole
      warehouse untrustworthy (reconciliation gaps, null or duplicate keys, orphans, missing marts)
      raises GateFailed after the results are recorded; business values outside their usual range
      (a KPI rate outside [0, 1], the denial band) are warnings naming their rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from quality_builders import AS_OF, build_marts, raw_payments, sha_of, x835_payment

from transforms.errors import GateFailed
from transforms.quality import holds, run_gate


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


def test_consistent_marts_pass(data_dir):
    # GIVEN marts that reconcile with raw, rates in range, no orphan line
    raw_payments(data_dir, "remit.835", [x835_payment("pay:1")])
    build_marts(data_dir)
    # WHEN the publish gate runs THEN it passes every check
    out = run_gate("publish", data_dir, AS_OF, "pub-ok", data_docs=False)
    assert out["success"] and out["failures"] == [] and out["warnings"] == []
    got = results(data_dir, "pub-ok")
    assert got["publish_checks.payment_amount_reconciles"][:3] == (True, 0, '"0.00"')
    assert got["publish_checks.kpi_rates_between_0_and_1"][:2] == (True, 0)


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


def test_rate_outside_0_1_and_high_denial_rate_are_warnings_naming_their_rows(data_dir):
    # GIVEN one payer row with a payer net collection rate of 1.2 and a clean-claim rate of -0.1,
    # and an all-payer month whose initial denial rate is 0.6 (implausible, but possible)
    raw_payments(data_dir, "remit.835", [x835_payment("pay:1")])
    good = ["0.100000"] * 7
    build_marts(
        data_dir,
        kpis=[
            (dt.date(2026, 3, 1), "ALL", 10, "0.600000", *good[1:]),
            (dt.date(2026, 3, 1), "PAYER1", 10, *good[:4], "-0.100000", "0.100000", "1.200000"),
            (dt.date(2026, 4, 1), "ALL", 10, *good),
        ],
    )
    # WHEN the gate runs THEN it passes (nothing blocks), with both checks as warnings
    out = run_gate("publish", data_dir, AS_OF, "pub-rates", data_docs=False)
    assert out["success"] is True and out["failures"] == []
    assert {w["check"] for w in out["warnings"]} == {
        "publish_checks.kpi_rates_between_0_and_1",
        "publish_checks.initial_denial_rate_plausible",
    }
    got = results(data_dir, "pub-rates")
    assert got["publish_checks.kpi_rates_between_0_and_1"][:2] == (False, 2)
    assert got["publish_checks.kpi_rates_between_0_and_1"][3] == "warning"
    assert got["publish_checks.initial_denial_rate_plausible"][:2] == (False, 1)
    # AND each out-of-range rate is named by month, payer and rate
    assert _flagged(data_dir, "publish_checks.kpi_rates_between_0_and_1") == [
        ("2026-03-01|PAYER1|clean_claim_rate", "warning", "-0.1"),
        ("2026-03-01|PAYER1|payer_net_collection_rate", "warning", "1.2"),
    ]


def test_a_net_collection_rate_of_1_000001_is_a_warning_not_a_blocked_night(data_dir):
    # GIVEN one month whose payer net collection rate is 1.000001 (one odd remittance)
    raw_payments(data_dir, "remit.835", [x835_payment("pay:1")])
    build_marts(
        data_dir,
        kpis=[
            (dt.date(2026, 3, 1), "ALL", 10, *(["0.100000"] * 6), "1.000001"),
            (dt.date(2026, 3, 1), "PAYER1", 10, *(["0.100000"] * 7)),
        ],
    )
    # WHEN the publish gate runs THEN it does not raise: the warehouse may publish
    out = run_gate("publish", data_dir, AS_OF, "pub-1000001", data_docs=False)
    assert out["success"] is True and out["failures"] == []
    assert [w["check"] for w in out["warnings"]] == ["publish_checks.kpi_rates_between_0_and_1"]
    # AND the offending row is named, with its value
    assert _flagged(data_dir, "publish_checks.kpi_rates_between_0_and_1") == [
        ("2026-03-01|ALL|payer_net_collection_rate", "warning", "1.000001")
    ]


def test_the_rates_check_reads_every_rate_column_the_mart_has(data_dir):
    # GIVEN the issue #14 rate columns (full/partial split, line level, net revenue) and the full
    # net collection rate another change adds, next to non-rate columns (is_mature)
    raw_payments(data_dir, "remit.835", [x835_payment("pay:1")])
    db = build_marts(data_dir)
    con = duckdb.connect(str(db))
    for column in (
        "initial_denial_rate_full",
        "initial_line_denial_rate",
        "final_denial_rate_net_revenue",
        "net_collection_rate",
    ):
        con.execute(f"alter table marts.rpt_kpis_monthly add column {column} decimal(9,6)")
    con.execute(
        "update marts.rpt_kpis_monthly set initial_denial_rate_full = -0.2, "
        "initial_line_denial_rate = 0.1, final_denial_rate_net_revenue = 0.05, "
        "net_collection_rate = 1.3 where payer_id = 'PAYER1'"
    )
    con.close()
    # WHEN the gate runs THEN the new rates are checked by name, the booleans are not rates
    run_gate("publish", data_dir, AS_OF, "pub-new-rates", data_docs=False)
    assert _flagged(data_dir, "publish_checks.kpi_rates_between_0_and_1") == [
        ("2026-03-01|PAYER1|initial_denial_rate_full", "warning", "-0.2"),
        ("2026-03-01|PAYER1|net_collection_rate", "warning", "1.3"),
    ]


def test_duplicate_or_null_kpi_key_still_blocks_publication(data_dir):
    # GIVEN a KPI mart with the same month and payer twice, and a row without payer
    raw_payments(data_dir, "remit.835", [x835_payment("pay:1")])
    row = (dt.date(2026, 3, 1), "ALL", 10, *(["0.100000"] * 7))
    build_marts(data_dir, kpis=[row, row, (dt.date(2026, 4, 1), None, 10, *(["0.1"] * 7))])
    # WHEN the gate runs THEN it raises: the marts' keys cannot be trusted
    with pytest.raises(GateFailed, match=r"kpi_row_unique \(2 row\(s\)\)") as info:
        run_gate("publish", data_dir, AS_OF, "pub-dup", data_docs=False)
    assert "kpi_payer_present (1 row(s))" in str(info.value)


def test_denial_band_alone_is_a_warning_and_publishes(data_dir):
    raw_payments(data_dir, "remit.835", [x835_payment("pay:1")])
    build_marts(data_dir, kpis=[(dt.date(2026, 3, 1), "ALL", 10, "0.550000", *(["0.1"] * 6))])
    out = run_gate("publish", data_dir, AS_OF, "pub-band", data_docs=False)
    assert out["success"] is True
    assert [w["check"] for w in out["warnings"]] == ["publish_checks.initial_denial_rate_plausible"]


def test_reconciliation_gap_is_critical_and_second_delivery_is_explained(data_dir):
    # GIVEN raw: pay:1 (in marts), pay:2 delivered again as pay:3 in another file (marts keep
    # one), pay:4 dated after as-of (not yet in marts), pay:5 missing from marts for no reason
    raw_payments(
        data_dir,
        "a.835",
        [
            x835_payment("pay:1"),
            x835_payment("pay:2", trace_number="T2"),
            x835_payment("pay:4", payment_date=dt.date(2026, 7, 2)),
            x835_payment("pay:5", payment_amount=Decimal("42.10")),
        ],
    )
    raw_payments(data_dir, "b.835", [x835_payment("pay:3", trace_number="T2")])
    build_marts(data_dir, payments=[("pay:1", "150.00", "TRN-pay:1"), ("pay:2", "150.00", "T2")])
    # WHEN the gate runs THEN only the unexplained payment fails, and the totals are off by it
    with pytest.raises(GateFailed, match="payment_reaches_marts") as info:
        run_gate("publish", data_dir, AS_OF, "pub-rec", data_docs=False)
    assert "payment_amount_reconciles" in str(info.value)
    got = results(data_dir, "pub-rec")
    assert got["publish_checks.payment_reaches_marts"][:2] == (False, 1)
    assert got["publish_checks.payment_amount_reconciles"][:3] == (False, 1, '"42.10"')
    assert got["publish_checks.marts_payments_come_from_raw"][:2] == (True, 0)


def test_payment_in_marts_but_not_in_raw_is_critical(data_dir):
    raw_payments(data_dir, "a.835", [x835_payment("pay:1")])
    build_marts(data_dir, payments=[("pay:1", "150.00", "TRN-pay:1"), ("ghost", "0.00", "T9")])
    with pytest.raises(GateFailed, match="marts_payments_come_from_raw"):
        run_gate("publish", data_dir, AS_OF, "pub-ghost", data_docs=False)
    assert results(data_dir, "pub-ghost")["publish_checks.marts_payments_come_from_raw"][:3] == (
        False,
        1,
        "1",
    )


def test_orphan_service_line_is_critical(data_dir):
    raw_payments(data_dir, "a.835", [x835_payment("pay:1")])
    build_marts(data_dir, lines=[("rc:1:1", "rc:1"), ("rc:9:1", "rc:9"), ("rc:9:2", "rc:9")])
    with pytest.raises(GateFailed, match=r"remit_service_line_not_orphan \(2 row\(s\)\)"):
        run_gate("publish", data_dir, AS_OF, "pub-orphan", data_docs=False)


def test_missing_mart_and_missing_database_are_clear_critical_failures(data_dir):
    # GIVEN no build database at all
    with pytest.raises(GateFailed, match="build database does not exist"):
        run_gate("publish", data_dir, AS_OF, "pub-nodb", data_docs=False)
    # GIVEN a build without rpt_kpis_monthly
    raw_payments(data_dir, "a.835", [x835_payment("pay:1")])
    build_marts(data_dir, skip=("rpt_kpis_monthly",))
    with pytest.raises(GateFailed, match=r"marts.rpt_kpis_monthly missing from the build"):
        run_gate("publish", data_dir, AS_OF, "pub-missing", data_docs=False)
    got = results(data_dir, "pub-missing")
    assert got["publish_checks.rpt_kpis_monthly_exists"][0] is False
    assert got["publish_checks.payment_amount_reconciles"][0] is True


def test_payments_of_a_held_file_are_explained_not_missing(data_dir):
    # GIVEN raw payments in two files, one of them held back by the ingestion gate (so its payment
    # never reached the marts)
    raw_payments(data_dir, "a.835", [x835_payment("pay:1")])
    raw_payments(data_dir, "held.835", [x835_payment("pay:7", payment_amount=Decimal("9.99"))])
    holds.write_snapshot(
        data_dir,
        gate_run_id="ingest-gate-1",
        as_of=AS_OF,
        held={sha_of("held.835"): holds.Hold(sha_of("held.835"), "held.835")},
        released={},
        recorded_at=dt.datetime(2026, 6, 30, 2, 5),
    )
    build_marts(data_dir, payments=[("pay:1", "150.00", "TRN-pay:1")])
    # WHEN the publish gate runs THEN the money reconciles: the held payment is explained
    out = run_gate("publish", data_dir, AS_OF, "pub-held", data_docs=False)
    assert out["success"] is True and out["failures"] == []
    got = results(data_dir, "pub-held")
    assert got["publish_checks.payment_reaches_marts"][:2] == (True, 0)
    assert got["publish_checks.payment_amount_reconciles"][:3] == (True, 0, '"0.00"')
    # AND without the hold the same payment is a reconciliation gap that blocks
    for path in (data_dir / "raw" / "file_holds").glob("2*.parquet"):
        path.unlink()
    with pytest.raises(GateFailed, match="payment_reaches_marts"):
        run_gate("publish", data_dir, AS_OF, "pub-unheld", data_docs=False)
