"""Vectorised code checks behind the custom expectations: NPI, ICD-10-CM, CPT/HCPCS, modifier, POS.

The rules themselves live in `transforms.codesets.validators` (one source of truth, shared with the
loaders and the dbt macros); this module only applies them to a pandas Series efficiently: each
distinct value (or distinct code + service date pair) is checked once and the answer mapped back, so
a million rows with a few thousand distinct codes cost a few thousand validator calls.

The validators are imported lazily (inside the functions) so that importing this module, or the
expectations built on it, never fails because a reference package is slow or missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

# Names a suite may pass as `code_set` to ExpectColumnValuesToBeInCodeSet, mapped to the validator
# function name in transforms.codesets.validators that decides membership.
CODE_SET_VALIDATORS: dict[str, str] = {
    "procedure_code": "is_procedure_code_format",  # CPT (5 digits, 4 digits + F/T/U) or HCPCS II
    "modifier": "is_valid_modifier",
    "place_of_service": "is_valid_place_of_service",
}


def _validator(name: str) -> Callable[..., bool]:
    from transforms.codesets import validators

    return getattr(validators, name)


def _map_distinct(values: pd.Series, check: Callable[[Any], bool]) -> pd.Series:
    """Apply `check` once per distinct value of `values`; return a boolean Series on its index."""
    if values.empty:
        return pd.Series([], index=values.index, dtype=bool)
    distinct = pd.unique(values)
    answers = {value: bool(check(value)) for value in distinct}
    return values.map(answers).eq(True)


def npi_mask(values: pd.Series) -> pd.Series:
    """True where the value is a 10-digit NPI whose Luhn check digit (prefix 80840) is right."""
    is_valid_npi = _validator("is_valid_npi")
    return _map_distinct(values.astype(str), is_valid_npi)


def code_set_mask(values: pd.Series, code_set: str) -> pd.Series:
    """True where the value belongs to the named code set (see CODE_SET_VALIDATORS)."""
    if code_set not in CODE_SET_VALIDATORS:
        raise KeyError(f"unknown code set {code_set!r}; known: {sorted(CODE_SET_VALIDATORS)}")
    check = _validator(CODE_SET_VALIDATORS[code_set])
    return _map_distinct(values.astype(str), check)


def _date_key(value: Any) -> str:
    """An ISO date string for a date-like value, '' when missing (a hashable, NaN-free key)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if pd.isna(value):
        return ""
    return str(value)[:10]


def icd10cm_mask(
    codes: pd.Series, service_dates: pd.Series | None = None, *, billable: bool = True
) -> pd.Series:
    """True where the code is a valid (and, when `billable`, billable) ICD-10-CM code.

    With `service_dates` (aligned on the same index) the code is judged for that row's date of
    service, as `transforms.codesets.validators` defines it; each distinct (code, date) pair is
    checked once.
    """
    check = _validator("is_billable_icd10" if billable else "is_valid_icd10")
    codes = codes.astype(str)
    if service_dates is None:
        return _map_distinct(codes, lambda code: check(code))
    if codes.empty:
        return pd.Series([], index=codes.index, dtype=bool)
    keys = pd.Series(
        list(zip(codes, service_dates.reindex(codes.index).map(_date_key), strict=True)),
        index=codes.index,
        dtype=object,
    )
    answers = {
        (code, day): bool(check(code, dt.date.fromisoformat(day) if day else None))
        for code, day in pd.unique(keys)
    }
    return pd.Series([answers[key] for key in keys], index=codes.index, dtype=bool)
