"""Typed row records for the X12 raw tables, generated from the raw-layer contract.

One `NamedTuple` class per table in `transforms.raw_schema.RAW_TABLES` (x835_* and x837_*), with the
contract's columns in the contract's order, so a flattener that forgets or misspells a column fails at
once, and a row converts to Arrow by position. Values are Python objects: `str`, `int`,
`decimal.Decimal` for money and quantities, `datetime.date`, `bool`, or None.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from transforms.raw_schema import X835_TABLES, X837_TABLES, columns


def _record(table: str) -> Any:
    name = "".join(part.capitalize() for part in table.split("_"))
    return namedtuple(name, columns(table))


X835Payment = _record("x835_payments")
X835Claim = _record("x835_claims")
X835ServiceLine = _record("x835_service_lines")
X835Adjustment = _record("x835_adjustments")
X835ProviderAdjustment = _record("x835_provider_adjustments")
X835Remark = _record("x835_remarks")
X837Claim = _record("x837_claims")
X837ClaimLine = _record("x837_claim_lines")
X837Diagnosis = _record("x837_diagnoses")

RECORD_TYPES: dict[str, Any] = {
    "x835_payments": X835Payment,
    "x835_claims": X835Claim,
    "x835_service_lines": X835ServiceLine,
    "x835_adjustments": X835Adjustment,
    "x835_provider_adjustments": X835ProviderAdjustment,
    "x835_remarks": X835Remark,
    "x837_claims": X837Claim,
    "x837_claim_lines": X837ClaimLine,
    "x837_diagnoses": X837Diagnosis,
}
assert set(RECORD_TYPES) == set(X835_TABLES) | set(X837_TABLES)

Rows = dict[str, list[tuple]]


def empty_rows(tables: tuple[str, ...]) -> Rows:
    """A fresh row buffer with one list per table."""
    return {table: [] for table in tables}
