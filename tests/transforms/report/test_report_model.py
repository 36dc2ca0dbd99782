"""Unit tests of the report's pure parts: window, month choice, formatting, guards, SVG inlining."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from transforms.report.charts import inline_svg
from transforms.report.errors import ReportError
from transforms.report.formatting import csv_text, html_text
from transforms.report.model import (
    Column,
    QualityStatus,
    add_months,
    make_table,
    report_window,
)
from transforms.report.queries import pick_reporting_month
from transforms.report.writer import check_no_phi


def test_window_is_the_twelve_months_ending_with_the_as_of_month() -> None:
    # GIVEN an as-of date in mid-October WHEN the window is computed
    window = report_window(dt.date(2026, 10, 15))
    # THEN it runs from November of the year before to October, twelve months
    assert window.first_month == dt.date(2025, 11, 1)
    assert window.last_month == dt.date(2026, 10, 1)
    assert len(window.months) == 12
    assert window.months[1] == dt.date(2025, 12, 1) and window.months[2] == dt.date(2026, 1, 1)


def test_add_months_crosses_year_boundaries_both_ways() -> None:
    assert add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert add_months(dt.date(2025, 12, 1), 1) == dt.date(2026, 1, 1)
    assert add_months(dt.date(2026, 3, 1), -14) == dt.date(2025, 1, 1)


def test_reporting_month_is_the_latest_mature_month() -> None:
    # GIVEN adjudications in August, September and October, only August mature
    window = report_window(dt.date(2026, 10, 15))
    by_month = {
        dt.date(2026, 8, 1): {"claims_adjudicated": 7, "is_mature": True},
        dt.date(2026, 9, 1): {"claims_adjudicated": 5, "is_mature": False},
        dt.date(2026, 10, 1): {"claims_adjudicated": 2, "is_mature": False},
        dt.date(2025, 10, 1): {"claims_adjudicated": 9, "is_mature": True},  # before the window
    }
    # THEN August is the headline month, not the newer immature ones
    assert pick_reporting_month(by_month, window) == dt.date(2026, 8, 1)


def test_reporting_month_without_a_mature_month_is_the_newest_with_adjudications() -> None:
    # GIVEN no mature month, and no adjudication yet in October (only submissions)
    window = report_window(dt.date(2026, 10, 2))
    by_month = {
        dt.date(2026, 8, 1): {"claims_adjudicated": 5, "is_mature": False},
        dt.date(2026, 9, 1): {"claims_adjudicated": 3, "is_mature": False},
        dt.date(2026, 10, 1): {"claims_adjudicated": 0, "is_mature": False},
        dt.date(2025, 10, 1): {"claims_adjudicated": 9, "is_mature": True},
    }  # before the window
    # THEN September is the headline month; with nothing in the window there is none
    assert pick_reporting_month(by_month, window) == dt.date(2026, 9, 1)
    assert pick_reporting_month({dt.date(2025, 10, 1): {"claims_adjudicated": 9}}, window) is None
    # AND a mature month with no adjudicated claim is never the headline
    by_month[dt.date(2026, 10, 1)]["is_mature"] = True
    assert pick_reporting_month(by_month, window) == dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (Decimal("-1234.5"), "money", "-$1,234.50"),
        (Decimal("1234567.891"), "money", "$1,234,567.89"),
        (Decimal("0.084000"), "rate", "8.4%"),
        (Decimal("0.012000"), "rate_change", "+1.2 pp"),
        (Decimal("-0.041000"), "rate_change", "-4.1 pp"),
        (Decimal("3.00"), "days_change", "+3.0 d"),
        (12345, "int", "12,345"),
        (dt.date(2026, 10, 1), "month", "Oct 2026"),
        (None, "money", "\u2014"),
    ],
)
def test_html_text_formats_each_kind(value: object, kind: str, text: str) -> None:
    assert html_text(value, kind) == text


def test_csv_text_keeps_the_warehouse_values_exact() -> None:
    assert csv_text(Decimal("0.500000")) == "0.500000"
    assert csv_text(Decimal("1234.50")) == "1234.50"
    assert csv_text(dt.date(2026, 10, 1)) == "2026-10-01"
    assert csv_text(None) == ""


def test_make_table_rejects_a_row_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="row 2 has 1 values for 2 columns"):
        make_table("t", "T", (Column("a", "A"), Column("b", "B")), [("x", "y"), ("z",)])


def test_a_patient_identifier_column_is_refused() -> None:
    # GIVEN a table that would export claim ids WHEN it is checked THEN the write is refused
    table = make_table("leaky", "Leaky", (Column("claim_id", "Claim"),), [("PCN-1",)])
    with pytest.raises(ReportError, match=r"leaky.*claim_id.*report\.no_phi"):
        check_no_phi([table])


def test_inline_svg_drops_the_prolog_and_prefixes_every_id_and_reference() -> None:
    # GIVEN an SVG as matplotlib writes it (prolog, metadata, ids, url() and href references)
    raw = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="10pt" height="5pt" '
        'viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg"><metadata><x>dc</x></metadata>'
        '<g id="a1" clip-path="url(#p1)"><use xlink:href="#m1"/></g></svg>'
    )
    # WHEN it is inlined
    svg = inline_svg(raw, "c1", "A <chart>")
    # THEN only the <svg> element remains, scalable, with ids unique to this chart
    assert svg.startswith('<svg class="chart" role="img" aria-label="A &lt;chart>"')
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "metadata" not in svg
    assert 'width="10pt"' not in svg and 'height="5pt"' not in svg and 'viewBox="0 0 10 5"' in svg
    assert 'id="c1-a1"' in svg and "url(#c1-p1)" in svg and 'href="#c1-m1"' in svg


def test_a_published_run_with_held_files_is_a_warning_not_a_failure() -> None:
    # GIVEN a published run whose ingestion gate held one file back (2 critical row checks on it)
    held = QualityStatus("r1", True, critical_failures=2, warning_failures=3, files_held=1)
    # THEN the banner says what happened, as a warning
    assert held.label == "Published; 1 file(s) held back by critical checks, 3 warning(s)"
    assert held.level == "warn"
    # AND critical failures with no file held still read as a failure
    assert QualityStatus("r1", True, 2, 3).level == "bad"


HOSTILE = ['=HYPERLINK("http://x.test","click")', "@SUM(1)", "+1", "-1+2", "\t=1", "\r=1"]


def test_csv_and_xlsx_never_hand_a_formula_to_a_spreadsheet(tmp_path) -> None:
    # GIVEN payer names an 835 sender controls, next to negative and positive amounts
    from openpyxl import load_workbook

    from transforms.report.workbook import write_workbook
    from transforms.report.writer import csv_bytes

    table = make_table(
        "payers",
        "Payers",
        (Column("payer_name", "Payer"), Column("paid", "Paid", "money")),
        [(name, Decimal("-12.50")) for name in HOSTILE] + [("Acme Health", Decimal("3.00"))],
    )
    # WHEN written as CSV
    import csv as csv_module
    import io

    rows = list(csv_module.reader(io.StringIO(csv_bytes(table).decode(), newline="")))[1:]
    # THEN every text cell that would start a formula starts with a quote, numbers stay numbers
    expected = ["'" + name.replace("\r", "\n") for name in HOSTILE] + ["Acme Health"]
    assert [r[0] for r in rows] == expected
    assert {r[1] for r in rows} == {"-12.50", "3.00"}
    # AND in the workbook every such cell is a text cell, never a formula
    path = tmp_path / "r.xlsx"
    write_workbook(path, [table], dt.date(2026, 10, 15))
    sheet = load_workbook(path).worksheets[0]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(HOSTILE))]
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)
    # each prefixed like the CSV, so an edit or a save as CSV keeps it inert
    assert [c.value for c in cells][:-1] == ["'" + h for h in HOSTILE[:-1]]  # (\r: _x000D_)
    assert sheet.cell(row=2, column=2).value == -12.5
