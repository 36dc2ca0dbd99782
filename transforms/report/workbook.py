"""The report as an Excel workbook: one sheet per table, typed cells, frozen header row.

Dates are Excel dates (months shown as `mmm yyyy`), money has a currency format, rates a
percentage format, counts are integers; text is written as text (never a formula), with a leading
`'` when it starts like one (`=`, `+`, `-`, `@`, tab, CR: `formatting.neutralised`, the same
rule as the CSVs, so a copy-paste or a save as CSV stays inert); every sheet has a bold header row frozen in place and an
autofilter. Excel stores numbers as binary floating point: money is written from the warehouse's
exact decimals and shown to the cent. The file's creation date is the as-of date, so the same
warehouse gives the same workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from transforms.report.formatting import neutralised
from transforms.report.model import Kind, Table

NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "money": '"$"#,##0.00;-"$"#,##0.00',
    "rate": "0.0%",
    "rate_change": "+0.0%;-0.0%;0.0%",
    "days": "0.0",
    "days_change": "+0.0;-0.0;0.0",
    "date": "yyyy-mm-dd",
    "month": "mmm yyyy",
    "timestamp": "yyyy-mm-dd hh:mm",
    "text": "@",
}
MAX_WIDTH = 60
SHEET_NAME_LIMIT = 31


def sheet_name(slug: str) -> str:
    if len(slug) > SHEET_NAME_LIMIT:
        raise ValueError(
            f"sheet name {slug!r} is longer than Excel's {SHEET_NAME_LIMIT} characters"
        )
    return slug


def _width(table: Table, index: int) -> int:
    label = len(table.columns[index].label)
    longest = max((len(str(row[index])) for row in table.rows if row[index] is not None), default=0)
    return min(MAX_WIDTH, max(10, label + 2, longest + 2))


def _write_cell(sheet: Any, row: int, col: int, value: Any, kind: Kind, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif kind in ("date", "month") and isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif kind == "timestamp" and isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        sheet.write_number(row, col, float(value), fmt)
    else:
        sheet.write_string(row, col, neutralised(str(value)), fmt)


def write_workbook(path: Path, tables: Sequence[Table], as_of: dt.date) -> None:
    """Write every table to its own sheet of a new workbook at `path`."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_urls": False, "strings_to_formulas": False},
    )
    try:
        workbook.set_properties(
            {
                "title": f"Denial report as of {as_of.isoformat()}",
                "subject": "Revenue-cycle denial report (aggregates only)",
                "created": dt.datetime.combine(as_of, dt.time()),
            }
        )
        header = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#1F2A44",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        )
        formats = {
            kind: workbook.add_format({"num_format": spec, "valign": "top"})
            for kind, spec in NUMBER_FORMATS.items()
        }
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        for table in tables:
            sheet = workbook.add_worksheet(sheet_name(table.slug))
            widths = [_width(table, col) for col in range(len(table.columns))]
            for col, column in enumerate(table.columns):
                sheet.write_string(0, col, column.label, header)
                sheet.set_column(col, col, widths[col], wrap if widths[col] >= MAX_WIDTH else None)
            for r, row in enumerate(table.rows):
                for col, value in enumerate(row):
                    kind = table.cell_kind(r, col)
                    long_text = kind == "text" and widths[col] >= MAX_WIDTH
                    fmt = wrap if long_text else formats.get(kind, formats["text"])
                    _write_cell(sheet, r + 1, col, value, kind, fmt)
            sheet.freeze_panes(1, 0)
            sheet.set_row(0, 30)
            if table.rows:
                sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    finally:
        workbook.close()
