"""The ingestion gate end to end on small raw batches: each check fires on purpose, with its count.

GIVEN raw Parquet written exactly per raw_schema (plus the ingest run's manifest)
WHEN  run_gate("ingestion", ...) validates the latest batch with coding_quality and billing_quality
THEN  quality.* in build.duckdb holds the outcome, row failures name rows, claims and files
      (never patients); a critical row failure holds back the file it came from (recorded in
      raw/file_holds, re-validated every run, released once it passes); only a failure no file
      can be blamed for raises GateFailed after recording; a warning does neither.
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
    sha_of,
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
from transforms.quality import holds, run_gate
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
        encounter_line(13, rendering_npi=BAD_NPI, billing_npi=BAD_NPI),  # billing's: on the 837
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
    "billing_quality.remit_claim_balanced": 1,
    "billing_quality.remit_claim_matches_submitted_claim": 1,
    "billing_quality.remit_line_balanced": 1,
    "billing_quality.carc_valid": 1,
    "billing_quality.plb_reason_code_valid": 1,
}
# critical, but every flagged row is in remit.835: that file is held back, nothing stops
EXPECTED_HOLDS = {
    "billing_quality.claim_status_code_valid": 1,
    "billing_quality.cas_group_code_valid": 1,
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
    expected = {**EXPECTED_CODING, **EXPECTED_BILLING, **EXPECTED_HOLDS}
    # THEN it does not raise, and every check reports exactly the rows crafted to break it
    counts = _unexpected_by_check(data_dir, "run-warn")
    for check, count in expected.items():
        assert counts[check] == count, check
    failing = {name for name, count in counts.items() if count}
    assert failing == {k for k, v in expected.items() if v}
    assert out["success"] is True and out["failures"] == []
    assert {w["check"] for w in out["warnings"]} == failing - set(EXPECTED_HOLDS)
    # AND the two critical code-set checks only hold back the 835 their rows came from
    assert {c["check"] for c in out["held_checks"]} == set(EXPECTED_HOLDS)
    assert [(h["file_name"], h["checks"], h["flagged_rows"]) for h in out["held_files"]] == [
        ("remit.835", sorted(EXPECTED_HOLDS), 2)
    ]
    # AND the runs are recorded with their warning and critical counts
    runs = _query(
        data_dir,
        "select suite, warning_failures, critical_failures from quality.validation_runs "
        "where run_id = 'run-warn' order by suite",
    )
    assert runs == [("billing_quality", 12, 2), ("coding_quality", 14, 0)]  # NPIs: on the 837
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


def _bad_encounter_file(data_dir: Path) -> RawBatch:
    """A clean claim, plus an encounter file with a duplicated row id, a line without claim and
    unparseable money (three critical row checks, every flagged row in that one file)."""
    batch = clean_batch(data_dir)
    batch.files.pop("encounters.csv")
    batch.add(
        "bad-encounters.csv",
        "encounter_lines",
        [
            encounter_line(1),
            encounter_line(2, encounter_line_id="enc:1"),
            encounter_line(3, claim_id=None),
            encounter_line(4, charge_amount=None),
        ],
    )
    return batch.write()


def test_critical_row_failures_hold_back_their_file_and_do_not_stop(data_dir, seeds):
    # GIVEN a batch whose encounter file fails three critical row checks; its 837 and 835 are clean
    _bad_encounter_file(data_dir)
    # WHEN the gate runs
    out = run_gate("ingestion", data_dir, AS_OF, "run-crit", seeds_dir=seeds, data_docs=False)
    # THEN it does not raise: the batch passes, and only the encounter file is held back
    assert out["success"] is True and out["failures"] == []
    assert {c["check"]: c["unexpected_count"] for c in out["held_checks"]} == {
        "coding_quality.encounter_line_id_unique": 2,
        "coding_quality.claim_id_present": 1,
        "coding_quality.charge_amount_present": 1,
    }
    bad = sha_of("bad-encounters.csv")
    assert [(h["file_sha256"], h["file_name"], h["flagged_rows"]) for h in out["held_files"]] == [
        (bad, "bad-encounters.csv", 4)
    ]
    # AND the hold is stored where dbt reads it, with the run and date it started
    held = holds.current(data_dir)
    assert list(held) == [bad]
    assert (held[bad].held_since_run_id, held[bad].held_since_as_of) == ("run-crit", AS_OF)
    assert held[bad].check_names == sorted(c["check"] for c in out["held_checks"])
    # AND the results were recorded as critical, each flagged row naming its file
    assert _query(
        data_dir,
        "select suite, success, critical_failures from "
        "quality.validation_runs where run_id = 'run-crit' order by suite",
    ) == [("billing_quality", True, 0), ("coding_quality", False, 3)]
    flagged = _query(
        data_dir,
        "select row_key, severity, file_sha256 from quality.row_failures where "
        "check_name = 'coding_quality.encounter_line_id_unique'",
    )
    assert sorted(flagged) == [("enc:1", "critical", bad), ("enc:1", "critical", bad)]


def test_held_file_stays_held_until_a_code_set_fix_releases_it(data_dir, seeds):
    # GIVEN night 1: a clean batch plus an 835 whose CLP02 is a status the code set lacks ("99")
    batch = clean_batch(data_dir)
    batch.add("odd.835", "x835_payments", [x835_payment("pay:9")])
    batch.add(
        "odd.835",
        "x835_claims",
        [x835_claim("PCN001", "rc:9", payment_id="pay:9", claim_status_code="99")],
    )
    batch.write()
    first = run_gate("ingestion", data_dir, AS_OF, "night-1", seeds_dir=seeds, data_docs=False)
    odd = sha_of("odd.835")
    assert [h["file_sha256"] for h in first["held_files"]] == [odd]
    # WHEN night 2 brings a new clean file and the code set is unchanged
    RawBatch(data_dir, "ingest-002", dt.datetime(2026, 7, 1, 2, 0)).add(
        "more-encounters.csv", "encounter_lines", [encounter_line(5)]
    ).write()
    night_2 = AS_OF + dt.timedelta(days=1)
    second = run_gate(
        "ingestion",
        data_dir,
        night_2,
        "night-2",
        seeds_dir=seeds,
        ingest_run_id="ingest-002",
        data_docs=False,
    )
    # THEN the held file was validated again with the new batch and is still held, since night 1
    assert second["files_validated"] == 2
    assert [h["file_sha256"] for h in second["held_files"]] == [odd]
    assert second["held_files"][0]["held_since_as_of"] == AS_OF.isoformat()
    assert second["released_files"] == []
    # WHEN night 3 runs after the claim-status code set learned "99" (nothing new landed)
    fixed = seeds / "ref_claim_status_codes.csv"
    fixed.write_text(fixed.read_text() + "99,new status\n")
    third = run_gate(
        "ingestion",
        data_dir,
        night_2 + dt.timedelta(days=1),
        "night-3",
        seeds_dir=seeds,
        ingest_run_id=[],
        data_docs=False,
    )
    # THEN the file passes and is released: nothing is held any more
    assert third["files_validated"] == 1 and third["success"] is True
    assert third["held_files"] == []
    assert [(r["file_sha256"], r["file_name"]) for r in third["released_files"]] == [
        (odd, "odd.835")
    ]
    assert holds.current(data_dir) == {}


def test_a_failure_no_file_can_be_blamed_for_raises_and_leaves_holds_alone(data_dir, seeds):
    # GIVEN a file held by an earlier run, then a batch whose raw 835 claims cannot be read (the
    # file is not Parquet any more)
    _bad_encounter_file(data_dir)
    run_gate("ingestion", data_dir, AS_OF, "run-1", seeds_dir=seeds, data_docs=False)
    snapshots_before = sorted((data_dir / "raw" / "file_holds").glob("*.parquet"))
    broken = RawBatch(data_dir, "ingest-002", dt.datetime(2026, 7, 1, 2, 0))
    broken.add("x.835", "x835_claims", [x835_claim("PCN001", "rc:x")]).write()
    path = data_dir / "raw" / "x835_claims" / f"{sha_of('x.835')}.parquet"
    path.write_bytes(b"not parquet")
    # WHEN the gate runs THEN it raises (nothing may publish), naming the check
    with pytest.raises(GateFailed, match="x835_claims_readable"):
        run_gate(
            "ingestion",
            data_dir,
            AS_OF,
            "run-2",
            seeds_dir=seeds,
            ingest_run_id="ingest-002",
            data_docs=False,
        )
    # AND the holds are exactly as before: no snapshot written, the same file held
    assert sorted((data_dir / "raw" / "file_holds").glob("*.parquet")) == snapshots_before
    assert list(holds.current(data_dir)) == [sha_of("bad-encounters.csv")]


def test_low_match_rate_is_a_warning_naming_the_foreign_file_and_payer(data_dir, seeds):
    # GIVEN a small night: one clean claim and its 835, plus an 835 from another payer for two
    # claims never billed here (2 of the batch's 3 CLP01 values unmatched: rate 1/3 < 0.9)
    batch = clean_batch(data_dir)
    batch.add("foreign.835", "x835_payments", [x835_payment("pay:f", payer_id="PAYERX")])
    batch.add(
        "foreign.835",
        "x835_claims",
        [
            x835_claim("PCN998", "rc:f1", payment_id="pay:f"),
            x835_claim("PCN999", "rc:f2", payment_id="pay:f"),
        ],
    )
    batch.write()
    # WHEN the gate runs with the default floor (0.9)
    out = run_gate("ingestion", data_dir, AS_OF, "run-match", seeds_dir=seeds, data_docs=False)
    # THEN the night is not stopped and no file is held: the low rate is a warning
    assert out["success"] is True and out["failures"] == [] and out["held_files"] == []
    warnings = {w["check"]: w["unexpected_count"] for w in out["warnings"]}
    assert warnings["billing_quality.remit_match_rate_above_minimum"] == 1
    assert warnings["billing_quality.remit_claim_matches_submitted_claim"] == 2
    # AND the flagged row names the foreign file and its payer, with its rate; the clean 835 passes
    assert _query(
        data_dir,
        "select row_key, severity, offending_value, file_sha256 from quality.row_failures "
        "where check_name = 'billing_quality.remit_match_rate_above_minimum'",
    ) == [("foreign.835 | payer PAYERX", "warning", "0.0", sha_of("foreign.835"))]


def test_a_remittance_to_another_provider_does_not_count_as_matched(data_dir, seeds):
    # GIVEN our claim PCN001 billed by our NPI, and an 835 for PCN001 paid to another provider
    # (payee NPI and TIN not ours): the same patient control number, someone else's claim
    batch = clean_batch(data_dir)
    batch.add(
        "other.835",
        "x835_payments",
        [
            x835_payment(
                "pay:o", payer_id="PAYERO", payee_npi="1999999992", payee_tax_id="999999999"
            )
        ],
    )
    batch.add("other.835", "x835_claims", [x835_claim("PCN001", "rc:o1", payment_id="pay:o")])
    batch.write()
    # WHEN the gate runs
    out = run_gate("ingestion", data_dir, AS_OF, "run-other", seeds_dir=seeds, data_docs=False)
    # THEN that file's match rate is 0 (a warning naming it), while our own 835 still matches
    assert out["success"] is True
    assert _query(
        data_dir,
        "select row_key, offending_value from quality.row_failures "
        "where check_name = 'billing_quality.remit_match_rate_above_minimum'",
    ) == [("other.835 | payer PAYERO", "0.0")]


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
    expected = {**EXPECTED_CODING, **EXPECTED_BILLING, **EXPECTED_HOLDS}
    assert before[0] == 2 and before[2] == sum(expected.values())


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


def test_a_raw_file_lacking_contract_columns_is_read_and_blocks(data_dir, seeds):
    # GIVEN a raw encounter file that lacks most contract columns, its lineage too (the gate's
    # models read the raw folder by name, like dbt's staging: a missing column reads as null)
    batch = RawBatch(data_dir)
    batch.add("enc.csv", "encounter_lines", [encounter_line(1)]).write()
    path = next((data_dir / "raw" / "encounter_lines").glob("*.parquet"))
    pq.write_table(pa.table({"encounter_line_id": ["x:1"]}), path)
    # WHEN the gate runs THEN the file's row is validated (the batch is chosen by file name, not
    # by the rows' own file_sha256), and, naming no file, its critical findings block the night
    with pytest.raises(GateFailed, match="claim_id_present"):
        run_gate("ingestion", data_dir, AS_OF, "run-thin", seeds_dir=seeds, data_docs=False)


def test_unreadable_raw_file_is_a_critical_failure_not_a_crash(data_dir, seeds):
    # GIVEN a raw encounter file that is not Parquet any more
    batch = RawBatch(data_dir)
    batch.add("enc.csv", "encounter_lines", [encounter_line(1)]).write()
    path = next((data_dir / "raw" / "encounter_lines").glob("*.parquet"))
    path.write_bytes(b"not parquet")
    # WHEN the gate runs THEN it records and raises a critical failure naming the table
    with pytest.raises(GateFailed, match="encounter_lines_readable"):
        run_gate("ingestion", data_dir, AS_OF, "run-bad-file", seeds_dir=seeds, data_docs=False)
    assert _query(
        data_dir,
        "select success, severity from quality.expectation_results "
        "where check_name = 'coding_quality.encounter_lines_readable'",
    ) == [(False, "critical")]
