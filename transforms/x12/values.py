"""Element values to Python: money and quantities as Decimal, dates as `datetime.date`, integers.

Pure functions that raise `BadValue` (a ValueError carrying a rule id); the flatteners turn it into an
`X12ContentError` naming the segment and element. X12 numbers (`R` type) are an optional sign,
digits and an optional decimal point: no exponents, no blanks, no thousands separators. Money must fit
DECIMAL(18,2) exactly: an amount with a non-zero third decimal is an error, never rounded. Quantities
(`R` with any number of decimals in the standard) keep six decimals exactly (DECIMAL(18,6)); a
seventh non-zero decimal is rounded half-even and `quantity_was_rounded` says so (the flatteners
record a finding). No element this project reads is an `N` (implied-decimal) type in the 835/837
guides, so there is no implied-decimal reader.
Parsed values are memoised in bounded dicts (remittances repeat the same amounts and dates), and the
usual shape (`-?digits.dd`, in range) goes straight to `Decimal` without the general checks.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from transforms.x12.constants import (
    DATE_QUALIFIER_RANGE,
    MAX_INTEGER_DIGITS,
    MONEY_LIMIT,
    NUMBER_CHARS,
    QUANTITY_DECIMALS,
    QUANTITY_LIMIT,
    VALUE_CACHE_LIMIT,
    Rule,
)


class BadValue(ValueError):
    """An element value that does not fit its type; `rule` is the machine-readable reason."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


# Memoised parses, exposed so hot callers can try the dict before calling a function.
MONEY_CACHE: dict[str, Decimal] = {}
QUANTITY_CACHE: dict[str, Decimal] = {}
DATE_CACHE: dict[str, dt.date] = {}
_MONEY, _QUANTITY, _DATES = MONEY_CACHE, QUANTITY_CACHE, DATE_CACHE
# Exactly two decimals, ASCII digits, and few enough integer digits to be in range: `_decimal`
# would return `Decimal(raw)` unchanged for these, so they skip its checks (the common case).
_PLAIN_MONEY = re.compile(r"-?[0-9]{1,16}\.[0-9]{2}").fullmatch
_PLAIN_QUANTITY = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?").fullmatch
_QUANTUM = Decimal(1).scaleb(-QUANTITY_DECIMALS)


def _decimal(raw: str, rule: str, what: str, limit: Decimal) -> Decimal:
    """`raw` as a Decimal with exactly two decimals; padding zeros are added, never digits dropped."""
    if not NUMBER_CHARS.issuperset(raw) or not raw.strip("+-."):  # no NaN, exponent, blank, "-"
        raise BadValue(rule, f"{what} is not a decimal number")
    dot = raw.find(".")
    decimals = -1 if dot < 0 else len(raw) - dot - 1
    if decimals == 2:
        text = raw
    elif decimals < 0:
        text = raw + ".00"
    elif decimals < 2:
        text = raw + "0" * (2 - decimals)
    else:  # "10.000" is fine, "10.001" is not
        text = raw[: dot + 3]
        if raw[dot + 3 :].strip("0"):
            raise BadValue(rule, f"{what} has more than two decimals")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadValue(rule, f"{what} is not a decimal number") from None
    if "." in text[:-3] or abs(value) >= limit:
        raise BadValue(
            rule,
            f"{what} is not a decimal number" if "." in text[:-3] else f"{what} is out of range",
        )
    return value


def parse_money(raw: str) -> Decimal:
    """An amount in dollars as a Decimal with two decimals (`"45.5"` -> `Decimal("45.50")`)."""
    value = _MONEY.get(raw)
    if value is None:
        value = (
            Decimal(raw)
            if _PLAIN_MONEY(raw)
            else _decimal(raw, Rule.INVALID_AMOUNT, "amount", MONEY_LIMIT)
        )
        if len(_MONEY) >= VALUE_CACHE_LIMIT:
            _MONEY.clear()
        _MONEY[raw] = value
    return value


def parse_quantity(raw: str) -> Decimal:
    """A quantity (units, days, minutes) as a Decimal, exact to six decimals; DECIMAL(18,6) range.

    `"1.5"` and `"0.333"` are read as written; `"0.3333333"` becomes `0.333333` (see
    `quantity_was_rounded`)."""
    value = _QUANTITY.get(raw)
    if value is None:
        if _PLAIN_QUANTITY(raw):
            value = Decimal(raw)
        else:
            if (
                not NUMBER_CHARS.issuperset(raw)
                or not raw.strip("+-.")
                or raw.count(".") > 1
                or "+" in raw[1:]
                or "-" in raw[1:]
            ):
                raise BadValue(Rule.INVALID_QUANTITY, "quantity is not a decimal number")
            try:
                value = Decimal(raw)
            except InvalidOperation:
                raise BadValue(Rule.INVALID_QUANTITY, "quantity is not a decimal number") from None
            if not value.is_finite():
                raise BadValue(Rule.INVALID_QUANTITY, "quantity is not a decimal number")
            if value.as_tuple().exponent < -QUANTITY_DECIMALS:  # type: ignore[operator]
                value = value.quantize(_QUANTUM)
        if abs(value) >= QUANTITY_LIMIT:
            raise BadValue(Rule.INVALID_QUANTITY, "quantity is out of range")
        if len(_QUANTITY) >= VALUE_CACHE_LIMIT:
            _QUANTITY.clear()
        _QUANTITY[raw] = value
    return value


def quantity_was_rounded(raw: str, value: Decimal) -> bool:
    """True when `parse_quantity(raw)` had to drop a non-zero seventh (or later) decimal."""
    dot = raw.find(".")
    return dot >= 0 and len(raw) - dot - 1 > QUANTITY_DECIMALS and Decimal(raw) != value


def parse_date(raw: str) -> dt.date:
    """A CCYYMMDD date."""
    value = _DATES.get(raw)
    if value is None:
        if len(raw) != 8 or not raw.isdigit() or not raw.isascii():
            raise BadValue(Rule.INVALID_DATE, "date is not CCYYMMDD")
        try:
            value = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            raise BadValue(Rule.INVALID_DATE, "date is not a calendar date") from None
        if len(_DATES) >= VALUE_CACHE_LIMIT:
            _DATES.clear()
        _DATES[raw] = value
    return value


def parse_date_period(qualifier: str, raw: str) -> tuple[dt.date, dt.date]:
    """A D8 date or an RD8 `CCYYMMDD-CCYYMMDD` period as (start, end); an RD8 with one date is
    read as a one-day period (some senders do that)."""
    if qualifier == DATE_QUALIFIER_RANGE and "-" in raw:
        first, _, last = raw.partition("-")
        return parse_date(first), parse_date(last)
    day = parse_date(raw)
    return day, day


def parse_int(raw: str) -> int:
    """A non-negative integer element (line numbers, diagnosis pointers) that fits INTEGER."""
    if not raw.isdigit() or not raw.isascii() or len(raw) > MAX_INTEGER_DIGITS:
        raise BadValue(Rule.INVALID_INTEGER, "not a whole number of at most 9 digits")
    return int(raw)
