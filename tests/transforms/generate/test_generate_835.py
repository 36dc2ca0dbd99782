"""The generated 835s: envelopes, balancing, and the payer behaviour the brief asks for."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal

from gen_x12_check import envelope_errors, split

CLP06_CODES = {
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "AM",
    "CH",
    "DS",
    "HM",
    "LM",
    "MA",
    "MB",
    "MC",
    "OF",
    "TV",
    "VA",
    "WC",
    "ZZ",
}


def _first_remits(feed):
    first = {}
    for claim in feed.remits_in_order():
        first.setdefault(claim.claim_id, claim)
    return first


def test_every_835_envelope_count_is_right(feed):
    # WHEN every 835 is split by an independent reader
    files = sorted((feed.landing / "remits").glob("*.835"))
    assert len(files) == feed.summary["files"]["remits_835"] > 20
    for path in files:
        segments, _ = split(path.read_bytes())
        # THEN SE01/SE02, GE01/GE02 and IEA01/IEA02 agree with what the file holds
        assert envelope_errors(segments) == [], path.name
        gs = next(s for s in segments if s[0] == "GS")
        assert gs[8] == "005010X221A1"
        assert len(path.read_bytes().split(b"~")[0]) == 105  # fixed-width ISA


def test_every_835_balances_at_line_claim_and_transaction_level(feed):
    # THEN not one line, claim or payment is out of balance (PLB included)
    assert feed.balance_errors == []
    assert sum(len(p.claims) for p in feed.payments) > 1000
    # and the checks had something to bite on: claim-level CAS (status 4) and PLB both occur
    assert any(c.adjustments and not c.lines for p in feed.payments for c in p.claims)
    assert any(p.plb for p in feed.payments)


def test_payment_header_fields(feed):
    for payment in feed.payments:
        assert payment.trace, payment.file
        assert len(payment.bpr[16]) == 8 and payment.bpr[16].startswith("2026")
        if Decimal(payment.bpr[2]) == 0:
            assert payment.bpr[1] == "H" and payment.bpr[4] == "NON"
        else:
            assert Decimal(payment.bpr[2]) > 0 and payment.bpr[4] in ("ACH", "CHK")
    # several payers, each on its own schedule
    assert len({p.payer_id for p in feed.payments}) == 6
    # CLP06 uses the 835's own code list (which has no CI or BL)
    clp06 = {c.clp[6] for p in feed.payments for c in p.claims}
    assert clp06 <= CLP06_CODES and {"MB", "MC", "HM"} <= clp06


def test_initial_denial_rate_is_in_the_realistic_band(feed):
    # WHEN each claim's FIRST remittance is classified independently of the generator
    first = _first_remits(feed)
    denied = [c for c in first.values() if c.is_denial()]
    rate = len(denied) / len(first)
    # THEN 8-15% of adjudicated claims were denied, and the ground truth agrees
    assert 0.08 <= rate <= 0.15, rate
    assert len(denied) == feed.summary["initial_denials"]["claims"]
    assert len(first) == feed.summary["adjudicated_claims"]
    # fully denied claims alone are in the band too; partial denials exist
    partial = [c for c in denied if any(not line.is_denied() for line in c.lines)]
    assert partial and len(partial) == feed.summary["initial_denials"]["partial"]
    assert 0.08 <= (len(denied) - len(partial)) / len(first) <= 0.15


def test_payers_have_different_denial_profiles(feed):
    first = _first_remits(feed)
    by_payer = defaultdict(lambda: [0, 0])
    carcs = defaultdict(set)
    for claim in first.values():
        by_payer[claim.payer_id][0] += 1
        if claim.is_denial():
            by_payer[claim.payer_id][1] += 1
            carcs[claim.payer_id] |= {r for g, r, _ in claim.all_adjustments() if g != "PR"}
    rates = {p: d / n for p, (n, d) in by_payer.items()}
    assert max(rates.values()) - min(rates.values()) > 0.03, rates
    # the HMO is the only one to deny for a missing referral or a service its network did not
    # authorise
    assert not any({"288", "243"} & codes for payer, codes in carcs.items() if payer != "56006")
    # CARCs from more than one root cause
    all_carcs = set().union(*carcs.values())
    assert {"4", "11", "97", "146"} & all_carcs and {"16", "125", "29", "252"} & all_carcs
    assert {"27", "31", "22", "197"} & all_carcs and {"50", "96", "167"} & all_carcs


def test_zero_payments_from_deductible_alone_are_not_denials(feed):
    # GIVEN first remittances that paid nothing
    first = _first_remits(feed)
    zero = [c for c in first.values() if c.paid == 0 and c.status in ("1", "19")]
    pr_only = [c for c in zero if {g for g, _, _ in c.all_adjustments()} == {"PR"}]
    # THEN some carry patient responsibility only (deductible), no CO/OA/PI at all ...
    assert pr_only, "no PR-only zero payment generated"
    assert all(any(r == "1" for _, r, _ in c.all_adjustments()) for c in pr_only)
    assert len(pr_only) == feed.summary["zero_payments_patient_responsibility"]["patient_only"]
    # ... and none of them counts as a denial
    assert not any(c.is_denial() for c in pr_only)


def test_secondary_payer_pays_after_the_primary(feed):
    remits = feed.remits_in_order()
    secondary = [c for c in remits if c.status == "2"]
    assert len(secondary) == feed.summary["secondary_remits"] > 10
    primaries = {}
    for claim in remits:
        if claim.status == "19":
            primaries.setdefault(claim.claim_id, claim)
    for claim in secondary:
        primary = primaries[claim.claim_id]
        assert primary.payer_id != claim.payer_id
        assert primary.pay_date < claim.pay_date
        # the prior payer's adjudication shows as OA-23
        assert any(g == "OA" and r == "23" for g, r, _ in claim.all_adjustments())


def test_reversal_is_followed_by_a_corrected_payment(feed):
    remits = feed.remits_in_order()
    reversals = [i for i, c in enumerate(remits) if c.status == "22"]
    assert len(reversals) == feed.summary["reversals"] > 0
    for index in reversals:
        reversal = remits[index]
        key = (reversal.claim_id, reversal.clp[7])
        earlier = [c for c in remits[:index] if (c.claim_id, c.clp[7]) == key and c.status != "22"]
        later = [c for c in remits[index + 1 :] if (c.claim_id, c.clp[7]) == key]
        # THEN it negates an earlier payment of the same CLP01/CLP07 ...
        assert earlier and Decimal(earlier[-1].clp[4]) == -reversal.paid
        assert Decimal(earlier[-1].clp[3]) == -Decimal(reversal.clp[3])
        # ... and a corrected payment for the same CLP01/CLP07 follows
        assert later and later[0].status in ("1", "19") and later[0].paid >= -reversal.paid


def test_some_denials_are_overturned_later(feed):
    # GIVEN claims denied on their first remittance
    first = _first_remits(feed)
    reprocessed = defaultdict(list)
    for claim in feed.remits_in_order():
        if claim is not first[claim.claim_id] and claim.status in ("1", "19"):
            reprocessed[claim.claim_id].append(claim)
    # THEN some are adjudicated again later without any denial (and mostly paid)
    overturned = [
        cid
        for cid, c in first.items()
        if c.is_denial() and any(not r.is_denial() for r in reprocessed[cid])
    ]
    assert overturned
    assert len(overturned) == feed.summary["overturned_denials"]
    assert (
        sum(1 for cid in overturned if sum(r.paid for r in reprocessed[cid]) > 0)
        > len(overturned) / 2
    )


def test_provider_level_interest_and_recoveries(feed):
    pairs = [(code.split(":")[0], amount) for p in feed.payments for code, amount in p.plb]
    interest = [a for code, a in pairs if code == "L6"]
    recoveries = [a for code, a in pairs if code == "WO"]
    # interest increases the payment (negative), a recovery reduces it (positive)
    assert interest and all(a < 0 for a in interest)
    assert recoveries and all(a > 0 for a in recoveries)
    assert len(interest) == feed.summary["provider_adjustments"]["interest_l6"]


def test_one_835_is_delivered_twice_under_two_names(feed):
    digests = defaultdict(list)
    for path in sorted((feed.landing / "remits").glob("*.835")):
        digests[hashlib.sha256(path.read_bytes()).hexdigest()].append(path.name)
    twice = [names for names in digests.values() if len(names) > 1]
    assert len(twice) == 1 and len(twice[0]) == 2
    duplicate = feed.summary["duplicates"]
    assert sorted(twice[0]) == sorted([duplicate["original"], duplicate["copy"]])


def test_some_claims_are_never_answered(feed):
    billed = {c.claim_id for c in feed.claims_837}
    answered = {c.claim_id for p in feed.payments for c in p.claims}
    assert answered <= billed
    open_claims = billed - answered
    assert open_claims and len(open_claims) == feed.summary["open_claims"]["total"]


def test_remit_lines_echo_the_837_line_control_numbers(feed):
    sent = {line["control_number"]: (c.claim_id, line) for c in feed.claims_837 for line in c.lines}
    for payment in feed.payments:
        for claim in payment.claims:
            for line in claim.lines:
                claim_id, sent_line = sent[line.control_number]
                assert claim_id == claim.claim_id
                assert abs(line.charge) == sent_line["charge"]
                assert line.composite[:2] == sent_line["composite"][:2]
