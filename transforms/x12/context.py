"""What a flattener knows about the transaction set it reads, and the helpers every flattener shares.

`TransactionContext` carries the lineage written on every row (file, SHA-256, the three control
numbers) and what the envelopes say (GS08 version, GS04 date, ST03 guide, component separator).
`Flattener` is the base class: `feed(position, segment)` for every segment between ST and SE,
`finish()` at a valid SE. Its helpers read an element by number and turn a bad value into an
`X12ContentError` that names the segment position, segment id and element (e.g. `CLP04`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from transforms.x12.constants import SCOPE_VALUE, Rule
from transforms.x12.errors import X12ContentError, X12Finding
from transforms.x12.records import Rows
from transforms.x12.values import (
    DATE_CACHE,
    MONEY_CACHE,
    QUANTITY_CACHE,
    BadValue,
    parse_date,
    parse_date_period,
    parse_int,
    parse_money,
    parse_quantity,
    quantity_was_rounded,
)


@dataclass(frozen=True, slots=True)
class TransactionContext:
    """One transaction set's place in the file (lineage) and its envelope facts."""

    file_name: str
    file_sha256: str
    interchange_control_number: str
    group_control_number: str
    transaction_control_number: str
    st_position: int
    version: str = ""  # GS08, e.g. 005010X221A1 (ST03 in a bare file, which has no GS)
    group_date: str = ""  # GS04, CCYYMMDD
    implementation: str = ""  # ST03 (005010 837), e.g. 005010X222A1
    component: str = ":"

    @property
    def row_prefix(self) -> str:
        """First 16 hex digits of the file's SHA-256: the prefix of every row id."""
        return self.file_sha256[:16]


def lineage_values(context: TransactionContext) -> tuple[str, str, str, str, str, str | None]:
    """The lineage columns before `segment_position`, in contract order (file_name ..
    x12_version)."""
    return (
        context.file_name,
        context.file_sha256,
        context.interchange_control_number,
        context.group_control_number,
        context.transaction_control_number,
        context.version or None,
    )


def element(segment: list[str], index: int) -> str:
    """Element `index` (1-based, as in `CLP04`) or "" when the segment is shorter."""
    return segment[index] if index < len(segment) else ""


def element_name(segment: list[str], index: int) -> str:
    return f"{segment[0]}{index:02d}"


@dataclass
class Flattener:
    """Base for the 835 and 837 flatteners; subclasses set the class-level `handlers` and `rows`.

    `handlers` maps a segment id to an unbound method, called as `handler(flattener, segment)`.
    Keeping it on the class (not bound methods on the instance) avoids a reference cycle, so a
    finished transaction set's rows are freed at once even while cyclic GC is paused.
    """

    context: TransactionContext
    rows: Rows = field(default_factory=dict)
    position: int = 0
    stats: dict[str, Decimal | int] = field(default_factory=dict)
    findings: list[X12Finding] = field(default_factory=list)
    handlers: ClassVar[dict[str, Callable[[Any, list[str]], None]]] = {}

    def __post_init__(self) -> None:
        # Until a segment is handled, errors (e.g. raised by `finish()`) point at the ST.
        if not self.position:
            self.position = self.context.st_position

    def feed(self, position: int, segment: list[str]) -> None:
        """Read one segment between ST and SE (segments nobody needs are skipped).

        The reader inlines this dispatch in its loop; `feed` is the same thing for other callers."""
        handler = self.handlers.get(segment[0])
        if handler is not None:
            self.position = position
            handler(self, segment)

    def finish(self) -> Rows:  # pragma: no cover - abstract
        raise NotImplementedError

    def drain(self) -> Rows:
        """Hand over the rows of the loops closed so far and forget them (the lists are emptied in
        place: handlers may hold them). What `finish()` returns afterwards is the rest."""
        drained = {table: rows[:] for table, rows in self.rows.items() if rows}
        for rows in self.rows.values():
            rows.clear()
        return drained

    # -- errors ---------------------------------------------------------------------------------
    def error(
        self, segment: list[str], index: int | None, rule: str, message: str
    ) -> X12ContentError:
        return X12ContentError(
            message,
            rule=rule,
            file=self.context.file_name,
            position=self.position,
            segment_id=segment[0],
            element=element_name(segment, index) if index else None,
        )

    def finding(self, segment: list[str], index: int | None, rule: str, message: str) -> None:
        """Record a value that loads as read but deserves a look (e.g. negative units)."""
        self.findings.append(
            X12Finding(
                message,
                rule=rule,
                file=self.context.file_name,
                position=self.position,
                segment_id=segment[0],
                element=element_name(segment, index) if index else None,
                scope=SCOPE_VALUE,
                transaction_position=self.context.st_position,
                transaction_control_number=self.context.transaction_control_number,
            )
        )

    def out_of_place(self, segment: list[str], where: str) -> X12ContentError:
        return self.error(segment, None, Rule.SEGMENT_OUT_OF_PLACE, f"{segment[0]} outside {where}")

    def _bad(self, segment: list[str], index: int, exc: BadValue) -> X12ContentError:
        return self.error(segment, index, exc.rule, exc.message)

    # -- typed element readers (hot: inline element access, memoised values first) --------------
    def money(self, segment: list[str], index: int, *, required: bool = False) -> Decimal | None:
        raw = segment[index] if index < len(segment) else ""
        if raw:
            value = MONEY_CACHE.get(raw)
            if value is not None:
                return value
            try:
                return parse_money(raw)
            except BadValue as exc:
                raise self._bad(segment, index, exc) from None
        if required:
            raise self.error(segment, index, Rule.MISSING_ELEMENT, "required element is empty")
        return None

    def quantity(self, segment: list[str], index: int) -> Decimal | None:
        raw = segment[index] if index < len(segment) else ""
        if not raw:
            return None
        value = QUANTITY_CACHE.get(raw)
        if value is None:
            try:
                value = parse_quantity(raw)
            except BadValue as exc:
                raise self._bad(segment, index, exc) from None
        if len(raw) > 7 and quantity_was_rounded(raw, value):
            self.finding(
                segment,
                index,
                Rule.QUANTITY_ROUNDED,
                "quantity has more than six decimals; rounded to six",
            )
        return value

    def date(self, segment: list[str], index: int) -> dt.date | None:
        """A CCYYMMDD date; one that is not a calendar date is a finding and reads as None (a bad
        date never costs the payment it is on)."""
        raw = segment[index] if index < len(segment) else ""
        if not raw:
            return None
        value = DATE_CACHE.get(raw)
        if value is not None:
            return value
        try:
            return parse_date(raw)
        except BadValue as exc:
            self.finding(segment, index, exc.rule, f"{exc.message}; read as no date")
            return None

    def period(
        self, segment: list[str], qualifier_index: int, index: int
    ) -> tuple[dt.date, dt.date] | None:
        raw = element(segment, index)
        if not raw:
            return None
        try:
            return parse_date_period(element(segment, qualifier_index), raw)
        except BadValue as exc:
            self.finding(segment, index, exc.rule, f"{exc.message}; read as no date")
            return None

    def integer(self, raw: str, segment: list[str], index: int) -> int | None:
        """A whole number (line number, diagnosis pointer); anything else is a finding, None."""
        if not raw:
            return None
        try:
            return parse_int(raw)
        except BadValue as exc:
            self.finding(segment, index, exc.rule, f"{exc.message}; read as empty")
            return None

    def components(self, segment: list[str], index: int) -> list[str]:
        """Element `index` split on the component separator ([""] when empty)."""
        return element(segment, index).split(self.context.component)


def nonempty(value: str) -> str | None:
    """An element value, or None for an empty element."""
    return value or None
