"""The ingestion gate end to end on small raw batches: each check fires on purpose, with its count.

GIVEN raw Parquet written exactly per raw_schema (plus the ingest run's manifest)
WHEN  run_gate("ingestion", ...) validates the latest batch with coding_quality and billing_quality
THEN  quality.* in build.duckdb holds the outcome, row failures name rows and claims (never
      patients), a critical failure raises GateFailed after recording, a warning does not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from quality_builders import (
    AS_OF,
    BAD_NPI,
    SERVICE_DATE,
    RawBatch,
    clean_batch,
    encounter_line,
    write_seeds,
    x835_adjustment,
    x835_claim,
    x835_line,
    x835_payment,
    x835_plb,
    x837_claim,
    x837_line,
)

from transforms.errors import GateFailed
from transforms.quality import run_gate
from transforms.quality.gx_context import CONTEXT_ROOT


def _query(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _unexpected_by_check(data_dir: Path, run_id: str) -> dict[str, int]:
    rows = _query(
        data_dir,
        "select check_name, unexpected_count from quality.expectation_results where run_id = ?",
        [run_id],
    )
    return {name: count for name, count in rows}


# Coded lines, each breaking one (or two, stated) coding rules; line 1 is clean.
def _bad_encounter_lines() -> list[dict]:
    return [
        encounter_line(1),
        encounter_line(2, diagnosis_code_1=None),  # dx1 missing
        encounter_line(3, diagnosis_code_1="E11"),  # header: not billable
        encounter_line(4, diagnosis_code_2="XYZ99"),  # not a code
        encounter_line(5, diagnosis_code_3="I25", diagnosis_code_4="R07"),  # headers
        encounter_line(6, procedure_code="9921"),  # 4 digits: bad format
        encounter_line(7, modifier_1="!!", modifier_2="ZZ", modifier_3="X", modifier_4="25"),
        encounter_line(8, units=Decimal("0.00")),  # units not > 0
        encounter_line(9, units=Decimal("5000.00")),  # implausible units
        encounter_line(10, charge_amount=Decimal("0.00")),  # charge not > 0
        encounter_line(11, service_date=dt.date(2026, 7, 15)),  # after as-of
        encounter_line(12, patient_birth_date=dt.date(2026, 4, 1)),  # born after service
        encounter_line(13, rendering_npi=BAD_NPI, billing_npi=BAD_NPI),
        encounter_line(14, place_of_service_code="AA"),
    ]


EXPECTED_CODING = {
    "coding_quality.diagnosis_code_1_present": 1,
    "coding_quality.diagnosis_code_1_billable": 1,
    "coding_quality.diagnosis_code_2_billable": 1,
    "coding_quality.diagnosis_code_3_billable": 1,
    "coding_quality.diagnosis_code_4_billable": 1,
    "coding_quality.procedure_code_format": 1,
    "coding_quality.modifier_1_valid": 1,
    "coding_quality.modifier_2_valid": 1,
    "coding_quality.modifier_3_valid": 1,
    "coding_quality.modifier_4_valid": 0,
    "coding_quality.units_plausible": 2,
    "coding_quality.charge_amount_positive": 1,
    "coding_quality.service_date_not_after_as_of": 1,
    "coding_quality.service_date_not_before_birth": 1,
    "coding_quality.rendering_npi_check_digit": 1,
    "coding_quality.billing_npi_check_digit": 1,
    "coding_quality.place_of_service_valid": 1,
}


def _bad_billing(batch: RawBatch) -> RawBatch:
    claims = [
        x837_claim("PCN001"),
        x837_claim("PCN002", billed_amount=Decimal("300.00")),  # lines sum to 200
        x837_claim("PCN003", payer_id=None),  # no payer
        x837_claim("PCN004", submission_date=dt.date(2026, 3, 1)),  # before service
        x837_claim("PCN005"),  # service 2025: late
        x837_claim("PCN006", claim_submission_id="c837:PCN006:a"),  # same PCN + frequency
        x837_claim("PCN006", claim_submission_id="c837:PCN006:b"),
    ]
    lines = [x837_line(pcn, n) for pcn in ("PCN001", "PCN002", "PCN004") for n in (1, 2)]
    lines += [x837_line("PCN003", 1), x837_line("PCN003", 2, diagnosis_pointer_1=None)]
    lines += [x837_line("PCN005", n, service_date=dt.date(2025, 1, 10)) for n in (1, 2)]
    lines += [
        x837_line(
            "PCN006", n, claim_submission_id="c837:PCN006:a", claim_line_id=f"l837:PCN006:a{n}"
        )
        for n in (1, 2)
    ]
    lines += [
        x837_line(
            "PCN006", n, claim_submission_id="c837:PCN006:b", claim_line_id=f"l837:PCN006:b{n}"
        )
        for n in (1, 2)
    ]
    batch.add("claims.837", "x837_claims", claims).add("claims.837", "x837_claim_lines", lines)
    batch.add(
        "remit.835",
        "x835_payments",
        [
            x835_payment("pay:1"),
            x835_payment("pay:2", is_balanced=False, balance_difference=Decimal("5.00")),
        ],
    )
    batch.add(
        "remit.835",
        "x835_claims",
        [
            x835_claim("PCN001", "rc:1"),
            x835_claim("PCN002", "rc:2", claim_status_code="99"),  # unknown CLP02
            x835_claim("PCN003", "rc:3", is_balanced=False, balance_difference=Decimal("1.00")),
            x835_claim("PCN999", "rc:4"),  # no such 837 claim
        ],
    )
    batch.add(
        "remit.835",
        "x835_service_lines",
        [
            x835_line("rc:1", 1),
            x835_line("rc:3", 1, is_balanced=False, balance_difference=Decimal("1.00")),
        ],
    )
    batch.add(
        "remit.835",
        "x835_adjustments",
        [
            x835_adjustment("rc:1", 1),
            x835_adjustment("rc:1", 2, group_code="XX"),
            x835_adjustment("rc:3", 1, reason_code="ZZZ"),
        ],
    )
    batch.add(
        "remit.835",
        "x835_provider_adjustments",
        [x835_plb(1), x835_plb(2, provider_adjustment_reason_code="QQ")],
    )
    return batch


EXPECTED_BILLING = {
    "billing_quality.claim_total_equals_line_sum": 1,
    "billing_quality.claim_payer_present": 1,
    "billing_quality.submission_on_or_after_service": 1,
    "billing_quality.submission_within_timely_filing": 1,
    "billing_quality.claim_not_duplicated": 2,
    "billing_quality.claim_line_diagnosis_pointer_present": 1,
    "billing_quality.transaction_balanced": 1,
    "billing_quality.claim_status_code_valid": 1,
    "billing_quality.remit_claim_balanced": 1,
    "billing_quality.remit_claim_matches_submitted_claim": 1,
    "billing_quality.remit_line_balanced": 1,
    "billing_quality.cas_group_code_valid": 1,
    "billing_quality.carc_valid": 1,
    "billing_quality.plb_reason_code_valid": 1,
}


def _warning_batch(data_dir: Path) -> RawBatch:
    batch = RawBatch(data_dir)
    batch.add("encounters.csv", "encounter_lines", _bad_encounter_lines())
    return _bad_billing(batch).write()


@pytest.fixture(scope="module")
def warning_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """The crafted batch, gated once with a match-rate floor it meets (3 of 4 CLP01 match)."""
    root = tmp_path_factory.mktemp("warn")
    data_dir, seeds = root / "data", write_seeds(root / "seeds")
    _warning_batch(data_dir)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RCM_MATCH_RATE_MIN", "0.7")
        out = run_gate("ingestion", data_dir, AS_OF, "run-warn", seeds_dir=seeds, data_docs=False)
    return data_dir, seeds, out


def test_clean_batch_passes_every_check(data_dir, seeds):
    # GIVEN a consistent claim from coding to remittance
    clean_batch(data_dir).write()
    # WHEN the ingestion gate runs
    out = run_gate("ingestion", data_dir, AS_OF, "run-clean", seeds_dir=seeds, data_docs=False)
    # THEN nothing fails, both suites are recorded as successful, no row is flagged
    assert out["success"] is True
    assert out["failures"] == [] and out["warnings"] == []
    assert out["files_validated"] == 3
    runs = _query(
        data_dir,
        "select suite, success, critical_failures, warning_failures, "
        "rows_validated from quality.validation_runs order by suite",
    )
    assert runs == [("billing_quality", True, 0, 0, 11), ("coding_quality", True, 0, 0, 2)]
    assert _query(data_dir, "select count(*) from quality.row_failures") == [(0,)]
    assert set(_unexpected_by_check(data_dir, "run-clean").values()) == {0}


def test_data_docs_one_result_per_suite_and_rerun_replaces_them(data_dir, seeds):
    # GIVEN a clean batch and the committed GX project's files
    clean_batch(data_dir).write()
    committed = sorted(p for p in CONTEXT_ROOT.rglob("*") if p.is_file())
    # WHEN the gate runs twice under the same run id with Data Docs
    for _ in range(2):
        out = run_gate("ingestion", data_dir, AS_OF, "run-docs", seeds_dir=seeds)
    # THEN the site is in reports/quality and holds one result per GX suite, not two
    docs = data_dir / "reports" / "quality"
    assert out["data_docs"] == str(docs / "index.html")
    index = (docs / "index.html").read_text()
    assert "coding_quality.encounter_lines" in index and "billing_quality.x835_claims" in index
    stored = sorted((docs / "_results").rglob("*.json"))
    assert len(stored) == 9 and all("run-docs" in str(p) for p in stored)
    # AND nothing was written into the committed project
    assert sorted(p for p in CONTEXT_ROOT.rglob("*") if p.is_file()) == committed


def test_every_warning_check_fires_with_its_count_and_does_not_stop(warning_run):
    # GIVEN coded lines and claims each breaking one rule, and a match-rate floor the batch meets
    # WHEN the ingestion gate runs
    data_dir, _, out = warning_run
    # THEN it does not raise, and every check reports exactly the rows crafted to break it
    counts = _unexpected_by_check(data_dir, "run-warn")
    for check, expected in {**EXPECTED_CODING, **EXPECTED_BILLING}.items():
        assert counts[check] == expected, check
    failing = {name for name, count in counts.items() if count}
    assert failing == {k for k, v in {**EXPECTED_CODING, **EXPECTED_BILLING}.items() if v}
    assert out["success"] is True and out["failures"] == []
    assert {w["check"] for w in out["warnings"]} == failing
    # AND the runs are recorded with warning counts, no critical ones
    runs = dict(
        _query(
            data_dir,
            "select suite, warning_failures from quality.validation_runs where run_id = 'run-warn'",
        )
    )
    assert runs == {"coding_quality": 16, "billing_quality": 14}
    assert _query(data_dir, "select bool_or(success) from quality.validation_runs") == [(False,)]


def test_row_failures_name_rows_and_claims_never_patients(warning_run):
    data_dir = warning_run[0]
    rows = _query(
        data_dir,
        "select check_name, severity, table_name, row_key, claim_id, "
        "offending_value from quality.row_failures where run_id = 'run-warn'",
    )
    by_check = {}
    for check, severity, table, key, claim, value in rows:
        by_check.setdefault(check, []).append((severity, table, key, claim, value))
    # THEN the flagged coded line is traced to its raw row id and claim
    assert by_check["coding_quality.diagnosis_code_1_billable"] == [
        ("warning", "encounter_lines", "enc:3", "PCN001", "E11")
    ]
    assert by_check["coding_quality.service_date_not_before_birth"] == [
        ("warning", "encounter_lines", "enc:12", "PCN001", "-30")
    ]  # age in days, not the date
    assert by_check["billing_quality.claim_total_equals_line_sum"] == [
        (
            "warning",
            "x837_claims",
            "c837:PCN002",
            "PCN002",
            "billed_amount=300.00; line_charge_total=200.00",
        )
    ]
    # a remittance line gets its claim number from its CLP
    assert by_check["billing_quality.remit_line_balanced"] == [
        ("warning", "x835_service_lines", "rc:3:1", "PCN003", "1.00")
    ]
    assert sorted(r[2] for r in by_check["billing_quality.claim_not_duplicated"]) == [
        "c837:PCN006:a",
        "c837:PCN006:b",
    ]
    # AND no patient identifier or birth date appears anywhere in the flagged rows
    text = " ".join(str(v) for row in rows for v in row)
    assert "P-SYNTH" not in text and "1970-05-01" not in text and "2026-04-01" not in text


def test_critical_failure_raises_after_recording(data_dir, seeds):
    # GIVEN a batch with a duplicated raw row id, a line without claim and unparseable money
    batch = RawBatch(data_dir)
    batch.add(
        "encounters.csv",
        "encounter_lines",
        [
            encounter_line(1),
            encounter_line(2, encounter_line_id="enc:1"),
            encounter_line(3, claim_id=None),
            encounter_line(4, charge_amount=None),
        ],
    )
    batch.write()
    # WHEN the gate runs THEN it raises, naming the failing checks and their counts
    with pytest.raises(GateFailed) as info:
        run_gate("ingestion", data_dir, AS_OF, "run-crit", seeds_dir=seeds, data_docs=False)
    message = str(info.value)
    assert "coding_quality.encounter_line_id_unique (2 row(s))" in message
    assert "coding_quality.claim_id_present (1 row(s))" in message
    assert "coding_quality.charge_amount_present (1 row(s))" in message
    # AND the results were written before raising
    assert _query(
        data_dir,
        "select suite, success, critical_failures from "
        "quality.validation_runs where run_id = 'run-crit' order by suite",
    ) == [("billing_quality", True, 0), ("coding_quality", False, 3)]
    flagged = _query(
        data_dir,
        "select row_key, severity from quality.row_failures where "
        "check_name = 'coding_quality.encounter_line_id_unique'",
    )
    assert sorted(flagged) == [("enc:1", "critical"), ("enc:1", "critical")]


def test_low_match_rate_is_critical_with_observed_rate(data_dir, seeds):
    # GIVEN 3 of the batch's 4 distinct CLP01 values match a submitted claim (default floor 0.9)
    _bad_billing(RawBatch(data_dir)).write()
    with pytest.raises(GateFailed, match=r"remit_match_rate_above_minimum \(observed 0.75\)"):
        run_gate("ingestion", data_dir, AS_OF, "run-match", seeds_dir=seeds, data_docs=False)
    # THEN the observed rate is recorded
    assert _query(
        data_dir,
        "select observed_value, success from quality.expectation_results "
        "where check_name = 'billing_quality.remit_match_rate_above_minimum'",
    ) == [("0.75", False)]


def test_rerun_of_same_run_id_replaces_its_rows(warning_run, monkeypatch):
    # GIVEN the crafted batch already gated under run-warn
    data_dir, seeds, _ = warning_run

    def counts() -> list[int]:
        return [
            _query(data_dir, f"select count(*) from quality.{t} where run_id = 'run-warn'")[0][0]
            for t in ("validation_runs", "expectation_results", "row_failures")
        ]

    before = counts()
    # WHEN the same run id is gated again
    monkeypatch.setenv("RCM_MATCH_RATE_MIN", "0.7")
    run_gate("ingestion", data_dir, AS_OF, "run-warn", seeds_dir=seeds, data_docs=False)
    # THEN its rows are replaced, not added to
    assert counts() == before
    assert before[0] == 2 and before[2] == sum({**EXPECTED_CODING, **EXPECTED_BILLING}.values())


def test_only_the_latest_ingest_run_is_validated(data_dir, seeds):
    # GIVEN an older run with a bad line, then a newer run with clean files only
    old = RawBatch(data_dir, "ingest-old", dt.datetime(2026, 6, 29, 2, 0))
    old.add(
        "old-encounters.csv",
        "encounter_lines",
        [encounter_line(1, encounter_line_id="old:1", procedure_code="BAD")],
    ).write()
    clean_batch(data_dir, ingest_run_id="ingest-new").write()
    # WHEN the gate runs without naming a batch THEN only the newer files are checked
    out = run_gate("ingestion", data_dir, AS_OF, "run-latest", seeds_dir=seeds, data_docs=False)
    assert out["ingest_run_id"] == "ingest-new" and out["warnings"] == []
    # AND naming the older batch validates that one
    out = run_gate(
        "ingestion",
        data_dir,
        AS_OF,
        "run-old",
        seeds_dir=seeds,
        ingest_run_id="ingest-old",
        data_docs=False,
    )
    assert [w["check"] for w in out["warnings"]] == ["coding_quality.procedure_code_format"]


def test_quarantined_files_are_not_validated(data_dir, seeds):
    # GIVEN a run whose only file was quarantined (its rows never reached raw as loaded)
    batch = RawBatch(data_dir)
    batch.add("enc.csv", "encounter_lines", [encounter_line(1, procedure_code="BAD")])
    batch.write(status="quarantined")
    # WHEN the gate runs THEN there is nothing to judge and nothing fails
    out = run_gate("ingestion", data_dir, AS_OF, "run-q", seeds_dir=seeds, data_docs=False)
    assert out["files_validated"] == 0 and out["warnings"] == [] and out["success"]
    assert _query(
        data_dir, "select suite, rows_validated from quality.validation_runs order by suite"
    ) == [("billing_quality", 0), ("coding_quality", 0)]


def test_service_date_used_for_icd_is_the_rows_own(data_dir, seeds):
    # GIVEN a billable code on a line whose service date is inside the release year
    RawBatch(data_dir).add(
        "e.csv",
        "encounter_lines",
        [encounter_line(1, diagnosis_code_1="U07.1", service_date=SERVICE_DATE)],
    ).write()
    out = run_gate("ingestion", data_dir, AS_OF, "run-icd", seeds_dir=seeds, data_docs=False)
    # THEN it passes (the custom expectation reads the row's service_date column)
    assert "coding_quality.diagnosis_code_1_billable" in out["successes"]


def test_unreadable_raw_file_is_a_critical_failure_not_a_crash(data_dir, seeds):
    # GIVEN a raw encounter file that lacks most contract columns
    folder = data_dir / "raw" / "encounter_lines"
    folder.mkdir(parents=True)
    batch = RawBatch(data_dir)
    batch.add("enc.csv", "encounter_lines", [encounter_line(1)]).write()
    path = next(folder.glob("*.parquet"))
    pq.write_table(pa.table({"encounter_line_id": ["x:1"]}), path)
    # WHEN the gate runs THEN it records and raises a critical failure naming the table
    with pytest.raises(GateFailed, match="encounter_lines_readable"):
        run_gate("ingestion", data_dir, AS_OF, "run-bad-file", seeds_dir=seeds, data_docs=False)
    assert _query(
        data_dir,
        "select success, severity from quality.expectation_results "
        "where check_name = 'coding_quality.encounter_lines_readable'",
    ) == [(False, "critical")]
