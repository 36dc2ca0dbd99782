"""`rcm generate`: a synthetic practice's nightly drops, day by day, in bounded memory.

For each service day, claims are built (visit -> coding -> claim), adjudicated by their payer
(whole remittance history at once), settled by the patient (`patient_payments`, from its own
derived stream) and handed to the streaming `FeedWriter`; files dated before the
day are then complete and assembled. Everything is drawn from one seeded stream in a fixed order,
so the same arguments give byte-identical files. The returned summary is the ground truth the
downstream marts can be checked against; `OUT/ground_truth/claims.csv` holds the same facts per
claim (no patient identifiers).
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from transforms import log
from transforms.errors import RcmError
from transforms.generate.adjudicate import Outcome, adjudicate
from transforms.generate.catalog import DEFECT_TYPES, PAYERS, ROOT_CAUSES, RUN_OUT_DAYS
from transforms.generate.claims import Claim, build_claim, resolve_pools
from transforms.generate.edi import csv_amount
from transforms.generate.feed import FeedWriter
from transforms.generate.patient_payments import patient_postings, patient_responsibility
from transforms.generate.visits import Context, make_visit, pick_specialty
from transforms.generate.world import (
    PatientPanel,
    age_on,
    billing_npi,
    build_coders,
    build_fee_schedule,
    build_roster,
    daily_claim_counts,
    derive_seed,
)

LOG = log.get_logger("generate")
T = TypeVar("T")

TRUTH_COLUMNS = (
    "claim_id",
    "payer_id",
    "specialty",
    "visit_kind",
    "coder_id",
    "service_date",
    "submission_date",
    "line_count",
    "billed_amount",
    "defect_type",
    "defect_lines",
    "recoded",
    "initial_outcome",
    "denial_root_cause",
    "denial_carc",
    "denial_group",
    "denial_from_defect",
    "first_payment_date",
    "overturned",
    "reversed",
    "final_status",
    "secondary_payer_id",
    "remits_written",
    "paid_amount",
    "patient_responsibility_amount",
    "patient_paid_amount",
)


class GenerateError(RcmError):
    """Bad arguments to `rcm generate`."""


@dataclass
class _PayerTally:
    claims: int = 0
    adjudicated: int = 0
    initial_denials: int = 0
    open: int = 0


@dataclass
class Tally:
    """Ground truth, counted from what was actually written (inside the horizon)."""

    claims: int = 0
    lines: int = 0
    billed: int = 0
    paid: int = 0
    patient_responsibility: int = 0
    patient_payments: int = 0  # postings of kind payment
    patient_payment_amount: int = 0
    patient_refunds: int = 0
    patient_refund_amount: int = 0  # negative
    recoded: int = 0
    held_for_timely_filing: int = 0
    adjudicated: int = 0
    denied_full: int = 0
    denied_partial: int = 0
    denied_by_root: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROOT_CAUSES, 0))
    defects: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEFECT_TYPES, 0))
    defect_claims_adjudicated: int = 0
    defect_claims_denied: int = 0
    clean_claims_adjudicated: int = 0
    clean_claims_denied: int = 0
    zero_pay_patient_only: int = 0
    zero_pay_with_contractual: int = 0
    secondary_remits: int = 0
    reversals: int = 0
    corrected_payments: int = 0
    overturned: int = 0
    open_lost: int = 0
    open_pending: int = 0
    by_payer: dict[str, _PayerTally] = field(
        default_factory=lambda: {p.payer_id: _PayerTally() for p in PAYERS}
    )


def _validate(claims: int, days: int, defect_rate: float) -> None:
    if claims < 1:
        raise GenerateError(f"--claims must be at least 1, got {claims}.")
    if days < 1:
        raise GenerateError(f"--days must be at least 1, got {days}.")
    if not 0.0 <= defect_rate <= 1.0:
        raise GenerateError(f"--defect-rate must be between 0 and 1, got {defect_rate}.")


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _record(
    tally: Tally,
    claim: Claim,
    outcome: Outcome,
    written: list,
    specialty: str,
    postings: Sequence = (),
) -> str:
    """Count one claim into the tally; returns its ground-truth CSV row."""
    payer = claim.patient.payer
    per_payer = tally.by_payer[payer.payer_id]
    tally.claims += 1
    per_payer.claims += 1
    tally.lines += len(claim.lines)
    tally.billed += claim.total_charge
    tally.recoded += claim.earlier is not None
    tally.held_for_timely_filing += outcome.held_submission is not None
    if claim.defect:
        tally.defects[claim.defect] += 1
    denial = outcome.denial
    initial = "open"
    first_payment = ""
    if not written:
        initial = "lost" if outcome.lost else "open"
        if outcome.lost:
            tally.open_lost += 1
        else:
            tally.open_pending += 1
        per_payer.open += 1
    else:
        first = written[0]
        first_payment = first.pay_date.isoformat()
        tally.adjudicated += 1
        per_payer.adjudicated += 1
        if claim.defect:
            tally.defect_claims_adjudicated += 1
        else:
            tally.clean_claims_adjudicated += 1
        if denial is not None:
            per_payer.initial_denials += 1
            tally.denied_by_root[denial.root_cause] += 1
            if denial.scope == "line":
                tally.denied_partial += 1
                initial = "denied_partial"
            else:
                tally.denied_full += 1
                initial = "denied_full"
            if claim.defect:
                tally.defect_claims_denied += 1
            else:
                tally.clean_claims_denied += 1
        elif first.paid == 0:
            groups = {g for rl in first.lines for g, _, _ in rl.adjustments}
            if groups == {"PR"}:
                tally.zero_pay_patient_only += 1
            else:
                tally.zero_pay_with_contractual += 1
            initial = "zero_pay_patient_responsibility"
        else:
            initial = "paid"
    roles = [r.role for r in written]
    overturned = "overturn" in roles or (denial is not None and "correction" in roles)
    tally.overturned += overturned
    tally.reversals += roles.count("reversal")
    tally.corrected_payments += roles.count("correction")
    tally.secondary_remits += roles.count("secondary")
    paid = sum(r.paid for r in written)
    tally.paid += paid
    secondary = next((r.payer.payer_id for r in written if r.role == "secondary"), "")
    final = _final_status(written, denial is not None and not overturned, paid)
    patient_owed = patient_responsibility(written)[0]
    tally.patient_responsibility += patient_owed
    patient_paid = 0
    for posting in postings:
        patient_paid += posting.amount
        if posting.amount < 0:
            tally.patient_refunds += 1
            tally.patient_refund_amount += posting.amount
        else:
            tally.patient_payments += 1
            tally.patient_payment_amount += posting.amount
    submitted = outcome.held_submission or claim.submission_date
    return (
        ",".join(
            (
                claim.claim_id,
                payer.payer_id,
                specialty,
                claim.visit_kind,
                claim.coder.coder_id,
                claim.service_date.isoformat(),
                submitted.isoformat(),
                str(len(claim.lines)),
                csv_amount(claim.total_charge),
                claim.defect,
                ";".join(map(str, claim.defect_lines)),
                str(claim.earlier is not None).lower(),
                initial,
                denial.root_cause if denial else "",
                denial.carc if denial else "",
                denial.group if denial else "",
                str(bool(denial and denial.from_defect)).lower(),
                first_payment,
                str(overturned).lower(),
                str("reversal" in roles).lower(),
                final,
                secondary,
                str(len(written)),
                csv_amount(paid),
                csv_amount(patient_owed),
                csv_amount(patient_paid),
            )
        )
        + "\n"
    )


def _final_status(written: list, still_denied: bool, paid: int) -> str:
    """Where the claim's story ends, in the warehouse's words (fct_claims.final_status)."""
    if not written:
        return "open"
    if still_denied:
        return "partially_paid" if paid > 0 else "denied"
    if paid > 0:
        return "paid"
    last = written[-1]
    patient_share = sum(rl.patient_share for rl in last.lines) + last.patient_resp * (
        not last.lines
    )
    return "patient_responsibility" if patient_share > 0 else "paid"


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def generate(
    out: Path, claims: int, start: date, days: int, seed: int, defect_rate: float = 0.06
) -> dict:
    """Write encounters CSV, 837P, 835 and patient-payments CSV files under OUT/landing/; return
    the ground truth."""
    _validate(claims, days, defect_rate)
    out = Path(out)
    landing = out / "landing"
    truth_dir = out / "ground_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    last_service = start + timedelta(days=days - 1)
    horizon = last_service + timedelta(days=RUN_OUT_DAYS)

    pools = resolve_pools()
    roster = build_roster(seed, claims, days)
    providers = sum(len(v) for v in roster.values())
    coders = build_coders(seed, providers)
    fees = build_fee_schedule(seed)
    npi = billing_npi(seed)
    panel = PatientPanel(seed, max(50, claims // 3), start)
    rng = random.Random(derive_seed(seed, "claims"))
    tally = Tally()
    scratch = Path(tempfile.mkdtemp(prefix=".generate-spool-", dir=out))
    LOG.info(
        "generating %s claims over %s service days from %s (seed %s)", claims, days, start, seed
    )
    try:
        writer = FeedWriter(landing, scratch, npi)
        with (
            (truth_dir / "claims.csv").open("w", encoding="utf-8", newline="") as truth,
            log.progress("generate claims", total=claims) as bar,
        ):
            truth.write(",".join(TRUTH_COLUMNS) + "\n")
            seq = 0
            for offset, count in enumerate(daily_claim_counts(claims, start, days)):
                day = start + timedelta(days=offset)
                writer.finish_before(day)
                for _ in range(count):
                    seq += 1
                    patient = panel.get(int(rng.random() * panel.size))
                    age = age_on(patient.person.birth_date, day)
                    specialty = (
                        ("emergency" if rng.random() < 0.6 else "hospitalist")
                        if day.weekday() == 6
                        else pick_specialty(rng, age)
                    )
                    visit = make_visit(rng, specialty, Context(age, patient.payer.kind, day, pools))
                    claim = build_claim(
                        rng,
                        seq,
                        visit,
                        patient,
                        _pick(rng, roster[specialty]),
                        _pick(rng, coders),
                        day,
                        defect_rate,
                        pools,
                    )
                    outcome = adjudicate(rng, claim, fees, horizon)
                    if claim.earlier is not None:
                        writer.add_encounter(claim, claim.earlier)
                    writer.add_encounter(claim, claim.final)
                    writer.add_claim(claim, outcome.held_submission or claim.submission_date)
                    written = [r for r in outcome.remits if r.pay_date <= horizon]
                    for remit in written:
                        writer.add_remit(remit, claim)
                    for adjustment in outcome.adjustments:
                        if adjustment.pay_date <= horizon:
                            writer.add_provider_adjustment(adjustment)
                    postings = patient_postings(seed, claim.seq, claim.claim_id, written, horizon)
                    for posting in postings:
                        writer.add_patient_payment(posting)
                    truth.write(_record(tally, claim, outcome, written, specialty, postings))
                bar.advance(count)
            writer.finish()
        duplicate = writer.duplicate_one_remit(derive_seed(seed, "duplicate"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _summary(
        tally,
        writer,
        duplicate,
        out,
        start,
        last_service,
        horizon,
        seed,
        defect_rate,
        providers,
        len(coders),
    )


def _summary(
    tally: Tally,
    writer: FeedWriter,
    duplicate: tuple[str, str] | None,
    out: Path,
    start: date,
    last_service: date,
    horizon: date,
    seed: int,
    defect_rate: float,
    providers: int,
    coders: int,
) -> dict:
    counts = writer.counts
    denied = tally.denied_full + tally.denied_partial
    defects_total = sum(tally.defects.values())
    return {
        "landing": str(out / "landing"),
        "ground_truth_file": str(out / "ground_truth" / "claims.csv"),
        "seed": seed,
        "service_start_date": start.isoformat(),
        "service_end_date": last_service.isoformat(),
        "feed_end_date": horizon.isoformat(),
        "claims": tally.claims,
        "lines": tally.lines,
        "rendering_providers": providers,
        "coders": coders,
        "billed_amount": csv_amount(tally.billed),
        "paid_amount": csv_amount(tally.paid),
        "patient_payments": {
            "patient_responsibility_amount": csv_amount(tally.patient_responsibility),
            "payments": tally.patient_payments,
            "payment_amount": csv_amount(tally.patient_payment_amount),
            "refunds": tally.patient_refunds,
            "refund_amount": csv_amount(tally.patient_refund_amount),
            "patient_paid_amount": csv_amount(
                tally.patient_payment_amount + tally.patient_refund_amount
            ),
            "rows": counts.patient_payment_rows,
        },
        "files": {
            "encounters": counts.encounter_files,
            "claims_837": counts.claim_files,
            "remits_835": counts.remit_files + (1 if duplicate else 0),
            "remits_835_distinct": counts.remit_files,
            "patient_payments": counts.patient_payment_files,
        },
        "encounter_rows": counts.encounter_rows,
        "recoded_claims": tally.recoded,
        "transaction_sets_837": counts.transaction_sets_837,
        "adjudicated_claims": tally.adjudicated,
        "initial_denials": {
            "claims": denied,
            "full": tally.denied_full,
            "partial": tally.denied_partial,
            "rate": _rate(denied, tally.adjudicated),
            "full_rate": _rate(tally.denied_full, tally.adjudicated),
            "by_root_cause": tally.denied_by_root,
            "clean_claim_denial_rate": _rate(
                tally.clean_claims_denied, tally.clean_claims_adjudicated
            ),
            "defect_claim_denial_rate": _rate(
                tally.defect_claims_denied, tally.defect_claims_adjudicated
            ),
        },
        "defects": {
            "claims": defects_total,
            "rate": _rate(defects_total, tally.claims),
            "requested_rate": defect_rate,
            **tally.defects,
        },
        "zero_payments_patient_responsibility": {
            "patient_only": tally.zero_pay_patient_only,
            "with_contractual": tally.zero_pay_with_contractual,
        },
        "secondary_remits": tally.secondary_remits,
        "reversals": tally.reversals,
        "corrected_payments": tally.corrected_payments,
        "overturned_denials": tally.overturned,
        "held_for_timely_filing": tally.held_for_timely_filing,
        "provider_adjustments": {
            "interest_l6": counts.interest_pairs,
            "overpayment_recovery_wo": counts.recovery_pairs,
            "recoveries_dropped": counts.recoveries_dropped,
        },
        "zero_amount_payments": counts.zero_payments,
        "open_claims": {
            "total": tally.open_lost + tally.open_pending,
            "never_answered": tally.open_lost,
            "answer_after_feed_end": tally.open_pending,
        },
        "duplicates": {
            "remit_files": 1 if duplicate else 0,
            "original": duplicate[0] if duplicate else None,
            "copy": duplicate[1] if duplicate else None,
        },
        "by_payer": {
            pid: {
                "claims": t.claims,
                "adjudicated": t.adjudicated,
                "initial_denials": t.initial_denials,
                "initial_denial_rate": _rate(t.initial_denials, t.adjudicated),
                "open": t.open,
            }
            for pid, t in tally.by_payer.items()
        },
    }
