"""A report written from a warehouse whose text columns hold markup and formulas executes nothing.

Payer names come from the 835's N1*PR and the encounter extract, procedure codes and coder ids from
the coding system: all outside our control. GIVEN the fixture warehouse with those columns set to
`<script>`/`<img onerror>` markup and spreadsheet formulas WHEN the report is written THEN the HTML
shows them as text (no element or event handler from the data), and every CSV and sheet cell that
holds a formula payload starts with `'`.
"""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest
from report_warehouse import AS_OF, build_warehouse

from transforms.report import write_report

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HYPERLINK = '=HYPERLINK("http://x","click")'
AT_SUM = "@SUM(1)"
HOSTILE = {
    "payer_name": {"P1": SCRIPT, "P2": HYPERLINK},
    "procedure_code": {"99213": IMG},
    "coder_id": {"CODER-A": AT_SUM},
}
FORMULAS = (HYPERLINK, AT_SUM)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    database = build_warehouse(data_dir)
    con = duckdb.connect(str(database))
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where column_name in ('payer_name', 'procedure_code', 'coder_id')"
        ).fetchall()
        for schema, table, column in columns:
            key = "payer_id" if column == "payer_name" else column
            for old, new in HOSTILE[column].items():
                con.execute(
                    f'update "{schema}"."{table}" set "{column}" = ? where "{key}" = ?', [new, old]
                )
        con.execute("checkpoint")
    finally:
        con.close()
    return write_report(data_dir, AS_OF)


def test_html_shows_hostile_text_as_text(hostile_report: dict) -> None:
    page = _Page()
    page.feed(Path(hostile_report["html"]).read_text(encoding="utf-8"))
    # THEN no script or image element and no event handler exists in the page
    assert not {"script", "img"} & set(page.tags)
    assert page.handlers == []
    # AND the payer name and the procedure code are there, as text a reader can see
    text = "".join(page.text)
    assert SCRIPT in text and IMG in text


def test_csv_cells_with_formulas_are_neutralised(hostile_report: dict) -> None:
    seen: set[str] = set()
    for path in hostile_report["csv"].values():
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    # THEN no cell starts like a formula; the payloads appear only quoted
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path, cell)
                    seen |= {f for f in FORMULAS if cell == f"'{f}"}
    assert seen == set(FORMULAS)


def test_workbook_cells_with_formulas_are_neutralised(hostile_report: dict) -> None:
    workbook = openpyxl.load_workbook(hostile_report["xlsx"])
    seen: set[str] = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), (sheet.title, cell.value)
                    seen |= {f for f in FORMULAS if cell.value == f"'{f}"}
    assert seen == set(FORMULAS)
