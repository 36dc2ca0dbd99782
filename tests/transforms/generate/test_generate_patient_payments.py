"""The generated patient-payments extract: it follows its contract, patients pay what the last
payer left them (never more), after the final remittance, and the ground truth adds up to the
extract. Its randomness is its own: the other files do not change with it."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from conftest import FEED_ARGS

from transforms.contracts import PATIENT_PAYMENT_COLUMN_NAMES, PAYMENT_METHODS
from transforms.generate import generate
from transforms.generate import run as generate_run

ZERO = Decimal("0.00")


def _rows(landing: Path) -> list[dict]:
    rows = []
    for path in sorted((landing / "patient_payments").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == PATIENT_PAYMENT_COLUMN_NAMES
            for row in reader:
                row["_file"] = path.name
                rows.append(row)
    return rows


def test_extract_follows_its_contract(feed):
    rows = _rows(feed.landing)
    # THEN there are postings, one file per posting day named after it, ids unique
    assert len(rows) > 100
    assert all(
        r["_file"] == f"patient_payments_{r['payment_date'].replace('-', '')}.csv" for r in rows
    )
    assert len({r["payment_id"] for r in rows}) == len(rows)
    # AND a payment is positive, a refund negative, methods from the contract, one billing NPI
    for row in rows:
        amount = Decimal(row["amount"])
        assert amount == amount.quantize(Decimal("0.01"))
        assert (amount > 0) if row["payment_kind"] == "payment" else (amount < 0), row
        assert row["payment_kind"] in ("payment", "refund")
        assert row["method"] in PAYMENT_METHODS
    assert {r["billing_npi"] for r in rows} == {e["billing_npi"] for e in feed.encounter_rows}
    # AND every posting is inside the feed's horizon
    horizon = feed.summary["feed_end_date"]
    assert max(r["payment_date"] for r in rows) <= horizon


def test_patients_pay_what_the_last_payer_left_them_after_the_final_remittance(feed):
    rows = _rows(feed.landing)
    # GIVEN each claim's remittances read back from the 835 files
    remits = defaultdict(list)
    for clp in feed.remits_in_order():
        remits[clp.claim_id].append(clp)
    truth = {t["claim_id"]: t for t in feed.truth}
    paid = defaultdict(lambda: ZERO)
    for row in rows:
        claim = row["claim_id"]
        paid[claim] += Decimal(row["amount"])
        # THEN a posting comes 10+ days after the claim's final remittance
        final = max(
            date.fromisoformat(c.pay_date[:4] + "-" + c.pay_date[4:6] + "-" + c.pay_date[6:])
            for c in remits[claim]
        )
        assert date.fromisoformat(row["payment_date"]) >= final + timedelta(days=10)
    for claim_id, claim_remits in remits.items():
        # AND the responsibility is the secondary's CLP05 when there is one, else the last answer's
        secondary = [c for c in claim_remits if c.status == "2"]
        answers = [c for c in claim_remits if c.status != "22"]
        owed = Decimal((secondary or answers)[-1].clp[5]) if (secondary or answers) else ZERO
        assert Decimal(truth[claim_id]["patient_responsibility_amount"]) == owed, claim_id
        # AND nobody pays more than that, or anything on a claim that left them nothing
        assert ZERO <= paid[claim_id] <= owed, claim_id


def test_most_patients_pay_in_full_some_in_part(tmp_path):
    # GIVEN a practice long enough for early claims to be settled well before the feed ends
    summary = generate(out=tmp_path, claims=2500, start=date(2026, 1, 5), days=240, seed=3)
    rows = _rows(tmp_path / "landing")
    with (tmp_path / "ground_truth" / "claims.csv").open(newline="", encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    settled_by = (date.fromisoformat(summary["feed_end_date"]) - timedelta(days=180)).isoformat()
    owing = [
        t
        for t in truth
        if Decimal(t["patient_responsibility_amount"]) > 0
        and t["first_payment_date"]
        and t["first_payment_date"] <= settled_by
    ]
    paid = defaultdict(lambda: ZERO)
    for row in rows:
        if row["payment_kind"] == "payment":
            paid[row["claim_id"]] += Decimal(row["amount"])
    full = [t for t in owing if paid[t["claim_id"]] == Decimal(t["patient_responsibility_amount"])]
    part = [
        t for t in owing if ZERO < paid[t["claim_id"]] < Decimal(t["patient_responsibility_amount"])
    ]
    # THEN about 70% pay all they owe, 10% part of it, the rest nothing
    assert len(owing) > 300
    assert 0.62 < len(full) / len(owing) < 0.78
    assert 0.05 < len(part) / len(owing) < 0.16
    # AND a few payments are refunded in part
    assert (
        0 < summary["patient_payments"]["refunds"] < 0.03 * summary["patient_payments"]["payments"]
    )


def test_ground_truth_and_summary_add_up_to_the_extract(feed):
    rows = _rows(feed.landing)
    landed = sum((Decimal(r["amount"]) for r in rows), ZERO)
    truth = sum((Decimal(t["patient_paid_amount"]) for t in feed.truth), ZERO)
    summary = feed.summary["patient_payments"]
    # THEN the per-claim ground truth, the summary and the landed files agree to the cent
    assert truth == landed == Decimal(summary["patient_paid_amount"])
    assert Decimal(summary["payment_amount"]) + Decimal(summary["refund_amount"]) == landed
    assert summary["rows"] == len(rows) == summary["payments"] + summary["refunds"]
    assert summary["refunds"] == sum(r["payment_kind"] == "refund" for r in rows)
    assert feed.summary["files"]["patient_payments"] == len({r["_file"] for r in rows})
    per_claim = defaultdict(lambda: ZERO)
    for row in rows:
        per_claim[row["claim_id"]] += Decimal(row["amount"])
    assert all(Decimal(t["patient_paid_amount"]) == per_claim[t["claim_id"]] for t in feed.truth)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "patient_payments" not in p.parts and "ground_truth" not in p.parts
    }


def test_other_files_do_not_depend_on_patient_payments(tmp_path, monkeypatch):
    # GIVEN the same practice generated with and without patient payments
    args = {**FEED_ARGS, "claims": 300, "days": 20}
    generate(out=tmp_path / "with", **args)
    monkeypatch.setattr(generate_run, "patient_postings", lambda *a, **k: [])
    generate(out=tmp_path / "without", **args)
    # THEN every encounter, 837 and 835 file is byte-identical (the draws are on their own stream)
    with_, without = _digests(tmp_path / "with"), _digests(tmp_path / "without")
    assert with_ == without and len(with_) > 20
    assert list((tmp_path / "with" / "landing" / "patient_payments").glob("*.csv"))
    assert not list((tmp_path / "without" / "landing" / "patient_payments").glob("*.csv"))
