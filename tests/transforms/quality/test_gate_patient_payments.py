"""The ingestion gate's patient-payments suite (billing_quality.patient_payments).

GIVEN a batch with a patient-payments file next to the clean coding, 837 and 835 files
WHEN  run_gate("ingestion", ...) validates it
THEN  a posting dated after the as-of date is a warning row failure (the batch passes, nothing is
      held); a posting without an amount holds back its file; a batch without the extract does not
      run the suite at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
from quality_builders import AS_OF, clean_batch, sha_of

from transforms.quality import run_gate


def _posting(n: int, **overrides) -> dict:
    row = {
        "patient_payment_row_id": f"pp:{n}",
        "payment_id": f"PP{n}",
        "billing_npi": "1234567893",
        "claim_id": "PCN001",
        "payment_date": dt.date(2026, 5, 1),
        "amount": Decimal("25.00"),
        "payment_kind": "payment",
        "method": "card",
        "source_line_number": n + 1,
    }
    return {**row, **overrides}


def _results(data_dir: Path, run_id: str) -> dict[str, int]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select check_name, unexpected_count from quality.expectation_results "
            "where run_id = ? and check_name like 'billing_quality.patient_payment%'",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def test_posting_after_as_of_is_a_warning_and_nothing_is_held(data_dir, seeds):
    late = AS_OF + dt.timedelta(days=1)
    batch = clean_batch(data_dir)
    batch.add("pp.csv", "patient_payments", [_posting(1), _posting(2, payment_date=late)])
    batch.write()
    out = run_gate("ingestion", data_dir, AS_OF, "run-pp", seeds_dir=seeds, data_docs=False)
    assert out["success"] is True and out["held_files"] == []
    assert _results(data_dir, "run-pp") == {
        "billing_quality.patient_payment_amount_present": 0,
        "billing_quality.patient_payment_date_not_after_as_of": 1,
    }
    assert [w["check"] for w in out["warnings"]] == [
        "billing_quality.patient_payment_date_not_after_as_of"
    ]


def test_posting_without_an_amount_holds_back_its_file(data_dir, seeds):
    batch = clean_batch(data_dir)
    batch.add("pp.csv", "patient_payments", [_posting(1), _posting(2, amount=None)])
    batch.write()
    out = run_gate("ingestion", data_dir, AS_OF, "run-pp", seeds_dir=seeds, data_docs=False)
    assert out["success"] is True
    assert [(h["file_name"], h["file_sha256"]) for h in out["held_files"]] == [
        ("pp.csv", sha_of("pp.csv"))
    ]
    assert _results(data_dir, "run-pp")["billing_quality.patient_payment_amount_present"] == 1


def test_batch_without_the_extract_skips_the_suite(data_dir, seeds):
    clean_batch(data_dir).write()
    run_gate("ingestion", data_dir, AS_OF, "run-none", seeds_dir=seeds, data_docs=False)
    assert _results(data_dir, "run-none") == {}
