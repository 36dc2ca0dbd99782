"""How one cell reads: in the HTML (people) and in the CSV (machines). Pure functions.

HTML: money as `$1,234.50`, rates as `12.3%`, rate changes as `+1.2 pp`, months as `Oct 2026`,
missing values as an em dash. CSV: exact values, no thousands separators: Decimal as written by the
warehouse (`1234.50`, `0.125000`), dates in ISO form, missing values empty.

Spreadsheets (CSV and XLSX) never receive a formula from the data (OWASP "CSV Injection"): a *text*
value that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
(`neutralised`), and in the CSV every text value is written in double quotes with inner quotes
doubled (`csv_field`), so a `;` or `,` inside it cannot start a new cell in any locale; a carriage
return inside text is written as a newline. Which values are text is known from their Python type as
the warehouse returned it (DuckDB gives VARCHAR as `str`, numbers as `int`/`Decimal`, dates as
`date`): numbers, including negative ones like `-12.50`, stay numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from transforms.report.model import Kind

MISSING = "\u2014"


def _signed(text: str, value: Any) -> str:
    return f"+{text}" if value > 0 else text


def _money(value: Any) -> str:
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def html_text(value: Any, kind: Kind) -> str:
    """The text of one cell in the HTML report (not yet escaped)."""
    if value is None:
        return MISSING
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return _money(value)
    if kind == "rate":
        return f"{Decimal(value) * 100:.1f}%"
    if kind == "rate_change":
        return _signed(f"{Decimal(value) * 100:.1f} pp", value)
    if kind == "days":
        return f"{Decimal(value):.1f}"
    if kind == "days_change":
        return _signed(f"{Decimal(value):.1f} d", value)
    if kind == "month" and isinstance(value, dt.date):
        return value.strftime("%b %Y")
    if kind == "timestamp" and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# OWASP CSV injection: Excel, LibreOffice and Google Sheets run a cell starting with one of these
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """A text cell a spreadsheet shows as text: prefixed with a single quote when it would start a
    formula (`=HYPERLINK(...)`, `@SUM(...)`, `+1`, `-1+2`, a leading tab or carriage return)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_text(value: Any) -> str:
    """The text of one cell in a CSV file: exact, machine-readable. Numbers, dates and booleans
    are written as values (a negative amount stays `-12.50`); text that a spreadsheet would run as a
    formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    # a bare carriage return would end the row for most CSV readers (the writer only quotes
    # fields holding its own line terminator, "\n"): written as a newline, inside quotes
    return neutralised(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def csv_field(value: Any) -> str:
    """One CSV field: text (neutralised by `csv_text`) always in double quotes with inner quotes
    doubled, so a `,` or `;` inside it cannot start a cell in any locale; numbers, dates and
    booleans bare."""
    if isinstance(value, str):
        return '"' + csv_text(value).replace('"', '""') + '"'
    return csv_text(value)


NUMERIC_KINDS: frozenset[str] = frozenset(
    {"int", "money", "rate", "rate_change", "days", "days_change"}
)


def is_numeric(kind: Kind) -> bool:
    return kind in NUMERIC_KINDS
