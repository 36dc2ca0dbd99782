"""The report's data model: typed tables that the HTML, the CSVs and the workbook all render.

A `Table` is what one query against the published marts returned, plus how to show each column:
its `kind` (text, int, money, rate, date, month, days, timestamp) decides the HTML formatting, the
XLSX cell type and number format, and the CSV text. Every output is rendered from the same `Table`
objects, so the three files cannot disagree with each other, and tests compare them with the marts.

`Window` is the report's time frame: the as-of date and the calendar months ending with the as-of
month, at most twelve, starting at the first month the warehouse has data for (`data_window`).
Pure code, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Kind = Literal[
    "text",
    "int",
    "money",
    "rate",
    "date",
    "month",
    "days",
    "timestamp",
    "rate_change",
    "days_change",
    "per_row",
    "per_row_change",
]
"""How a column is shown. `per_row` takes the kind from the table's `row_kinds` (headline and
info tables); `per_row_change` shows a difference of the row's kind (rate -> rate_change)."""

CHANGE_KINDS: dict[str, Kind] = {"rate": "rate_change", "days": "days_change"}
"""How a month-over-month change of a kind is shown (money and counts keep their kind)."""

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Column:
    """One column of a report table: machine name (CSV header), label (HTML/XLSX header), kind."""

    name: str
    label: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    """One table of the report, in display order; `slug` names its CSV file and XLSX sheet."""

    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    row_kinds: tuple[Kind, ...] | None = None

    def cell_kind(self, row_index: int, column_index: int) -> Kind:
        """The kind of one cell: the column's, or the row's when the column is `per_row`."""
        kind = self.columns[column_index].kind
        if kind in ("per_row", "per_row_change"):
            if self.row_kinds is None:
                raise ValueError(f"table {self.slug}: {kind} column without row_kinds")
            row_kind = self.row_kinds[row_index]
            return CHANGE_KINDS.get(row_kind, row_kind) if kind == "per_row_change" else row_kind
        return kind

    def column(self, name: str) -> list[Any]:
        """All values of the named column, top to bottom."""
        index = [c.name for c in self.columns].index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name (tests, charts)."""
        names = [c.name for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def make_table(
    slug: str,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    note: str = "",
    row_kinds: Sequence[Kind] | None = None,
) -> Table:
    """Build a Table, checking that every row has one value per column."""
    columns = tuple(columns)
    frozen_rows = tuple(tuple(row) for row in rows)
    for number, row in enumerate(frozen_rows, start=1):
        if len(row) != len(columns):
            raise ValueError(
                f"table {slug}: row {number} has {len(row)} values for {len(columns)} columns"
            )
    kinds = tuple(row_kinds) if row_kinds is not None else None
    if kinds is not None and len(kinds) != len(frozen_rows):
        raise ValueError(f"table {slug}: {len(kinds)} row kinds for {len(frozen_rows)} rows")
    return Table(slug, title, columns, frozen_rows, note, kinds)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(first_of_month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before, when negative) the given month."""
    index = first_of_month.year * 12 + (first_of_month.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The as-of date and the trailing months the report covers (both ends inclusive)."""

    as_of: dt.date
    first_month: dt.date
    last_month: dt.date

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.first_month
        while month <= self.last_month:
            out.append(month)
            month = add_months(month, 1)
        return out


def report_window(as_of: dt.date, months: int = WINDOW_MONTHS) -> Window:
    """The trailing `months` calendar months ending with the as-of date's month."""
    if months < 1:
        raise ValueError("a report window needs at least one month")
    last = month_start(as_of)
    return Window(as_of=as_of, first_month=add_months(last, -(months - 1)), last_month=last)


def data_window(as_of: dt.date, first_data_month_date: dt.date | None) -> Window:
    """The trailing twelve months, started later when the data starts later: a practice whose
    first claim is from March shows "Mar 2026 – Oct 2026", never empty months before it."""
    window = report_window(as_of)
    if first_data_month_date is None:
        return window
    first = max(window.first_month, month_start(first_data_month_date))
    return Window(
        as_of=as_of, first_month=min(first, window.last_month), last_month=window.last_month
    )


@dataclass(frozen=True)
class QualityStatus:
    """What the gates said about the run that produced the published warehouse (`run_id`), and
    what earlier runs left in it: rows flagged by warning checks stay in the warehouse (a warning
    is published with the data) until their file is corrected, whatever later runs say."""

    run_id: str | None
    publish_gate_recorded: bool
    critical_failures: int
    warning_failures: int
    files_held: int = 0  # files the ingestion gate holds back (audit.file_holds)
    flagged_rows_present: int = 0  # distinct rows flagged by warning checks, any run, not held
    flagged_in_runs: tuple[str, ...] = ()  # the runs that flagged them
    ingestion_gate_recorded: bool = True  # False: this run's ingestion gate had nothing new

    @property
    def label(self) -> str:
        if self.run_id is None:
            return "No gate results recorded"
        if not self.publish_gate_recorded:
            return "No publish-gate result for this run"
        if self.files_held:
            text = (
                f"Published; {self.files_held} file(s) held back by critical checks, "
                f"{self.warning_failures} warning(s)"
            )
        elif self.critical_failures:
            text = f"Critical checks failed ({self.critical_failures})"
        elif self.warning_failures:
            text = f"Published with warnings ({self.warning_failures} check(s))"
        elif self.flagged_rows_present:
            text = "Published: this run's checks passed"
        else:
            return "Published: every check passed"
        if self.flagged_rows_present:
            text += (
                f"; {self.flagged_rows_present:,} row(s) flagged by warning checks are in the "
                "warehouse"
            )
            earlier = [r for r in self.flagged_in_runs if r != self.run_id]
            if earlier:
                text += f" (flagged by earlier run {', '.join(earlier[:2])}"
                text += ", \u2026)" if len(earlier) > 2 else ")"
        return text

    @property
    def level(self) -> Literal["ok", "warn", "bad", "none"]:
        if self.run_id is None or not self.publish_gate_recorded:
            return "none"
        if self.files_held:
            return "warn"
        if self.critical_failures:
            return "bad"
        return "warn" if self.warning_failures or self.flagged_rows_present else "ok"


@dataclass(frozen=True)
class Target:
    """A published target for a headline measure: `value < threshold` or `value >= threshold`.

    `text` states it for people (with its source); `verdict` says in words whether a value meets
    it, so the report never relies on colour alone.
    """

    comparator: Literal["<", ">="]
    threshold: Decimal
    text: str
    source: str = ""
    benchmark_low: Decimal | None = None
    benchmark_high: Decimal | None = None

    def is_met(self, value: Any) -> bool | None:
        if value is None:
            return None
        value = Decimal(value)
        return value < self.threshold if self.comparator == "<" else value >= self.threshold

    def verdict(self, value: Any) -> str:
        met = self.is_met(value)
        if met is None:
            return "no value"
        return "meets target" if met else "misses target"


@dataclass(frozen=True)
class Headline:
    """One KPI tile: the reporting month's value, the previous month's, which way is good, and
    the target it is held to (if any). `period` names what the value covers (a month, or an
    as-of date for A/R); `column` is the mart column it was read from."""

    label: str
    column: str
    kind: Kind
    value: Any
    previous: Any
    lower_is_better: bool
    target: Target | None = None
    period: str = ""

    @property
    def change(self) -> Any:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def verdict(self) -> str | None:
        return self.target.verdict(self.value) if self.target else None


@dataclass
class ReportData:
    """Everything the renderers need, read from the published warehouse."""

    window: Window
    reporting_month: dt.date | None
    previous_month: dt.date | None
    headlines: list[Headline]
    quality: QualityStatus
    warehouse_as_of: dt.date | None
    reporting_month_is_mature: bool = False
    immature_months: frozenset[dt.date] = frozenset()
    targets: dict[str, Target] = field(default_factory=dict)
    maturity: dict[dt.date, str] = field(default_factory=dict)  # month -> 'mature' / why not
    work_queue_totals: dict[str, Any] = field(default_factory=dict)  # rpt_denial_work_queue_totals
    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> None:
        if table.slug in self.tables:
            raise ValueError(f"duplicate report table {table.slug}")
        self.tables[table.slug] = table
