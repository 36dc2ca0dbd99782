"""What a manager acts on (issue #16): the work queue, targets from one seed, the headline's
maturity rules, the data window, payer x root cause, data health and the gate status of the
publishing run after a rerun.

GIVEN the fixture warehouse (report_warehouse.py: 27 work-queue rows, rank i recovering
      1000 - 30 i dollars, rank 3 due in 5 days; denials of two payers; two loaded 837s, a
      duplicate, a partly quarantined 835 with an unmatched remittance group; one gate run for
      the as-of date whose warning check flagged 3 rows)
WHEN  the report is written
THEN  each section shows the hand-computed values below.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from report_warehouse import AS_OF, RUN_ID, WORK_QUEUE_ROWS, build_report_marts, build_warehouse

from transforms.report import write_report
from transforms.report.errors import ReportError
from transforms.report.model import Column, make_table
from transforms.report.queries import headlines
from transforms.report.writer import check_no_phi

RERUN_ID = "2026-10-15__20261015T090000"


def _page(result: dict) -> str:
    return Path(result["html"]).read_text(encoding="utf-8")


def _warehouse(tmp_path: Path, *sql: str) -> Path:
    data_dir = tmp_path / "data"
    database = build_warehouse(data_dir)
    con = duckdb.connect(str(database))
    for statement in sql:
        con.execute(statement)
    con.close()
    build_report_marts(database)
    return data_dir


# ---- 1. work queue -----------------------------------------------------------------------------


def test_work_queue_csv_and_sheet_hold_every_row_in_rank_order(report) -> None:
    rows = report.csv_rows("denial_work_queue")
    # THEN all 27 rows, rank 1..27, each with its claim key and dollars
    assert [int(r["work_queue_rank"]) for r in rows] == list(range(1, WORK_QUEUE_ROWS + 1))
    assert rows[0]["patient_control_number"] == "WQ-0001"
    assert rows[0]["recoverable_amount"] == "970.00"  # 1000 - 30 x 1
    assert rows[2]["priority_label"] == "P1: deadline within 14 days"
    assert (rows[2]["appeal_deadline_date"], rows[2]["days_left"]) == ("2026-10-20", "5")
    assert (rows[2]["next_action"], rows[2]["days_to_next_deadline"]) == ("appeal", "5")
    assert rows[0]["carc_description"] == "Diagnosis does not fit the procedure"
    assert "claim_id" not in rows[0]  # the fct_claims key is not exported
    sheet = load_workbook(report.result["xlsx"])["denial_work_queue"]
    assert sheet.max_row == WORK_QUEUE_ROWS + 1
    assert sheet.cell(row=27, column=3).value == "WQ-0026"


def test_the_page_shows_the_top_25_and_counts_the_rest(report) -> None:
    page = _page(report.result)
    section = page[page.index('<section id="work-queue"') : page.index('<section id="trend"')]
    # THEN ranks 1..25 are on the page, 26 and 27 only counted: 220.00 + 190.00 = 410.00
    assert "WQ-0025" in section and "WQ-0026" not in section and "WQ-0027" not in section
    assert "And 2 more claim(s) with $410.00 recoverable" in section
    # the lead: sum of 1000 - 30 i over 27 rows = 27000 - 30 x 378 = 15,660.00; 1 due (910.00)
    assert (
        "27 denied claim(s) can still be appealed or corrected: $15,660.00 recoverable. 1 of "
        "them ($910.00) are due within 14 days (P1: appeal or corrected claim)." in section
    )
    # the P1 row is highlighted, its source named under the table
    assert section.count('<tr class="hot">') == 1
    assert "<b>ACME HEALTH</b>: CMS rule" in section
    # and the work queue is the first section after the tiles
    assert page.index('id="work-queue"') < page.index('id="trend"')


def test_work_queue_by_team_adds_up_the_rows(report) -> None:
    rows = {
        (r["owning_team"], r["priority_label"]): r
        for r in report.csv_rows("denial_work_queue_by_team")
    }
    # coding = ranks 4, 8, ..., 24: 6 claims, 6 x 1000 - 30 x 84 = 3,480.00
    coding = rows[("coding", "P3: deadline later")]
    assert (coding["claims"], coding["recoverable_amount"]) == ("6", "3480.00")
    # rank 3 (clinical) is the only P1 row; its next step is due on 2026-10-20
    p1 = rows[("clinical", "P1: deadline within 14 days")]
    assert (p1["claims"], p1["first_deadline_date"]) == ("1", "2026-10-20")
    assert sum(int(r["claims"]) for r in rows.values()) == WORK_QUEUE_ROWS


def test_only_the_work_queue_may_carry_the_patient_control_number() -> None:
    column = (Column("patient_control_number", "PCN"),)
    check_no_phi([make_table("denial_work_queue", "queue", column, [("WQ-1",)])])
    with pytest.raises(ReportError, match=r"top_carcs.*patient_control_number.*no_phi"):
        check_no_phi([make_table("top_carcs", "carcs", column, [("WQ-1",)])])


# ---- 2. targets --------------------------------------------------------------------------------


def test_targets_come_from_the_seed_table_and_are_drawn(tmp_path: Path) -> None:
    # GIVEN the clean-claim target raised in ref.kpi_targets from 95 % to 96 %
    data_dir = _warehouse(
        tmp_path,
        "update ref.kpi_targets set target_value = 0.96, target_text = '>= 96 %' "
        "where measure = 'clean_claim_rate'",
    )
    result = write_report(data_dir, AS_OF)
    rows = {r["mart_column"]: r for r in _csv(result, "headline_kpis")}
    # THEN July's 95 % now misses it: the verdict follows the table, not a constant
    assert (rows["clean_claim_rate"]["target"], rows["clean_claim_rate"]["target_verdict"]) == (
        ">= 96 %",
        "misses target",
    )
    page = _page(result)
    # AND the charts draw the targets and the benchmark band with their values
    assert "Initial denial rate: target &lt; 5%" in page
    assert "Initial denial rate: benchmark 10\u201315%" in page
    assert "Clean-claim rate: target &gt;= 96%" in page
    targets = {r["measure"]: r for r in _csv(result, "kpi_targets")}
    assert targets["ar_over_90_share"]["benchmark_low"] == "0.150000"
    assert "HFMA MAP Key" in targets["ar_over_90_share"]["source"]


# ---- 3. headline, immature months, window ------------------------------------------------------


def test_no_change_is_computed_against_an_immature_month() -> None:
    july, june = dt.date(2026, 7, 1), dt.date(2026, 6, 1)
    by_month = {
        july: {"is_mature": True, "initial_denial_rate": Decimal("0.05")},
        june: {"is_mature": False, "initial_denial_rate": Decimal("0.10")},
    }
    item = headlines(by_month, july)[0]
    assert (item.value, item.previous, item.change) == (Decimal("0.05"), None, None)
    by_month[june]["is_mature"] = True
    assert headlines(by_month, july)[0].change == Decimal("-0.05")
    # nor from one: an immature headline month (no mature month yet) gets no change either
    by_month[july]["is_mature"] = False
    assert headlines(by_month, july)[0].change is None


def test_an_immature_previous_month_shows_no_change_and_says_why(tmp_path: Path) -> None:
    # GIVEN June (the month before the July headline) immature
    data_dir = _warehouse(
        tmp_path,
        "update marts.rpt_kpis_monthly set is_mature = false, adjudicated_share = 0.8 "
        "where month_start_date = '2026-06-01'",
    )
    result = write_report(data_dir, AS_OF)
    assert result["headline_month"] == "2026-07-01"
    rows = {r["mart_column"]: r for r in _csv(result, "headline_kpis")}
    assert rows["initial_denial_rate"]["previous_value"] == ""
    assert rows["initial_denial_rate"]["change"] == ""
    page = _page(result)
    assert "no change shown: Jun 2026 is immature: 107 days since month end, 80% adjudicated" in (
        page
    )
    assert "\u25b2" not in page.split('<nav class="toc">')[0]  # no arrow on any tile


def test_immature_months_are_hatched_and_labelled_in_the_charts(report) -> None:
    page = _page(report.result)
    trend = re.search(r'<svg class="chart"[^>]*Denial rates by month.*?</svg>', page, re.DOTALL)
    assert trend and 'id="chart-denial-trend-h' in trend.group(0)  # a hatch pattern
    assert ">immature<" in trend.group(0)
    assert "Aug 2026 immature: 45 days since month end, 48% adjudicated" in page
    # each immature tick says why in short, under the month
    assert "45 d, 48% adj." in trend.group(0) and "open, 50% adj." in trend.group(0)


def test_the_window_starts_at_the_first_month_with_data(tmp_path: Path) -> None:
    # GIVEN data from June 2026 only (nothing before)
    data_dir = _warehouse(
        tmp_path,
        "delete from marts.rpt_kpis_monthly where month_start_date < '2026-06-01'",
    )
    result = write_report(data_dir, AS_OF)
    # THEN the window is Jun - Oct 2026 (5 months), not the trailing 12
    assert result["window"] == {"first_month": "2026-06-01", "last_month": "2026-10-01"}
    assert "window <b>Jun 2026 \u2013 Oct 2026</b>\n(5 months)" in _page(result)


# ---- 4. per payer ------------------------------------------------------------------------------


def test_payer_by_root_cause_sums_the_window(report) -> None:
    rows = report.csv_rows("payer_root_cause")
    # P2: coding 450 + front end 210 + 'unknown' 25 (other) = 685; P1: coding 300, billing
    # 120 + 80, unclassified 65 = 565 (Sep 2025's 9,999 is outside the window)
    assert [r["payer_id"] for r in rows] == ["P2", "P1"]
    p2, p1 = rows
    assert (p2["coding"], p2["front_end"], p2["other"], p2["denied_amount"]) == (
        "450.00",
        "210.00",
        "25.00",
        "685.00",
    )
    assert (p1["coding"], p1["billing"], p1["unclassified"], p1["denied_amount"]) == (
        "300.00",
        "200.00",
        "65.00",
        "565.00",
    )
    assert (p1["largest_root_cause"], p2["largest_root_cause"]) == ("Coding", "Coding")
    page = _page(report.result)
    assert "Initial denial rate by payer and month" in page  # the small multiples
    assert page.count('aria-label="Initial denial rate by payer and month"') == 1


# ---- 5. data health ----------------------------------------------------------------------------


def test_data_health_counts_files_holds_quarantine_and_unmatched(report) -> None:
    rows = {r["item"]: r for r in report.csv_rows("data_health")}
    loaded = rows["Files loaded"]
    assert (loaded["files"], loaded["detail"]) == ("2", "5 of 5 units loaded, 0 quarantined")
    partly = rows["Files partially quarantined"]
    assert (partly["files"], partly["detail"]) == ("1", "3 of 4 units loaded, 1 quarantined")
    assert rows["Files delivered again (loaded once, copy skipped)"]["files"] == "1"
    assert rows["Files held back by the ingestion gate (not in this warehouse)"]["files"] == "0"
    assert rows["Quarantined (rejected) units"]["detail"].startswith("1 unit(s) rejected")
    unmatched = rows["Remittances matching no claim we billed (kept apart from every rate)"]
    assert (unmatched["files"], unmatched["detail"], unmatched["amount"]) == (
        "1",
        "2 remittance claim(s)",
        "125.50",
    )
    reasons = report.csv_rows("quarantine_reasons")
    assert [(r["rule_id"], r["quarantine_unit"], r["units"]) for r in reasons] == [
        ("x12.se01_count", "transaction_set", "1")
    ]


# ---- 6. gate status of the publishing run ------------------------------------------------------


def _rerun_sql() -> tuple[str, ...]:
    """A rerun for the same as-of date: its ingestion gate had nothing new, its publish gate
    passed; the 3 rows RUN_ID flagged stay in the warehouse."""
    insert = (
        "insert into quality.validation_runs values ("
        f"'{RERUN_ID}', 'publish', '2026-10-15', 'publish_checks', "
        "'2026-10-15 09:02', '2026-10-15 09:05', true, 0, 0, 12, 200)"
    )
    nothing_new = (
        "insert into quality.validation_runs values ("
        f"'{RERUN_ID}', 'ingestion', '2026-10-15', 'coding_quality', "
        "'2026-10-15 09:00', '2026-10-15 09:01', true, 0, 0, 0, 0)"
    )
    return (insert, nothing_new)


def test_after_a_rerun_the_status_says_flagged_rows_remain(tmp_path: Path) -> None:
    result = write_report(_warehouse(tmp_path, *_rerun_sql()), AS_OF)
    # THEN the status is the rerun's (it published the file), and it does not claim all clear
    assert result["run_id"] == RERUN_ID
    assert result["quality"] == (
        "Published: this run's checks passed; 3 row(s) flagged by warning checks are in the "
        f"warehouse (flagged by earlier run {RUN_ID})"
    )
    page = _page(result)
    assert '<span class="status warn">' in page
    assert "every check passed" not in page
    gates = [(r["gate"], r["outcome"]) for r in _csv(result, "quality_gates")]
    assert gates == [("ingestion", "nothing new to check"), ("publish", "passed")]
    flagged = _csv(result, "quality_flagged_rows_present")
    assert [(r["check_name"], r["flagged_rows"], r["flagged_in_runs"]) for r in flagged] == [
        ("coding_quality.diagnosis_code_1_billable", "3", RUN_ID)
    ]


def test_rows_of_a_held_file_are_not_counted_as_present(tmp_path: Path) -> None:
    # GIVEN the flagged rows' file held back now (its rows are not in the warehouse)
    data_dir = _warehouse(
        tmp_path,
        *_rerun_sql(),
        "alter table quality.row_failures add column file_sha256 varchar",
        "update quality.row_failures set file_sha256 = 'e' || repeat('0', 63)",
        "insert into audit.file_holds values ('e' || repeat('0', 63), 'encounters/e.csv', "
        "'held', '2026-10-15', 'coding_quality.x', 3, null)",
    )
    result = write_report(data_dir, AS_OF)
    # THEN nothing flagged is present, the held file is named instead
    assert result["quality"] == "Published; 1 file(s) held back by critical checks, 0 warning(s)"
    assert _csv(result, "quality_flagged_rows_present") == []


def test_without_a_rerun_the_flags_of_the_run_itself_are_stated(report) -> None:
    assert report.result["run_id"] == RUN_ID
    assert report.result["quality"].endswith(
        "; 3 row(s) flagged by warning checks are in the warehouse"
    )


def _csv(result: dict, slug: str) -> list[dict[str, str]]:
    import csv

    with (Path(result["report_dir"]) / f"{slug}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
