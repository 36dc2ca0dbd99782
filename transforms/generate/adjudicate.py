"""How each payer answers a claim: pricing, patient share, denials and what happens afterwards.

`adjudicate` turns one billed claim into its whole remittance history -- the first answer, then
crossovers to a secondary payer, overturned denials, reversals with corrected payments, interest
and overpayment recoveries -- as plain records with payment dates. Every record balances by
construction: line `charge - sum(CAS) = paid`, claim `charge - sum(CAS) = paid`. Money is integer
cents. Which records fall inside the feed's horizon is decided by the caller.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from transforms.generate.catalog import (
    DEFECT_DENIAL,
    DENIAL_REASONS,
    INTEREST_PER_MILLE_YEAR,
    OVERPAYMENT_RECOVERY_RATE,
    OVERTURN_RATE,
    PAYERS,
    PAYMENT_CORRECTION_RATE,
    ROOT_CAUSES,
    DenialReason,
    Payer,
)
from transforms.generate.claims import Claim, ClaimLine
from transforms.generate.world import allowed_per_unit, next_payment_day

Adjustment = tuple[str, str, int]  # (group code, CARC, cents)

NO_COST_SHARING = frozenset(
    {
        "G0438",
        "G0439",
        "99391",
        "99392",
        "99393",
        "99394",
        "99395",
        "99396",
        "99397",
        "90460",
        "90471",
        "90686",
        "90715",
        "90707",
        "90700",
    }
)
PAYER_INDEX = {p.payer_id: i + 1 for i, p in enumerate(PAYERS)}

# chance the deductible is still open, by month (Jan..Dec) and plan
_DEDUCTIBLE_OPEN = {
    "medicare": (0.3, 0.18, 0.1, 0.06, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02, 0.02, 0.02),
    "hdhp": (0.5, 0.42, 0.36, 0.3, 0.26, 0.22, 0.2, 0.18, 0.16, 0.14, 0.12, 0.1),
    "copay": (0.6, 0.5, 0.4, 0.32, 0.27, 0.22, 0.18, 0.14, 0.11, 0.09, 0.07, 0.05),
    "coins": (0.5, 0.4, 0.32, 0.26, 0.22, 0.18, 0.15, 0.12, 0.1, 0.08, 0.06, 0.05),
}


@dataclass(slots=True)
class RemitLine:
    line: ClaimLine
    charge: int
    paid: int
    adjustments: list[Adjustment]
    allowed: int | None
    rarc: str = ""

    @property
    def patient_share(self) -> int:
        return sum(amount for group, _, amount in self.adjustments if group == "PR")


@dataclass(slots=True)
class RemitClaim:
    """One CLP loop as the payer will send it."""

    role: str  # primary, secondary, overturn, reversal, correction
    payer: Payer
    pay_date: date
    status: str  # CLP02
    icn: str  # CLP07
    charge: int
    paid: int
    patient_resp: int
    claim_adjustments: list[Adjustment]
    lines: list[RemitLine]
    remark: str = ""  # MOA remark code (Medicare)
    received: date | None = None


@dataclass(slots=True)
class ProviderAdjustment:
    """One PLB pair to add to a payer's payment (positive reduces the payment)."""

    payer: Payer
    pay_date: date
    code: str
    reference: str
    amount: int


@dataclass(slots=True)
class Denial:
    root_cause: str
    carc: str
    group: str
    scope: str  # claim, line, reject
    rarc: str
    lines: list[int]  # denied line numbers
    from_defect: bool


@dataclass(slots=True)
class Outcome:
    remits: list[RemitClaim] = field(default_factory=list)
    adjustments: list[ProviderAdjustment] = field(default_factory=list)
    lost: bool = False
    denial: Denial | None = None
    held_submission: date | None = None  # claim held past timely filing (CARC 29)


def _cents_share(amount: int, per_mille: int) -> int:
    return (amount * per_mille + 500) // 1000


def icn(payer: Payer, day: date, seq: int, attempt: int) -> str:
    """Payer claim control number: payer digit, julian date, claim sequence, attempt."""
    return f"{PAYER_INDEX[payer.payer_id]}{day:%y}{day.timetuple().tm_yday:03d}{seq:08d}{attempt}"


@dataclass(slots=True)
class _Share:
    """What is left of the patient's deductible and copay on this claim."""

    deductible: int
    copay: int


def _open_deductible(rng: random.Random, claim: Claim) -> int:
    patient = claim.patient
    table = _DEDUCTIBLE_OPEN.get(patient.plan)
    if not table or rng.random() >= table[claim.service_date.month - 1]:
        return 0
    return _cents_share(patient.deductible_cents, 150 + int(rng.random() * 851))


def _pay_line(
    line: ClaimLine,
    payer: Payer,
    fees: dict[tuple[str, str], int],
    share: _Share,
    claim: Claim,
    bump_pm: int = 0,
) -> RemitLine:
    unit = allowed_per_unit(fees, payer.payer_id, line.code, line.modifiers)
    allowed = min(line.charge, (unit * line.units) * (1000 + bump_pm) // 1000)
    adjustments: list[Adjustment] = []
    if line.charge > allowed:
        adjustments.append(("CO", "45", line.charge - allowed))
    rest = allowed
    deductible = coinsurance = copay = 0
    plan = claim.patient.plan
    if line.code not in NO_COST_SHARING:
        if share.copay and line.category == "em":
            copay = min(share.copay, rest)
            share.copay -= copay
        elif plan != "medicaid":
            deductible = min(share.deductible, rest)
            share.deductible -= deductible
            coinsurance = _cents_share(rest - deductible, claim.patient.coinsurance_pm)
    rest -= deductible + coinsurance + copay
    for carc, amount in (("1", deductible), ("2", coinsurance), ("3", copay)):
        if amount:
            adjustments.append(("PR", carc, amount))
    if payer.kind == "MB" and rest > 0:
        sequestration = _cents_share(rest, 20)
        adjustments.append(("CO", "253", sequestration))
        rest -= sequestration
    return RemitLine(line, line.charge, rest, adjustments, allowed)


def _deny_line(line: ClaimLine, denial: Denial) -> RemitLine:
    return RemitLine(
        line, line.charge, 0, [(denial.group, denial.carc, line.charge)], None, denial.rarc
    )


def _claim_from_lines(
    role: str,
    claim: Claim,
    payer: Payer,
    pay_date: date,
    status: str,
    number: str,
    lines: list[RemitLine],
    received: date,
) -> RemitClaim:
    paid = sum(rl.paid for rl in lines)
    patient = sum(rl.patient_share for rl in lines)
    remark = "MA01" if payer.kind == "MB" else ""
    return RemitClaim(
        role,
        payer,
        pay_date,
        status,
        number,
        sum(rl.charge for rl in lines),
        paid,
        patient,
        [],
        lines,
        remark,
        received,
    )


def _price_claim(
    claim: Claim,
    payer: Payer,
    fees: dict[tuple[str, str], int],
    deductible: int,
    denial: Denial | None,
    bump_pm: int = 0,
) -> list[RemitLine]:
    share = _Share(deductible, claim.patient.copay_cents)
    denied = set(denial.lines) if denial else set()
    return [
        _deny_line(line, denial)
        if denial and line.number in denied
        else _pay_line(line, payer, fees, share, claim, bump_pm)
        for line in claim.lines
    ]


def negate(remit: RemitClaim, pay_date: date) -> RemitClaim:
    """The reversal (CLP02 22) of an earlier claim payment: every amount with the opposite sign."""
    lines = [
        RemitLine(
            rl.line,
            -rl.charge,
            -rl.paid,
            [(g, c, -a) for g, c, a in rl.adjustments],
            None if rl.allowed is None else -rl.allowed,
            rl.rarc,
        )
        for rl in remit.lines
    ]
    return RemitClaim(
        "reversal",
        remit.payer,
        pay_date,
        "22",
        remit.icn,
        -remit.charge,
        -remit.paid,
        -remit.patient_resp,
        [(g, c, -a) for g, c, a in remit.claim_adjustments],
        lines,
        remit.remark,
        remit.received,
    )


def _weighted(rng: random.Random, items: list[DenialReason]) -> DenialReason:
    x = rng.random() * sum(r.weight for r in items)
    for reason in items:
        x -= reason.weight
        if x < 0:
            return reason
    return items[-1]


def _reasons_for(payer: Payer, root: str) -> list[DenialReason]:
    return [
        r for r in DENIAL_REASONS[root] if r.payer_kinds in ("*", payer.kind, payer.filing_code)
    ]


def decide_denial(rng: random.Random, claim: Claim) -> Denial | None:
    """First-pass denial: injected coding defects first (payers' edits catch most), then the
    payer's own mix of coding, billing, front-end and clinical denials."""
    payer = claim.patient.payer
    numbers = [line.number for line in claim.lines]
    if claim.defect:
        chance, carc, group, rarc, root = DEFECT_DENIAL[claim.defect]
        if rng.random() < chance:
            lines = claim.defect_lines or numbers
            scope = "claim" if len(lines) == len(numbers) else "line"
            return Denial(root, carc, group, scope, rarc, lines, True)
    if rng.random() >= payer.base_denial:
        return None
    x = rng.random() * sum(payer.root_weights)
    root = ROOT_CAUSES[-1]
    for name, weight in zip(ROOT_CAUSES, payer.root_weights, strict=True):
        x -= weight
        if x < 0:
            root = name
            break
    reason = _weighted(rng, _reasons_for(payer, root))
    if reason.scope == "line" and len(numbers) > 1:
        # bundling and authorisation edits hit an added service more often than the visit itself
        pick = numbers[1 + int(rng.random() * (len(numbers) - 1))] if rng.random() < 0.75 else 1
        lines = [pick]
    else:
        lines = numbers
    scope = reason.scope if reason.scope == "reject" else ("claim" if lines == numbers else "line")
    return Denial(root, reason.carc, reason.group, scope, reason.rarc, lines, False)


def _interest(paid: int, received: date, pay_date: date) -> int:
    late = (pay_date - received).days - 30
    if late <= 0 or paid <= 0:
        return 0
    return max(1, paid * INTEREST_PER_MILLE_YEAR * late // (1000 * 365))


def _lag(rng: random.Random, low: int, high: int) -> int:
    return low + int((high - low) * (rng.random() + rng.random()) / 2)


def adjudicate(
    rng: random.Random, claim: Claim, fees: dict[tuple[str, str], int], horizon: date
) -> Outcome:
    """The claim's remittance history (primary answer and everything that follows it)."""
    payer = claim.patient.payer
    outcome = Outcome()
    if rng.random() < payer.lost_rate:
        outcome.lost = True
        return outcome
    denial = decide_denial(rng, claim)
    if denial and denial.carc == "29":
        held = claim.service_date + timedelta(days=95 + int(rng.random() * 40))
        if held + timedelta(days=payer.lag_days[1] + 7) <= horizon:
            outcome.held_submission = held
        else:  # too late in the feed to show a held claim: a plain billing error instead
            denial = Denial("billing", "16", "CO", denial.scope, "MA130", denial.lines, False)
    outcome.denial = denial
    submitted = outcome.held_submission or claim.submission_date
    received = submitted + timedelta(days=1)
    pay_date = next_payment_day(payer, submitted + timedelta(days=_lag(rng, *payer.lag_days)))
    deductible = _open_deductible(rng, claim)

    if denial and denial.scope == "reject":
        total = claim.total_charge
        first = RemitClaim(
            "primary",
            payer,
            pay_date,
            "4",
            icn(payer, pay_date, claim.seq, 0),
            total,
            0,
            0,
            [(denial.group, denial.carc, total)],
            [],
            "MA01" if payer.kind == "MB" else "",
            received,
        )
        outcome.remits.append(first)
    else:
        lines = _price_claim(claim, payer, fees, deductible, denial)
        crossover = (
            claim.patient.secondary is not None
            and denial is None
            and sum(rl.patient_share for rl in lines) > 0
        )
        first = _claim_from_lines(
            "primary",
            claim,
            payer,
            pay_date,
            "19" if crossover else "1",
            icn(payer, pay_date, claim.seq, 0),
            lines,
            received,
        )
        outcome.remits.append(first)
        if crossover:
            outcome.remits.append(_secondary(rng, claim, first, fees))
    if payer.pays_interest:
        interest = _interest(first.paid, received, pay_date)
        if interest:
            outcome.adjustments.append(
                ProviderAdjustment(payer, pay_date, "L6", first.icn, -interest)
            )

    if denial is not None:
        _after_denial(rng, claim, denial, first, fees, deductible, outcome)
    elif first.paid > 0:
        _after_payment(rng, claim, first, fees, deductible, outcome)
    return outcome


def _secondary(
    rng: random.Random, claim: Claim, primary: RemitClaim, fees: dict[tuple[str, str], int]
) -> RemitClaim:
    """Crossover: the secondary payer pays part of what the primary left to the patient."""
    second = claim.patient.secondary
    assert second is not None
    pay_date = next_payment_day(second, primary.pay_date + timedelta(days=_lag(rng, 8, 25)))
    lines = []
    for rl in primary.lines:
        owed = rl.patient_share
        adjustments: list[Adjustment] = [("OA", "23", rl.charge - owed)]
        if second.kind == "MC":  # Medicaid pays up to its own rate, the rest is written off
            unit = allowed_per_unit(fees, second.payer_id, rl.line.code, rl.line.modifiers)
            cap = min(rl.charge, unit * rl.line.units) - rl.paid
            paid = max(0, min(owed, cap))
            if owed - paid:
                adjustments.append(("CO", "45", owed - paid))
        else:  # a supplement pays the coinsurance; the Part B deductible stays with the patient
            deductible = sum(a for g, c, a in rl.adjustments if g == "PR" and c == "1")
            paid = owed - deductible
            if deductible:
                adjustments.append(("PR", "1", deductible))
        lines.append(RemitLine(rl.line, rl.charge, paid, adjustments, None))
    return _claim_from_lines(
        "secondary",
        claim,
        second,
        pay_date,
        "2",
        icn(second, pay_date, claim.seq, 0),
        lines,
        primary.pay_date,
    )


def _after_denial(
    rng: random.Random,
    claim: Claim,
    denial: Denial,
    first: RemitClaim,
    fees: dict[tuple[str, str], int],
    deductible: int,
    outcome: Outcome,
) -> None:
    payer = first.payer
    if rng.random() >= OVERTURN_RATE[denial.root_cause]:
        return
    later = next_payment_day(payer, first.pay_date + timedelta(days=_lag(rng, 25, 80)))
    lines = _price_claim(claim, payer, fees, deductible, None)
    if denial.scope == "line":
        # partial denial overturned: the payer reverses the first payment and pays it again
        corrected = _claim_from_lines(
            "correction",
            claim,
            payer,
            later,
            first.status,
            first.icn,
            lines,
            first.received or later,
        )
        if corrected.paid >= first.paid:  # a reversal never leaves the payment negative
            outcome.remits.append(negate(first, later))
            outcome.remits.append(corrected)
    else:
        paid_again = _claim_from_lines(
            "overturn",
            claim,
            payer,
            later,
            "1",
            icn(payer, later, claim.seq, 1),
            lines,
            first.received or later,
        )
        outcome.remits.append(paid_again)
        if payer.pays_interest:
            interest = _interest(paid_again.paid, first.received or later, later)
            if interest:
                outcome.adjustments.append(
                    ProviderAdjustment(payer, later, "L6", paid_again.icn, -interest)
                )


def _after_payment(
    rng: random.Random,
    claim: Claim,
    first: RemitClaim,
    fees: dict[tuple[str, str], int],
    deductible: int,
    outcome: Outcome,
) -> None:
    payer = first.payer
    roll = rng.random()
    if roll < PAYMENT_CORRECTION_RATE:
        later = next_payment_day(payer, first.pay_date + timedelta(days=_lag(rng, 20, 60)))
        bump = 30 + int(rng.random() * 70)  # fee schedule corrected upwards by 3-10%
        lines = _price_claim(claim, payer, fees, deductible, None, bump)
        corrected = _claim_from_lines(
            "correction",
            claim,
            payer,
            later,
            first.status,
            first.icn,
            lines,
            first.received or later,
        )
        if corrected.paid > first.paid:
            outcome.remits.append(negate(first, later))
            outcome.remits.append(corrected)
    elif roll < PAYMENT_CORRECTION_RATE + OVERPAYMENT_RECOVERY_RATE:
        later = next_payment_day(payer, first.pay_date + timedelta(days=_lag(rng, 20, 60)))
        amount = max(1, first.paid * (200 + int(rng.random() * 400)) // 1000)
        outcome.adjustments.append(ProviderAdjustment(payer, later, "WO", first.icn, amount))
