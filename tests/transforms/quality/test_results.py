"""Folding chunk results into one outcome per check, and flagged rows out of GX results.

GIVEN GX-shaped results (stand-ins with the same attributes) for two chunks of a frame
WHEN  they are added to a Tally and turned into row failures
THEN  counts add up, success is recomputed from the totals (honouring `mostly`), and each flagged
      row carries its row key, claim key, raw file and the offending value as text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

from transforms.quality import results
from transforms.quality.frames import ENCOUNTER_LINES, KPIS_MONTHLY

# a one-row summary frame (no row key): its failures are the check's result, not rows
SUMMARY = replace(KPIS_MONTHLY, row_key=None)


def _config(type_: str, meta: dict, **kwargs) -> SimpleNamespace:
    return SimpleNamespace(type=type_, kwargs=kwargs, meta=meta)


def _result(config, success: bool, **payload) -> SimpleNamespace:
    return SimpleNamespace(
        success=success,
        expectation_config=config,
        result=payload,
        exception_info={"raised_exception": False},
    )


NPI = _config(
    "expect_column_values_to_be_valid_npi",
    {"check": "npi", "severity": "warning"},
    column="rendering_npi",
)


def test_counts_add_up_over_chunks():
    tally = results.new_tally(ENCOUNTER_LINES, NPI)
    tally.add(
        _result(
            NPI,
            False,
            element_count=100,
            missing_count=10,
            unexpected_count=3,
            partial_unexpected_list=["1", "2", "3"],
        )
    )
    tally.add(_result(NPI, True, element_count=50, missing_count=0, unexpected_count=0))
    record = tally.as_record()
    assert record["check_name"] == "coding_quality.npi"
    assert record["expectation"] == "expect_column_values_to_be_valid_npi(rendering_npi)"
    assert (record["element_count"], record["unexpected_count"]) == (150, 3)
    assert record["unexpected_percent"] == 100 * 3 / 140  # of non-null values, as GX does
    assert record["success"] is False
    assert record["observed_value"] == '{"unexpected_examples": ["1", "2", "3"]}'


def test_mostly_is_judged_on_the_totals():
    config = _config(
        "expect_column_values_to_be_in_set",
        {"check": "m", "severity": "critical"},
        column="x",
        value_set=[True],
        mostly=0.9,
    )
    tally = results.new_tally(ENCOUNTER_LINES, config)
    # 8% unexpected in chunk 1 alone, 12% over both chunks: fails on the whole
    tally.add(_result(config, True, element_count=100, missing_count=0, unexpected_count=8))
    assert tally.success is True
    tally.add(_result(config, False, element_count=100, missing_count=0, unexpected_count=16))
    assert tally.success is False


def test_aggregate_expectations_need_every_chunk_and_errors_fail():
    config = _config(
        "expect_column_max_to_be_between", {"check": "a", "severity": "warning"}, column="x"
    )
    tally = results.new_tally(ENCOUNTER_LINES, config)
    tally.add(_result(config, True, observed_value=5))
    tally.add(_result(config, False, observed_value=9))
    assert tally.success is False and tally.observed_value == "[5, 9]"
    broken = results.new_tally(ENCOUNTER_LINES, config)
    broken.add(
        SimpleNamespace(
            success=False,
            expectation_config=config,
            result={},
            exception_info={"raised_exception": True, "exception_message": "column x missing"},
        )
    )
    assert broken.success is False and broken.observed_value == "error: column x missing"


def test_row_failures_carry_keys_and_offending_value():
    tally = results.new_tally(ENCOUNTER_LINES, NPI)
    rows = results.row_failures(
        ENCOUNTER_LINES,
        tally,
        _result(
            NPI,
            False,
            unexpected_index_list=[
                {
                    "encounter_line_id": "f:2",
                    "claim_id": "PCN9",
                    "file_sha256": "ab12",
                    "rendering_npi": "1234567890",
                }
            ],
        ),
    )
    assert rows == [
        {
            "check_name": "coding_quality.npi",
            "severity": "warning",
            "table_name": "encounter_lines",
            "row_key": "f:2",
            "claim_id": "PCN9",
            "offending_value": "1234567890",
            "file_sha256": "ab12",
        }
    ]


def test_offending_column_and_pairs():
    dup = _config(
        "expect_column_values_to_be_between",
        {"check": "dup", "severity": "critical", "offending_column": "encounter_line_id"},
        column="encounter_line_id_occurrences",
    )
    rows = results.row_failures(
        ENCOUNTER_LINES,
        results.new_tally(ENCOUNTER_LINES, dup),
        _result(
            dup,
            False,
            unexpected_index_list=[
                {"encounter_line_id": "f:1", "claim_id": None, "encounter_line_id_occurrences": 2}
            ],
        ),
    )
    assert (rows[0]["offending_value"], rows[0]["claim_id"]) == ("f:1", None)
    pair = _config(
        "expect_column_pair_values_to_be_equal",
        {"check": "p", "severity": "warning"},
        column_A="billed_amount",
        column_B="line_charge_total",
    )
    rows = results.row_failures(
        ENCOUNTER_LINES,
        results.new_tally(ENCOUNTER_LINES, pair),
        _result(
            pair,
            False,
            unexpected_index_list=[
                {
                    "encounter_line_id": "f:3",
                    "claim_id": "P",
                    "billed_amount": Decimal("3.10"),
                    "line_charge_total": Decimal("3.00"),
                }
            ],
        ),
    )
    assert rows[0]["offending_value"] == "billed_amount=3.10; line_charge_total=3.00"


def test_summary_frames_flag_no_rows():
    config = _config(
        "expect_column_values_to_be_between",
        {"check": "r", "severity": "critical"},
        column="unreconciled_payment_amount",
    )
    tally = results.new_tally(SUMMARY, config)
    assert (
        results.row_failures(
            SUMMARY,
            tally,
            _result(config, False, unexpected_index_list=[{"unreconciled_payment_amount": 5}]),
        )
        == []
    )


def test_values_as_text():
    assert results.to_text(Decimal("-0.50")) == "-0.50"
    assert results.to_text(dt.date(2026, 3, 2)) == "2026-03-02"
    assert results.to_text(True) == "true"
    assert results.to_text(float("nan")) is None and results.to_text(None) is None
    assert (
        results.expectation_label("expect_x", {"column_A": "a", "column_B": "b"})
        == "expect_x(a, b)"
    )


def test_identifier_failing_values_are_masked_in_rows_and_examples():
    # GIVEN a check on the patient's MRN and member id whose failing rows hold real-looking values
    mrn = _config(
        "expect_column_values_to_not_be_null",
        {"check": "mrn", "severity": "critical"},
        column="patient_id",
    )
    pair = _config(
        "expect_column_pair_values_to_be_equal",
        {"check": "ids", "severity": "warning"},
        column_A="subscriber_id",
        column_B="billed_amount",
    )
    tally = results.new_tally(ENCOUNTER_LINES, mrn)
    failing = _result(
        mrn,
        False,
        unexpected_count=1,
        partial_unexpected_list=["MRN1234567"],
        unexpected_index_list=[
            {"encounter_line_id": "f:2", "claim_id": "PCN9", "patient_id": "MRN1234567"}
        ],
    )
    tally.add(failing)
    rows = results.row_failures(ENCOUNTER_LINES, tally, failing)
    paired = results.row_failures(
        ENCOUNTER_LINES,
        results.new_tally(ENCOUNTER_LINES, pair),
        _result(
            pair,
            False,
            unexpected_index_list=[
                {"encounter_line_id": "f:3", "subscriber_id": "W98765432", "billed_amount": 5}
            ],
        ),
    )
    # THEN neither the quality row nor the Data Docs examples carry the identifier, only a mask
    # that keeps the last two characters (two failures stay distinguishable)
    shown = [rows[0]["offending_value"], *tally.merged_result_payload()["partial_unexpected_list"]]
    assert all(v.startswith("***67#") and "MRN1234567" not in v for v in shown)
    assert "1234567" not in tally.observed_value
    assert paired[0]["offending_value"].startswith("subscriber_id=***32#")
    assert paired[0]["offending_value"].endswith("; billed_amount=5")
    # AND the claim key an analyst works from is kept as it is
    assert rows[0]["claim_id"] == "PCN9"
