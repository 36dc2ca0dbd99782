"""The custom expectations as GX runs them: NPI check digit, ICD-10-CM, code-set membership.

GIVEN a small pandas batch in an ephemeral GX context
WHEN  each custom expectation validates one of its columns
THEN  the unexpected values and counts are exactly the rows that break the rule; nulls are skipped;
      `mostly` and the ICD expectation's `service_date_column` behave as documented.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from transforms.codesets import validators
from transforms.quality.gx_context import import_gx


@pytest.fixture(scope="module")
def gx():
    return import_gx()


@pytest.fixture(scope="module")
def expectations(gx):
    from transforms.quality import expectations

    return expectations


@pytest.fixture(scope="module")
def validate(gx):
    context = gx.get_context(mode="ephemeral")
    definition = (
        context.data_sources.add_pandas("t")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("all")
    )

    def run(frame: pd.DataFrame, expectation):
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(
            expectation,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["row_id"],
            },
        )

    return run


def _frame(**columns) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    return pd.DataFrame({"row_id": [f"r{i}" for i in range(size)], **columns})


def test_valid_npi(validate, expectations):
    frame = _frame(npi=["1234567893", "1234567890", None, "12345"])
    result = validate(frame, expectations.ExpectColumnValuesToBeValidNpi(column="npi"))
    assert result.success is False
    assert result.result["unexpected_count"] == 2
    assert result.result["unexpected_list"] == ["1234567890", "12345"]
    assert [r["row_id"] for r in result.result["unexpected_index_list"]] == ["r1", "r3"]
    lenient = validate(frame, expectations.ExpectColumnValuesToBeValidNpi(column="npi", mostly=0.3))
    assert lenient.success is True


def test_valid_icd10_cm_billable_and_existing(validate, expectations):
    frame = _frame(
        dx=["E11.9", "E11", "XYZ99", None, "U07.1"], service_date=[dt.date(2026, 3, 1)] * 5
    )
    billable = validate(
        frame,
        expectations.ExpectColumnValuesToBeValidIcd10Cm(
            column="dx", service_date_column="service_date"
        ),
    )
    assert billable.result["unexpected_list"] == ["E11", "XYZ99"]
    assert billable.result["missing_count"] == 1
    existing = validate(
        frame, expectations.ExpectColumnValuesToBeValidIcd10Cm(column="dx", billable=False)
    )
    assert existing.result["unexpected_list"] == ["XYZ99"]


def test_icd10_cm_reads_the_rows_service_date(validate, expectations, monkeypatch):
    # GIVEN a rule under which codes are billable only for services from 2026 on
    monkeypatch.setattr(
        validators,
        "is_billable_icd10",
        lambda code, service_date=None: bool(service_date) and service_date >= dt.date(2026, 1, 1),
    )
    frame = _frame(dx=["I10", "I10"], service_date=[dt.date(2025, 12, 1), dt.date(2026, 2, 1)])
    result = validate(
        frame,
        expectations.ExpectColumnValuesToBeValidIcd10Cm(
            column="dx", service_date_column="service_date"
        ),
    )
    # THEN only the 2025 row fails
    assert [r["row_id"] for r in result.result["unexpected_index_list"]] == ["r0"]


def test_in_code_set(validate, expectations):
    frame = _frame(pos=["11", "02", "AA", None], modifier=["25", "ZZ", "LT", "!!"])
    pos = validate(
        frame,
        expectations.ExpectColumnValuesToBeInCodeSet(column="pos", code_set="place_of_service"),
    )
    assert (pos.success, pos.result["unexpected_list"]) == (False, ["AA"])
    modifier = validate(
        frame, expectations.ExpectColumnValuesToBeInCodeSet(column="modifier", code_set="modifier")
    )
    assert modifier.result["unexpected_list"] == ["ZZ", "!!"]


def test_unknown_code_set_is_rejected_when_the_expectation_is_made(expectations):
    with pytest.raises(Exception, match="unknown code set"):
        expectations.ExpectColumnValuesToBeInCodeSet(column="x", code_set="cpt_descriptions")


def test_custom_expectations_round_trip_through_configuration(expectations):
    # GIVEN an expectation saved in a suite (as JSON config) THEN it rebuilds to the same class
    original = expectations.ExpectColumnValuesToBeValidIcd10Cm(
        column="dx",
        billable=False,
        service_date_column="service_date",
        meta={"check": "c", "severity": "warning"},
    )
    rebuilt = original.configuration.to_domain_obj()
    assert type(rebuilt) is expectations.ExpectColumnValuesToBeValidIcd10Cm
    assert (rebuilt.billable, rebuilt.service_date_column) == (False, "service_date")
