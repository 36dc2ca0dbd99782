"""Vectorised code checks: each distinct value judged once by the shared validators.

GIVEN pandas Series of codes (with a non-default index, as GX hands them over after dropping nulls)
WHEN  the masks of transforms.quality.codes are applied
THEN  the answers match transforms.codesets.validators row by row, on the same index.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from transforms.codesets import validators
from transforms.quality import codes


def test_npi_mask_uses_the_check_digit():
    values = pd.Series(["1234567893", "1234567890", "123", "1234567893"], index=[5, 7, 9, 11])
    mask = codes.npi_mask(values)
    assert mask.tolist() == [True, False, False, True]
    assert mask.index.tolist() == [5, 7, 9, 11] and mask.dtype == bool


def test_each_distinct_value_is_checked_once(monkeypatch):
    calls: list[str] = []

    def counting(npi):
        calls.append(npi)
        return npi.endswith("3")

    monkeypatch.setattr(validators, "is_valid_npi", counting)
    codes.npi_mask(pd.Series(["1234567893"] * 1000 + ["1234567890"] * 500))
    assert sorted(calls) == ["1234567890", "1234567893"]


def test_icd10cm_billable_versus_existing():
    values = pd.Series(["E11.9", "E11", "XYZ99", "e119 "])
    assert codes.icd10cm_mask(values).tolist() == [True, False, False, True]
    assert codes.icd10cm_mask(values, billable=False).tolist() == [True, True, False, True]


def test_icd10cm_passes_each_rows_service_date(monkeypatch):
    # GIVEN a rule where the code is billable only from 2026-01-01 on
    seen: list[tuple[str, dt.date | None]] = []

    def billable_from_2026(code, service_date=None):
        seen.append((code, service_date))
        return service_date is not None and service_date >= dt.date(2026, 1, 1)

    monkeypatch.setattr(validators, "is_billable_icd10", billable_from_2026)
    index = [3, 4, 8]
    values = pd.Series(["I10", "I10", "I10"], index=index)
    dates = pd.Series([dt.date(2025, 12, 31), dt.date(2026, 1, 1), None], index=index)
    # WHEN the mask is built with the dates THEN each row is judged for its own date
    assert codes.icd10cm_mask(values, dates).tolist() == [False, True, False]
    assert sorted(seen, key=str) == sorted(
        [("I10", dt.date(2025, 12, 31)), ("I10", dt.date(2026, 1, 1)), ("I10", None)], key=str
    )


def test_code_sets_follow_the_validators():
    procedures = pd.Series(["99213", "3074F", "J1100", "9921", "ABCDE"])
    assert codes.code_set_mask(procedures, "procedure_code").tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert codes.code_set_mask(pd.Series(["25", "ZZ", "!!"]), "modifier").tolist() == [
        True,
        False,
        False,
    ]
    assert codes.code_set_mask(pd.Series(["11", "1", "AA"]), "place_of_service").tolist() == [
        True,
        False,
        False,
    ]
    with pytest.raises(KeyError, match="unknown code set"):
        codes.code_set_mask(procedures, "cpt_descriptions")


def test_empty_series_give_empty_masks():
    empty = pd.Series([], dtype=object)
    assert codes.npi_mask(empty).empty
    assert codes.icd10cm_mask(empty, pd.Series([], dtype=object)).empty
