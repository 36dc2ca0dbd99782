"""Suite parameters: reference code sets from the seeds, thresholds from the environment.

GIVEN seed CSVs (tiny stand-ins, and the repository's own seeds) and environment settings
WHEN  the gate's suite parameters are assembled
THEN  codes keep their text form, a missing seed is a clear error, thresholds default sensibly.
"""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.errors import RcmError
from transforms.quality import refdata
from transforms.settings import PROJECT_ROOT


def test_codes_are_text_distinct_and_sorted(tmp_path):
    path = tmp_path / "ref.csv"
    path.write_text("\ufeffcode,description\n01,a\n1,b\n01,again\n ,blank\n", encoding="utf-8")
    assert refdata.read_code_set(path, "code") == ["01", "1"]


def test_missing_seed_or_column_names_the_file(tmp_path):
    with pytest.raises(refdata.MissingReference, match="ref_carc_codes.csv is missing"):
        refdata.read_code_set(tmp_path / "ref_carc_codes.csv", "carc_code")
    (tmp_path / "x.csv").write_text("other\n1\n")
    with pytest.raises(refdata.MissingReference, match="has no column 'carc_code'"):
        refdata.read_code_set(tmp_path / "x.csv", "carc_code")


def test_thresholds_from_environment(monkeypatch):
    monkeypatch.delenv("RCM_TIMELY_FILING_DAYS", raising=False)
    monkeypatch.delenv("RCM_MATCH_RATE_MIN", raising=False)
    assert refdata.thresholds() == {
        "timely_filing_days": 365,
        "match_rate_min": 0.9,
        "max_units": 999,
    }
    monkeypatch.setenv("RCM_TIMELY_FILING_DAYS", "90")
    monkeypatch.setenv("RCM_MATCH_RATE_MIN", "0.75")
    assert refdata.thresholds()["timely_filing_days"] == 90
    assert refdata.thresholds()["match_rate_min"] == 0.75
    monkeypatch.setenv("RCM_TIMELY_FILING_DAYS", "ninety")
    with pytest.raises(RcmError, match="RCM_TIMELY_FILING_DAYS='ninety'"):
        refdata.thresholds()


def test_publish_gate_needs_no_seeds(tmp_path):
    params = refdata.suite_parameters("publish", dt.date(2026, 6, 30), tmp_path / "none")
    assert params["as_of_date"] == dt.date(2026, 6, 30) and "carc_codes" not in params


def test_repository_seeds_hold_every_code_set_the_billing_suite_uses():
    params = refdata.suite_parameters("ingestion", dt.date(2026, 6, 30), PROJECT_ROOT / "seeds")
    assert {"1", "2", "4", "22"} <= set(params["claim_status_codes"])
    assert {"CO", "PR", "OA", "PI"} <= set(params["cas_group_codes"])
    assert {"1", "45", "50", "97"} <= set(params["carc_codes"])
    assert {"L6", "WO", "FB"} <= set(params["plb_reason_codes"])
