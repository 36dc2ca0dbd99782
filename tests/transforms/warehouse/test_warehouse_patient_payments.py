"""The patient-payments extract from landing to `marts.fct_patient_payments`, on a generated practice.

GIVEN a generated practice whose patient-payments files arrive a night after everything else
WHEN the nights are ingested, gated and built
THEN the first night builds without the extract (an empty mart), the second puts the paid claims in
the build scope and the mart's totals equal the landed files' and the ground truth's, keyed to the
warehouse's claims; a build for an earlier as-of date counts only postings dated on or before it.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from transforms.generate import generate
from transforms.pipeline import stage_build, stage_gate, stage_ingest

ZERO = Decimal("0.00")


def _query(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _landed(folder: Path, as_of: dt.date | None = None) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows += [
                r
                for r in csv.DictReader(handle)
                if as_of is None or dt.date.fromisoformat(r["payment_date"]) <= as_of
            ]
    return rows


def _night(data_dir: Path, as_of: dt.date) -> dict:
    stage_ingest(data_dir)
    stage_gate("ingestion", data_dir, as_of)
    return stage_build(data_dir, as_of)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("patpay") / "data"
    summary = generate(out=data_dir, claims=400, start=dt.date(2026, 3, 1), days=60, seed=11)
    as_of = dt.date.fromisoformat(summary["feed_end_date"])
    # night 1: everything but the patient payments (held back outside landing/)
    extract = data_dir / "landing" / "patient_payments"
    aside = data_dir.parent / "patient_payments"
    shutil.move(extract, aside)
    first = _night(data_dir, as_of)
    empty = _query(data_dir, "select count(*) from marts.fct_patient_payments")[0][0]
    # night 2: the extract arrives
    shutil.move(aside, extract)
    second = _night(data_dir, as_of)
    scope = {
        r[0] for r in _query(data_dir, "select claim_key from intermediate.int_claims_in_scope")
    }
    marts = _query(
        data_dir,
        "select payment_id, claim_id, patient_control_number, payment_date, payment_amount, "
        "payment_kind, has_billed_claim from marts.fct_patient_payments",
    )
    claims = {r[0] for r in _query(data_dir, "select claim_id from marts.fct_claims")}
    return {
        "data_dir": data_dir,
        "summary": summary,
        "as_of": as_of,
        "first": first,
        "second": second,
        "empty": empty,
        "scope": scope,
        "marts": marts,
        "claims": claims,
    }


def test_a_night_without_the_extract_builds_an_empty_mart(nights):
    assert nights["first"]["failed"] == []
    assert nights["empty"] == 0


def test_mart_totals_equal_the_landed_extract_and_the_ground_truth(nights):
    data_dir, summary = nights["data_dir"], nights["summary"]
    assert nights["second"]["failed"] == []
    landed = _landed(data_dir / "landing" / "patient_payments")
    marts = nights["marts"]
    # THEN one row per posting, and the money agrees to the cent, as DECIMAL
    assert len(marts) == len(landed) == summary["patient_payments"]["rows"] > 0
    assert {r[0] for r in marts} == {r["payment_id"] for r in landed}
    total = sum((r[4] for r in marts), ZERO)
    assert all(isinstance(r[4], Decimal) for r in marts)
    assert total == sum((Decimal(r["amount"]) for r in landed), ZERO)
    assert total == Decimal(summary["patient_payments"]["patient_paid_amount"])
    # AND refunds are the negative postings
    assert all(r[5] == ("refund" if r[4] < 0 else "payment") for r in marts)


def test_postings_carry_the_warehouse_claim_key_of_a_billed_claim(nights):
    marts, claims = nights["marts"], nights["claims"]
    npi = _landed(nights["data_dir"] / "landing" / "patient_payments")[0]["billing_npi"]
    assert all(r[1] == f"NPI:{npi}|{r[2]}" for r in marts)
    assert all(r[6] for r in marts)  # has_billed_claim
    assert {r[1] for r in marts} <= claims


def test_a_late_patient_payment_puts_its_claim_in_scope(nights):
    # the second night loaded only patient payments: their claims are in scope (besides the
    # claims of the gate's findings for the same as-of date), the rest of the practice is not
    paid = {r[2] for r in nights["marts"]}
    assert paid and paid <= nights["scope"]
    assert len(nights["scope"]) < len(nights["claims"]) / 2


def test_only_postings_on_or_before_the_as_of_date_count(nights):
    data_dir = nights["data_dir"]
    earlier = nights["as_of"] - dt.timedelta(days=30)
    result = stage_build(data_dir, earlier)
    assert result["failed"] == []
    landed = _landed(data_dir / "landing" / "patient_payments", earlier)
    count, total, latest = _query(
        data_dir,
        "select count(*), sum(payment_amount), max(payment_date) from marts.fct_patient_payments",
    )[0]
    assert 0 < count == len(landed) < len(nights["marts"])
    assert total == sum((Decimal(r["amount"]) for r in landed), ZERO)
    assert latest <= earlier
