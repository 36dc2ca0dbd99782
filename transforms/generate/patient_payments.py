"""What patients pay on their claims: the postings of the patient-payments extract.

A claim's patient responsibility is what the *last payer in its sequence* left to the patient (a
secondary may pay the primary's PR; docs: revenue-cycle "Patient responsibility"): the PR
adjustments of its secondary remittance when one was written, else of the last primary-payer
remittance that is not a reversal (an overturn or a corrected payment replaces the first answer).
Only remittances paid within the feed's horizon count.

After the claim's final remittance (the latest pay date among them) the patient pays all of it
(`FULL_RATE`), part of it (`PARTIAL_RATE`) or nothing, 10-90 days later; about `REFUND_RATE` of
the payments are later refunded in part (a negative posting). Postings after the horizon are not
written. Every draw comes from the claim's own stream, `derive_seed(seed, "patient_payments",
claim.seq)`, so the rest of the practice's files keep their bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from transforms.contracts import PAYMENT_KIND_PAYMENT, PAYMENT_KIND_REFUND, PAYMENT_METHODS
from transforms.generate.adjudicate import RemitClaim
from transforms.generate.world import derive_seed

FULL_RATE = 0.70
PARTIAL_RATE = 0.10  # the rest (20%) pay nothing
REFUND_RATE = 0.01
PAY_LAG_DAYS = (10, 90)
REFUND_LAG_DAYS = (5, 45)


@dataclass(frozen=True, slots=True)
class PatientPosting:
    """One row of the patient-payments extract (money in integer cents)."""

    payment_id: str
    claim_id: str  # patient control number
    payment_date: date
    amount: int  # negative for a refund
    payment_kind: str
    method: str


def patient_responsibility(written: list[RemitClaim]) -> tuple[int, date | None]:
    """(what the last payer left to the patient, pay date of the claim's final remittance)."""
    if not written:
        return 0, None
    final_date = max(r.pay_date for r in written)
    secondary = [r for r in written if r.role == "secondary"]
    if secondary:
        return secondary[-1].patient_resp, final_date
    answers = [r for r in written if r.role != "reversal"]
    return (answers[-1].patient_resp if answers else 0), final_date


def _lag(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def patient_postings(
    seed: int, claim_seq: int, claim_id: str, written: list[RemitClaim], horizon: date
) -> list[PatientPosting]:
    """The claim's patient payments and refunds dated within the horizon, in date order."""
    owed, final_date = patient_responsibility(written)
    if owed <= 0 or final_date is None:
        return []
    rng = random.Random(derive_seed(seed, "patient_payments", claim_seq))
    roll = rng.random()
    if roll < FULL_RATE:
        amount = owed
    elif roll < FULL_RATE + PARTIAL_RATE:
        amount = max(1, owed * (10 + int(rng.random() * 80)) // 100)  # 10-89% of it
    else:
        return []
    paid_on = final_date + timedelta(days=_lag(rng, *PAY_LAG_DAYS))
    method = PAYMENT_METHODS[int(rng.random() * len(PAYMENT_METHODS))]
    refund_roll = rng.random()
    refund_share = 10 + int(rng.random() * 81)  # 10-90% of the payment
    refund_lag = _lag(rng, *REFUND_LAG_DAYS)
    if paid_on > horizon:
        return []
    postings = [
        PatientPosting(
            f"PP{claim_seq:09d}-1", claim_id, paid_on, amount, PAYMENT_KIND_PAYMENT, method
        )
    ]
    refunded_on = paid_on + timedelta(days=refund_lag)
    refund = max(1, amount * refund_share // 100)
    if refund_roll < REFUND_RATE and refunded_on <= horizon:
        postings.append(
            PatientPosting(
                f"PP{claim_seq:09d}-2",
                claim_id,
                refunded_on,
                -refund,
                PAYMENT_KIND_REFUND,
                "check" if method == "cash" else method,
            )
        )
    return postings
