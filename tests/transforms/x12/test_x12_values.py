"""Element values: exact money (never rounded), dates, integers; row records follow the raw contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.raw_schema import RAW_TABLES, X12_LINEAGE, X835_TABLES, X837_TABLES, columns
from transforms.x12.constants import MONEY_LIMIT, QUANTITY_LIMIT, Rule
from transforms.x12.context import TransactionContext, lineage_values
from transforms.x12.records import RECORD_TYPES
from transforms.x12.values import (
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
from transforms.x12.values import _decimal as general_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45.5", "45.50"),
        ("6", "6.00"),
        ("-1.27", "-1.27"),
        (".5", "0.50"),
        ("0", "0.00"),
        ("1766.50", "1766.50"),
        ("+3", "3.00"),
        ("10.000", "10.00"),
        ("-.5", "-0.50"),
        ("9999999999999999", "9999999999999999.00"),
    ],
)
def test_money_is_an_exact_two_decimal_decimal(raw: str, expected: str):
    value = parse_money(raw)
    assert isinstance(value, Decimal) and str(value) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1e3",
        "1_000",
        "12.5X",
        "1.234",
        "NaN",
        "Infinity",
        "--5",
        "1.2.3",
        " 5",
        "10000000000000000",
        "-",
        "+",
        ".",
        "1..2",
        "1.-5",
    ],
)
def test_money_rejects_anything_but_a_plain_exact_amount(raw: str):
    with pytest.raises(BadValue) as caught:
        parse_money(raw)
    assert caught.value.rule == Rule.INVALID_AMOUNT


# Strings shaped like X12 amounts, plain and not: signs, 0-4 decimals, long integer parts.
_AMOUNT_TEXT = st.builds(
    lambda sign, whole, dot, cents: f"{sign}{whole}{dot}{cents}",
    st.sampled_from(["", "-", "+"]),
    st.text("0123456789", min_size=0, max_size=20),
    st.sampled_from(["", "."]),
    st.text("0123456789", min_size=0, max_size=4),
)


def _general(
    raw: str, rule: str, what: str, limit: Decimal
) -> tuple[str, str] | tuple[str, str, str]:
    """The general parser's answer: ('ok', str(value)) or ('error', rule, message)."""
    try:
        return "ok", str(general_decimal(raw, rule, what, limit))
    except BadValue as exc:
        return "error", exc.rule, exc.message


@given(_AMOUNT_TEXT)
def test_plain_amount_shortcut_returns_what_the_general_parser_returns(raw: str):
    # GIVEN any amount-like text; WHEN parsed by parse_money (which takes a shortcut for
    # `-?digits.dd`) and by the general `_decimal` path
    # THEN value (with its two-decimal scale) or error rule and message are the same
    MONEY_CACHE.clear()
    try:
        got: tuple = ("ok", str(parse_money(raw)))
    except BadValue as exc:
        got = ("error", exc.rule, exc.message)
    assert got == _general(raw, Rule.INVALID_AMOUNT, "amount", MONEY_LIMIT)


@given(_AMOUNT_TEXT)
def test_quantities_keep_every_decimal_up_to_six(raw: str):
    # GIVEN any amount-like text  WHEN parsed as an X12 `R` quantity
    QUANTITY_CACHE.clear()
    try:
        value = parse_quantity(raw)
    except BadValue as exc:
        # THEN a refusal is a quantity rule, and only for text that is no number or out of range
        assert exc.rule == Rule.INVALID_QUANTITY
        try:
            number = Decimal(raw)
        except ArithmeticError:
            return
        assert (
            not number.is_finite()
            or abs(number) >= QUANTITY_LIMIT
            or "e" in raw.lower()
            or raw.strip() != raw
            or raw.count(".") > 1
            or raw.startswith("+.")
            or not raw.strip("+-.")
            or "_" in raw
        )
        return
    # THEN the value is the text's number exactly, or rounded to six decimals when it had more
    exact = Decimal(raw)
    assert (
        value == exact
        if not quantity_was_rounded(raw, value)
        else value == exact.quantize(Decimal("0.000001"))
    )
    assert abs(value - exact) <= Decimal("0.0000005")


def test_plain_amount_shortcut_keeps_two_decimals_and_the_range_limit():
    # GIVEN the shortcut's own edge cases; THEN exact two-decimal values, and 17 digits still fail
    assert str(parse_money("-0.00")) == "-0.00" and str(parse_money("0012.30")) == "12.30"
    assert str(parse_money("9999999999999999.99")) == "9999999999999999.99"
    assert str(parse_quantity("999999999999.999999")) == "999999999999.999999"
    with pytest.raises(BadValue, match="out of range"):
        parse_money("10000000000000000.00")
    with pytest.raises(BadValue, match="out of range"):
        parse_quantity("1000000000000.00")


def test_quantity_and_integer():
    # X12 `R` quantities: any number of decimals (1.5 units, 0.333 mL), kept exact to six
    assert parse_quantity("68") == Decimal("68.00")
    assert parse_quantity("1.5") == Decimal("1.5") and parse_quantity("0.333") == Decimal("0.333")
    assert parse_quantity("-2") == Decimal(-2) and parse_quantity(".25") == Decimal("0.25")
    assert parse_quantity("0.3333333") == Decimal("0.333333")
    assert quantity_was_rounded("0.3333333", Decimal("0.333333"))
    assert not quantity_was_rounded("1.5000000", Decimal("1.5"))
    for bad in ("1e5", "1.2.3", "-", "NaN", "1 5"):
        with pytest.raises(BadValue):
            parse_quantity(bad)
    assert parse_int("07") == 7
    with pytest.raises(BadValue):
        parse_int("-1")


def test_dates_and_periods():
    assert parse_date("20240229") == dt.date(2024, 2, 29)
    with pytest.raises(BadValue) as caught:
        parse_date("20230229")
    assert caught.value.rule == Rule.INVALID_DATE
    with pytest.raises(BadValue):
        parse_date("240229")
    assert parse_date_period("RD8", "20040201-20040207") == (
        dt.date(2004, 2, 1),
        dt.date(2004, 2, 7),
    )
    assert parse_date_period("RD8", "19960911") == (dt.date(1996, 9, 11),) * 2
    assert parse_date_period("D8", "20050208") == (dt.date(2005, 2, 8),) * 2


def test_records_have_the_contract_columns_in_order():
    assert set(RECORD_TYPES) == set(X835_TABLES) | set(X837_TABLES)
    for table, record in RECORD_TYPES.items():
        assert list(record._fields) == columns(table)
        assert [name for name, _ in X12_LINEAGE] == [
            c for c in record._fields if c in dict(X12_LINEAGE)
        ], table


def test_lineage_values_follow_the_contract_order():
    context = TransactionContext("f.edi", "a" * 64, "ICN", "GCN", "TCN", 3, version="004010X091A1")
    values = dict(
        zip([name for name, _ in X12_LINEAGE], (*lineage_values(context), 3), strict=True)
    )
    assert values == {
        "file_name": "f.edi",
        "file_sha256": "a" * 64,
        "interchange_control_number": "ICN",
        "group_control_number": "GCN",
        "transaction_control_number": "TCN",
        "x12_version": "004010X091A1",
        "segment_position": 3,
    }
    # every raw X12 table places the lineage block contiguously, as the flatteners write it
    for table in (*X835_TABLES, *X837_TABLES):
        names = columns(table)
        start = names.index("file_name")
        assert names[start : start + len(X12_LINEAGE)] == [name for name, _ in X12_LINEAGE], table
        assert len(RAW_TABLES[table]) == len(names)
