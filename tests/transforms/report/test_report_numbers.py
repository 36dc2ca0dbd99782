"""Every number in the report's CSVs and workbook equals the corresponding query on the marts.

The expected values are queried here, independently of the report's own SQL, from the fixture
warehouse (report_warehouse.py), or computed by hand from its rows where the report reads a fact
table. Rows outside the window, other gate runs and non-denied lines must not be counted.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import openpyxl
import pytest
from report_warehouse import AS_OF, RUN_ID

FIRST, LAST = "2025-11-01", "2026-10-01"
MONEY_COLUMNS = (
    "denied_lines",
    "denied_amount",
    "still_denied_amount",
    "failed_coding_check_denied_amount",
)


def text(value: Any) -> str:
    """How the CSV must write a warehouse value: exact decimals, ISO dates, empty for null."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def ratio(numerator: Any, denominator: Any) -> str:
    if not denominator:
        return ""
    value = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    return format(value, "f")


def test_headline_csv_is_the_all_payer_kpi_row_and_the_month_before(report) -> None:
    # GIVEN the KPI mart WHEN the headline table is read
    rows = report.csv_rows("headline_kpis")
    kpis = [r for r in rows if r["source_table"] == "rpt_kpis_monthly (payer ALL)"]
    # THEN each measure is July's 'ALL' value (the latest mature month), June's, and their
    # difference; the A/R row is the only other one
    assert len(rows) == 15 and len(kpis) == 14
    for row in kpis:
        column = row["mart_column"]
        (current,), (previous,) = (
            report.query(
                f"select {column} from marts.rpt_kpis_monthly "
                "where payer_id = 'ALL' and month_start_date = ?",
                [month],
            )[0]
            for month in (dt.date(2026, 7, 1), dt.date(2026, 6, 1))
        )
        assert row["month_start_date"] == "2026-07-01"
        assert row["value"] == text(current), column
        assert row["previous_value"] == text(previous), column
        assert row["change"] == text(current - previous), column
    by_column = {row["mart_column"]: row for row in rows}
    assert by_column["initial_denial_rate"]["value"] == "0.050000"  # 2 of 40 claims
    assert by_column["initial_denial_rate_partial"]["value"] == "0.025000"  # 1 of 40
    assert by_column["initial_line_denial_rate"]["value"] == "0.037500"  # 3 of 80 lines
    assert by_column["overturned_amount"]["value"] == "200.00"  # 300 denied, 100 still denied


@pytest.mark.parametrize("slug", ["denial_rate_trend", "operations_trend"])
def test_monthly_trend_csv_equals_the_mart_rows_in_the_window(report, slug: str) -> None:
    rows = report.csv_rows(slug)
    columns = [c for c in rows[0] if c != "month_status"]
    expected = report.query(
        f"select {', '.join(columns)} from marts.rpt_kpis_monthly where payer_id = 'ALL' "
        "and month_start_date between ? and ? order by month_start_date",
        [FIRST, LAST],
    )
    assert [[row[c] for c in columns] for row in rows] == [[text(v) for v in r] for r in expected]
    # the month before the window (claims_adjudicated 999) is left out; immature months stay
    assert [row["month_start_date"] for row in rows] == [
        "2026-06-01",
        "2026-07-01",
        "2026-08-01",
        "2026-09-01",
        "2026-10-01",
    ]


@pytest.mark.parametrize(
    ("slug", "measure"),
    [
        ("payer_denial_rate", "initial_denial_rate"),
        ("payer_denial_rate_dollars", "initial_denial_rate_dollars"),
        ("payer_claims_adjudicated", "claims_adjudicated"),
    ],
)
def test_payer_pivot_cells_equal_the_mart(report, slug: str, measure: str) -> None:
    rows = report.csv_rows(slug)
    assert [row["payer_id"] for row in rows] == ["P1", "P2"]  # never the 'ALL' rows
    cells = 0
    for row in rows:
        for column, value in row.items():
            if not column.startswith("m_"):
                continue
            month = dt.date.fromisoformat(column[2:] + "-01")
            (expected,) = report.query(
                f"select {measure} from marts.rpt_kpis_monthly "
                "where payer_id = ? and month_start_date = ?",
                [row["payer_id"], month],
            )[0]
            assert value == text(expected)
            cells += 1
    assert cells == 8  # July to October, two payers


def test_root_cause_summary_sums_the_denials_mart_and_keeps_every_main_cause(report) -> None:
    rows = report.csv_rows("denials_by_root_cause")
    # THEN coding, billing, front end and clinical come first (clinical zero-filled), then others
    assert [row["denial_root_cause"] for row in rows] == [
        "coding",
        "billing",
        "front_end",
        "clinical",
        "unclassified",
        "unknown",
    ]
    (total,) = report.query(
        "select sum(denied_amount) from marts.rpt_denials where month_start_date between ? and ?",
        [FIRST, LAST],
    )[0]
    assert total == Decimal("1250.00")  # the 9,999.00 row before the window is not counted
    for row in rows:
        lines, amount, still, failed, failed_lines = report.query(
            "select coalesce(sum(denied_lines), 0), coalesce(sum(denied_amount), 0), "
            "coalesce(sum(still_denied_amount), 0), "
            "coalesce(sum(failed_coding_check_denied_amount), 0), "
            "coalesce(sum(lines_failed_coding_check), 0) from marts.rpt_denials "
            "where denial_root_cause = ? and month_start_date between ? and ?",
            [row["denial_root_cause"], FIRST, LAST],
        )[0]
        assert row["denied_lines"] == text(lines)
        assert Decimal(row["denied_amount"]) == amount
        assert Decimal(row["still_denied_amount"]) == still
        assert Decimal(row["failed_coding_check_denied_amount"]) == failed
        assert row["share_of_denied_amount"] == (ratio(amount, total) if amount else "")
        assert row["failed_coding_check_amount_share"] == ratio(failed, amount)
        assert row["failed_coding_check_line_share"] == ratio(failed_lines, lines)
    coding = rows[0]
    assert (coding["denied_amount"], coding["share_of_denied_amount"]) == ("750.00", "0.600000")


@pytest.mark.parametrize(
    ("slug", "measure"),
    [("root_cause_trend_amount", "denied_amount"), ("root_cause_trend_lines", "denied_lines")],
)
def test_root_cause_trend_equals_the_mart_by_month_and_cause(
    report, slug: str, measure: str
) -> None:
    rows = report.csv_rows(slug)
    assert [row["month_start_date"] for row in rows] == ["2026-08-01", "2026-09-01", "2026-10-01"]
    for row in rows:
        for cause in ("coding", "billing", "front_end", "clinical", "unclassified"):
            (expected,) = report.query(
                f"select coalesce(sum({measure}), 0) from marts.rpt_denials "
                "where month_start_date = ? and denial_root_cause = ?",
                [row["month_start_date"], cause],
            )[0]
            assert Decimal(row[cause]) == expected, (row["month_start_date"], cause)
        other, total = report.query(
            f"select coalesce(sum(case when denial_root_cause not in ('coding', 'billing', "
            f"'front_end', 'clinical', 'unclassified') then {measure} end), 0), sum({measure}) "
            "from marts.rpt_denials where month_start_date = ?",
            [row["month_start_date"]],
        )[0]
        assert Decimal(row["other"]) == other and Decimal(row["total"]) == total


@pytest.mark.parametrize(
    ("slug", "key"),
    [
        ("top_carcs", "carc_code"),
        ("top_procedures", "procedure_code"),
        ("denials_by_provider", "rendering_provider_npi"),
        ("denials_by_coder", "coder_id"),
    ],
)
def test_top_denial_tables_equal_mart_sums_by_their_key(report, slug: str, key: str) -> None:
    rows = report.csv_rows(slug)
    expected = report.query(
        f"select {key}, sum(denied_lines), sum(denied_amount), sum(still_denied_amount), "
        "sum(failed_coding_check_denied_amount), sum(lines_failed_coding_check) "
        "from marts.rpt_denials where month_start_date between ? and ? "
        f"group by {key} order by sum(denied_amount) desc, {key}",
        [FIRST, LAST],
    )
    total = sum(r[2] for r in expected)
    assert [row[key] for row in rows] == [r[0] for r in expected]
    for row, (_, lines, amount, still, failed, failed_lines) in zip(rows, expected, strict=True):
        assert [row[c] for c in MONEY_COLUMNS] == [
            text(lines),
            text(amount),
            text(still),
            text(failed),
        ]
        assert row["share_of_denied_amount"] == ratio(amount, total)
        assert row["failed_coding_check_amount_share"] == ratio(failed, amount)
        assert row["failed_coding_check_line_share"] == ratio(failed_lines, lines)


def test_top_carcs_carry_their_root_cause_and_description(report) -> None:
    rows = {row["carc_code"]: row for row in report.csv_rows("top_carcs")}
    assert rows["11"]["denied_amount"] == "300.00"  # not 10,299.00: the old row is outside
    assert rows["11"]["denial_root_cause"] == "coding"
    assert rows["16"]["description"].startswith("Claim lacks information")
    assert rows["4"]["description"] == ""  # no description in ref: left empty, row kept


def test_top_rarcs_count_each_remark_code_of_initially_denied_lines(report) -> None:
    # GIVEN lines denied with remarks 'M76,N290' ($300, failed coding), 'M76' ($150) and 'MA130'
    # ($80, failed coding) in the window, plus an old line, a paid line and one without remarks
    rows = report.csv_rows("top_rarcs")
    got = [
        (
            r["rarc_code"],
            r["denied_lines"],
            r["denied_amount"],
            r["still_denied_amount"],
            r["failed_coding_check_denied_amount"],
            r["failed_coding_check_amount_share"],
            r["failed_coding_check_line_share"],
        )
        for r in rows
    ]
    # THEN each code counts the lines that carry it, and only those lines
    assert got == [
        ("M76", "2", "450.00", "300.00", "300.00", "0.666667", "0.500000"),
        ("N290", "1", "300.00", "300.00", "300.00", "1.000000", "1.000000"),
        ("MA130", "1", "80.00", "80.00", "80.00", "1.000000", "1.000000"),
    ]
    assert rows[0]["description"].startswith("Diagnosis missing")


def test_ar_aging_equals_the_mart_per_payer_and_bucket_with_a_total_row(report) -> None:
    rows = report.csv_rows("ar_aging")
    assert [row["payer_id"] for row in rows] == ["P2", "P1", "ALL"]  # largest A/R first
    buckets = {
        "0-30": "balance_0_30_amount",
        "31-60": "balance_31_60_amount",
        "61-90": "balance_61_90_amount",
        "91-120": "balance_91_120_amount",
        ">120": "balance_over_120_amount",
    }
    for row in rows[:2]:
        for bucket, column in buckets.items():
            (expected,) = report.query(
                "select ar_balance_amount from marts.rpt_ar_aging "
                "where payer_id = ? and age_bucket = ?",
                [row["payer_id"], bucket],
            )[0]
            assert row[column] == text(expected)
    parts = ("open_claims", "insurance_balance_amount", "denied_balance_amount")
    parts += ("patient_balance_amount", "ar_balance_amount")
    totals = report.query(f"select {', '.join(f'sum({c})' for c in parts)} from marts.rpt_ar_aging")
    assert [rows[2][c] for c in parts] == [text(v) for v in totals[0]]
    assert rows[2]["balance_over_120_amount"] == "1075.25"


def test_ar_aging_by_bucket_shows_each_balance_by_payer_and_bucket(report) -> None:
    rows = report.csv_rows("ar_aging_by_bucket")
    assert len(rows) == 15  # two payers and all payers, five buckets each
    expected = report.query(
        "select payer_id, age_bucket, open_claims, insurance_balance_amount, "
        "denied_balance_amount, patient_balance_amount, ar_balance_amount "
        "from marts.rpt_ar_aging order by payer_id, bucket_order"
    )
    got = [
        (
            r["payer_id"],
            r["age_bucket"],
            r["open_claims"],
            r["insurance_balance_amount"],
            r["denied_balance_amount"],
            r["patient_balance_amount"],
            r["ar_balance_amount"],
        )
        for r in rows[:10]
    ]
    assert got == [tuple(text(v) for v in r) for r in expected]
    over_120 = rows[-1]
    assert (over_120["payer_id"], over_120["age_bucket"], over_120["ar_balance_amount"]) == (
        "ALL",
        ">120",
        "1075.25",
    )


def test_days_to_payment_counts_paid_claims_first_adjudicated_in_the_window(report) -> None:
    # GIVEN paid claims with 10, 14, 20, 35 and 130 days in the window, one (50 days) before it
    rows = report.csv_rows("days_to_payment")
    got = [(r["days_bucket"], r["claims"], r["claims_share"]) for r in rows]
    assert got == [
        ("<= 14", "2", "0.400000"),
        ("15-30", "1", "0.200000"),
        ("31-45", "1", "0.200000"),
        ("46-60", "0", "0.000000"),
        ("61-90", "0", "0.000000"),
        ("91-120", "0", "0.000000"),
        ("> 120", "1", "0.200000"),
    ]


def test_quality_tables_show_only_the_run_of_the_as_of_date(report) -> None:
    gates = report.csv_rows("quality_gates")
    assert [(g["gate"], g["suite"], g["outcome"], g["warning_failures"]) for g in gates] == [
        ("ingestion", "billing_quality", "passed", "0"),
        ("ingestion", "coding_quality", "passed with warnings", "1"),
        ("publish", "publish_checks", "passed", "0"),
    ]
    failing = report.csv_rows("quality_failing_checks")
    assert [
        (f["check_name"], f["unexpected_count"], f["unexpected_share"], f["observed_value"])
        for f in failing
    ] == [("coding_quality.diagnosis_code_1_billable", "3", "0.015000", "")]
    flagged = report.csv_rows("quality_row_failures")
    assert [(f["check_name"], f["flagged_rows"], f["flagged_claims"]) for f in flagged] == [
        ("coding_quality.diagnosis_code_1_billable", "3", "2")
    ]
    info = {row["item"]: row["value"] for row in report.csv_rows("report_info")}
    assert info["Run id"] == RUN_ID
    # the run's 3 flagged rows (quality.row_failures) are published with the data: said so
    assert info["Quality gates"] == (
        "Published with warnings (1 check(s)); 3 row(s) flagged by warning checks are in the "
        "warehouse"
    )
    assert info["Report as-of date"] == AS_OF.isoformat()
    assert info["Window: first month"] == FIRST


def _cell_matches(value: Any, expected: str) -> bool:
    if expected == "":
        return value is None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() == expected or value.isoformat(sep=" ") == expected
    if isinstance(value, (int, float)):
        return abs(float(value) - float(Decimal(expected))) < 1e-9
    return value == expected


def test_workbook_has_one_typed_sheet_per_csv_with_the_same_values(report) -> None:
    book = openpyxl.load_workbook(report.result["xlsx"])
    assert book.sheetnames[0] == "report_info"
    assert sorted(book.sheetnames) == sorted(report.result["csv"])
    for slug in book.sheetnames:
        sheet = book[slug]
        rows = report.csv_rows(slug)
        assert sheet.freeze_panes == "A2", slug
        assert sheet.max_row == len(rows) + 1, slug
        for r, row in enumerate(rows, start=2):
            for c, expected in enumerate(row.values(), start=1):
                value = sheet.cell(row=r, column=c).value
                assert _cell_matches(value, expected), (slug, r, c, value, expected)


def _column(sheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def test_workbook_cells_carry_date_currency_and_percentage_formats(report) -> None:
    book = openpyxl.load_workbook(report.result["xlsx"])
    trend = book["denial_rate_trend"]
    month = trend["A2"]
    rate = trend.cell(row=2, column=_column(trend, "Initial denial rate"))
    money = trend.cell(row=2, column=_column(trend, "Billed $ adjudicated (CLP03)"))
    assert isinstance(month.value, dt.datetime) and month.is_date
    assert "%" in rate.number_format and "$" in money.number_format
    aging = book["ar_aging"]
    assert all("$" in aging.cell(row=2, column=c).number_format for c in range(3, 8))
    headline = book["headline_kpis"]
    value = _column(headline, "Jul 2026")
    assert "%" in headline.cell(row=2, column=value).number_format  # a rate row
    median = next(
        r
        for r in range(2, headline.max_row + 1)
        if headline.cell(r, 1).value == "Median days to payment"
    )
    assert "%" not in headline.cell(row=median, column=value).number_format
    assert headline.cell(row=median, column=value).value == pytest.approx(19.0)
