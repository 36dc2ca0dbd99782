"""Report CSVs and workbook never hand a spreadsheet a formula from the data (OWASP CSV injection).

GIVEN a report table whose text cells hold formula payloads (as a payer name, a file name or a code
could) beside negative money and counts
WHEN it is written as CSV and as an XLSX sheet
THEN every text cell that could start a formula starts with `'`, text is quoted in the CSV, and
the numbers are still numbers (CSV `-12.50` bare, XLSX numeric cells).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl

from transforms.report.model import Column, make_table
from transforms.report.workbook import write_workbook
from transforms.report.writer import csv_bytes

PAYLOADS = [
    '=HYPERLINK("http://x","click")',
    "@SUM(1)",
    "+1",
    "-1+2",
    "\t=1",
    "\r=1",
]


def _table():
    rows = [(text, Decimal("-12.50"), -3, dt.date(2026, 8, 1)) for text in PAYLOADS]
    rows.append(('a;=1+2,"b"', Decimal("7.25"), 4, None))
    rows.append(("MEDICARE PART B", Decimal("0.00"), 0, dt.date(2026, 9, 1)))
    return make_table(
        "payer_money",
        "Money by payer",
        [
            Column("payer_name", "Payer"),
            Column("paid_amount", "Paid", "money"),
            Column("claims", "Claims", "int"),
            Column("month_start_date", "Month", "month"),
        ],
        rows,
    )


def test_neutralised_prefixes_only_formula_starts():
    from transforms.report.formatting import neutralised

    # GIVEN each OWASP trigger character and ordinary text WHEN made spreadsheet-safe
    # THEN triggers get a leading quote, ordinary text (also with a trigger inside) is unchanged
    assert [neutralised(p) for p in PAYLOADS] == [f"'{p}" for p in PAYLOADS]
    assert neutralised("AETNA-EAST") == "AETNA-EAST"
    assert neutralised("") == ""


def test_csv_text_cells_are_neutralised_and_numbers_stay_numbers():
    raw = csv_bytes(_table()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    body = rows[1:]
    # THEN each payload reads back with a leading quote (a CR inside text is written as a newline)
    assert [r[0] for r in body[: len(PAYLOADS)]] == [f"'{p}".replace("\r", "\n") for p in PAYLOADS]
    # AND a separator or quote inside text stays inside its one cell (text is always quoted)
    assert body[len(PAYLOADS)][0] == 'a;=1+2,"b"' and len(body[len(PAYLOADS)]) == 4
    assert '"a;=1+2,""b"""' in raw
    # AND negative money and counts are bare numbers (no quote, no prefix), dates ISO
    assert body[0][1:] == ["-12.50", "-3", "2026-08-01"]
    assert "\n'=" not in raw and ",-12.50,-3," in raw
    assert body[-1] == ["MEDICARE PART B", "0.00", "0", "2026-09-01"]


def test_workbook_text_cells_are_neutralised_and_numbers_stay_numbers(tmp_path: Path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [_table()], dt.date(2026, 10, 15))
    sheet = openpyxl.load_workbook(path)["payer_money"]
    cells = list(sheet.iter_rows(min_row=2, values_only=False))
    # THEN no cell is a formula and each payload is stored as text with a leading quote
    assert all(c.data_type != "f" for row in cells for c in row)
    # (OOXML stores CR as `_x000D_`, which openpyxl leaves as written)
    texts = [row[0].value.replace("_x000D_", "\r") for row in cells[: len(PAYLOADS)]]
    assert texts == [f"'{p}" for p in PAYLOADS]
    assert all(row[0].data_type == "s" for row in cells)
    # AND money and counts are numeric cells with their negative values
    assert cells[0][1].data_type == "n" and cells[0][1].value == -12.5
    assert cells[0][2].data_type == "n" and cells[0][2].value == -3
    assert cells[-1][0].value == "MEDICARE PART B"
