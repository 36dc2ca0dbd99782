"""The headline: the latest mature month, targets with verdicts in words, A/R > 90 days, the
net collection rate the warehouse can compute, immature months marked, unclassified denials shown.

GIVEN the fixture warehouse (report_warehouse.py): June and July 2026 mature, August to October
      immature; July's values sit on the targets' edges; A/R with a hand-computed > 90 days share
WHEN  the report is written
THEN  the headline is July, every newer month is listed and marked immature, and each verdict is
      the one the hand-picked values call for.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from report_warehouse import AR_OVER_90_SHARE, AS_OF, build_report_marts, build_warehouse

from transforms.report import write_report
from transforms.report.model import Target
from transforms.report.queries import FULL_NCR_LABEL, PAYER_NCR_LABEL


def _csv(result: dict, slug: str) -> list[dict[str, str]]:
    import csv

    with Path(result["csv"][slug]).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_headline_is_the_latest_mature_month_not_the_newest(report) -> None:
    # GIVEN August, September and October (newer, with adjudicated claims) immature
    assert report.result["headline_month"] == "2026-07-01"
    rows = report.csv_rows("headline_kpis")
    kpis = [r for r in rows if r["source_table"].startswith("rpt_kpis_monthly")]
    assert {r["month_start_date"] for r in kpis} == {"2026-07-01"}
    assert {r["period"] for r in kpis} == {"Jul 2026"}
    info = {row["item"]: row["value"] for row in report.csv_rows("report_info")}
    assert info["Headline month is mature"] == "yes"
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    assert (
        "Headline month: <b>July 2026</b> (the latest mature month; newer months (Aug 2026, "
        in (page)
    )


def test_immature_months_are_listed_and_marked_never_dropped(report) -> None:
    for slug in ("denial_rate_trend", "operations_trend"):
        status = {r["month_start_date"]: r["month_status"] for r in report.csv_rows(slug)}
        assert status == {
            "2026-06-01": "mature",
            "2026-07-01": "mature",
            # why, from rpt_kpis_monthly.days_since_month_end and adjudicated_share
            "2026-08-01": "immature: 45 days since month end, 48% adjudicated",
            "2026-09-01": "immature: 15 days since month end, 50% adjudicated",
            "2026-10-01": "immature: month not over yet, 50% adjudicated",
        }, slug
    amounts = report.csv_rows("root_cause_trend_amount")
    assert [r["month_status"][:8] for r in amounts] == ["immature"] * 3
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    assert "Oct 2026 (immature)</th>" in page  # payer pivot headers
    assert "Jul 2026 (immature)" not in page
    assert "Oct 26*" in page and "Jul 26*" not in page  # chart ticks
    assert "They are shown, never headlined." in page


@pytest.mark.parametrize(
    ("column", "verdict"),
    [
        ("initial_denial_rate", "misses target"),  # exactly 5%: the goal is under 5%
        ("clean_claim_rate", "meets target"),  # exactly 95%
        ("first_pass_resolution_rate", "misses target"),  # 87.5%
        ("payer_net_collection_rate", "meets target"),  # exactly 95%
        ("ar_balance_amount", "misses target"),  # 63.2% of A/R over 90 days
        ("initial_denial_rate_full", ""),  # no target
    ],
)
def test_target_verdicts_for_the_hand_picked_values(report, column: str, verdict: str) -> None:
    rows = {r["mart_column"]: r for r in report.csv_rows("headline_kpis")}
    assert rows[column]["target_verdict"] == verdict
    assert bool(rows[column]["target"]) == bool(verdict)


def test_verdicts_are_words_on_the_tiles(report) -> None:
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    assert page.count("misses target</span>") == 3
    assert page.count("meets target</span>") == 2
    # the target text and its source come from ref.kpi_targets (seeds/kpi_targets.csv)
    assert "Target &lt; 5 % (goal); benchmark ~10-15 % of claims: " in page
    assert (
        "Source: Revenue-cycle primer: published benchmarks ~10-15 % of claims (HFMA 2021" in page
    )
    assert "Source: Industry convention for HFMA MAP Key A/R &gt; 90 days" in page


def test_target_edges() -> None:
    under = Target("<", Decimal("0.05"), "< 5%")
    at_least = Target(">=", Decimal("0.95"), ">= 95%")
    assert under.verdict(Decimal("0.049999")) == "meets target"
    assert under.verdict(Decimal("0.050000")) == "misses target"
    assert at_least.verdict(Decimal("0.950000")) == "meets target"
    assert at_least.verdict(Decimal("0.949999")) == "misses target"
    assert at_least.verdict(None) == "no value"


def test_ar_over_90_share_equals_the_hand_computation(report) -> None:
    headline = {r["mart_column"]: r for r in report.csv_rows("headline_kpis")}
    assert headline["ar_balance_amount"]["value"] == str(AR_OVER_90_SHARE)
    assert headline["ar_balance_amount"]["period"] == f"as of {AS_OF.isoformat()}"
    total = {r["payer_id"]: r for r in report.csv_rows("ar_aging")}["ALL"]
    assert total["ar_over_90_share"] == str(AR_OVER_90_SHARE)
    assert (total["ar_over_90_amount"], total["ar_balance_amount"]) == ("1115.25", "1765.75")
    assert (
        total["insurance_balance_amount"],
        total["denied_balance_amount"],
        total["patient_balance_amount"],
    ) == ("570.50", "695.25", "500.00")


def test_unclassified_denials_are_shown_with_their_note(report) -> None:
    rows = {r["denial_root_cause"]: r for r in report.csv_rows("denials_by_root_cause")}
    assert (rows["unclassified"]["denied_lines"], rows["unclassified"]["denied_amount"]) == (
        "1",
        "65.00",
    )
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    assert '<div class="name">Unclassified</div><div class="amount">$65.00</div>' in page
    assert "A1 \u201cclaim denied\u201d, 193, or a code missing from the CARC reference" in page


def _warehouse(tmp_path: Path, *sql: str) -> Path:
    data_dir = tmp_path / "data"
    database = build_warehouse(data_dir)
    con = duckdb.connect(str(database))
    for statement in sql:
        con.execute(statement)
    con.close()
    build_report_marts(database)
    return data_dir


def test_without_a_mature_month_the_newest_is_shown_and_called_immature(tmp_path: Path) -> None:
    data_dir = _warehouse(tmp_path, "update marts.rpt_kpis_monthly set is_mature = false")
    result = write_report(data_dir, AS_OF)
    assert result["headline_month"] == "2026-10-01"
    page = Path(result["html"]).read_text(encoding="utf-8")
    assert '<span class="immature-flag">immature</span>' in page
    assert "no month of the report window is mature yet" in page
    assert {r["period"] for r in _csv(result, "headline_kpis")} >= {"Oct 2026 (immature)"}


def test_the_full_net_collection_rate_is_headlined_when_the_mart_has_it(tmp_path: Path) -> None:
    # GIVEN the columns the patient-payments change adds, with a value for July only
    data_dir = _warehouse(
        tmp_path,
        "alter table marts.rpt_kpis_monthly add column patient_paid_amount decimal(18,2)",
        "alter table marts.rpt_kpis_monthly add column net_collection_rate decimal(9,6)",
        "alter table marts.rpt_kpis_monthly add column has_patient_payments boolean",
        "update marts.rpt_kpis_monthly set patient_paid_amount = 150, "
        "net_collection_rate = 0.940000, has_patient_payments = true "
        "where month_start_date = '2026-07-01'",
    )
    result = write_report(data_dir, AS_OF)
    rows = {r["mart_column"]: r for r in _csv(result, "headline_kpis")}
    assert "payer_net_collection_rate" not in rows
    assert rows["net_collection_rate"]["measure"] == FULL_NCR_LABEL
    assert rows["net_collection_rate"]["value"] == "0.940000"
    assert rows["net_collection_rate"]["target_verdict"] == "misses target"
    trend = _csv(result, "operations_trend")
    assert {"net_collection_rate", "patient_paid_amount", "payer_net_collection_rate"} <= set(
        trend[0]
    )


def test_a_null_full_net_collection_rate_falls_back_to_the_payer_rate(tmp_path: Path) -> None:
    # GIVEN the column exists but the warehouse has no patient-payments feed (null)
    data_dir = _warehouse(
        tmp_path, "alter table marts.rpt_kpis_monthly add column net_collection_rate decimal(9,6)"
    )
    result = write_report(data_dir, AS_OF)
    rows = {r["mart_column"]: r for r in _csv(result, "headline_kpis")}
    assert rows["payer_net_collection_rate"]["measure"] == PAYER_NCR_LABEL
    assert rows["payer_net_collection_rate"]["value"] == "0.950000"
