"""Text of the generated files: encounter and patient-payment CSV rows, 837P claim loops, 835
claim loops, envelopes.

Pure formatting: every function takes records and returns strings plus the number of segments it
produced, so the writer can fill in SE01/GE01/IEA01 without re-reading anything. Separators are
fixed for the files we write (`*` element, `:` component, `^` repetition, `~` + newline after each
segment). Money is integer cents, written as an X12 decimal with trailing zeros suppressed
(`125`, `12.5`, `-3.07`); the CSV writes money with two decimals.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from transforms.contracts import ENCOUNTER_COLUMN_NAMES, PATIENT_PAYMENT_COLUMN_NAMES
from transforms.generate.adjudicate import Adjustment, RemitClaim
from transforms.generate.catalog import (
    CLEARINGHOUSE_ID,
    CLEARINGHOUSE_NAME,
    GROUP_TAXONOMY,
    PRACTICE_ADDRESS,
    PRACTICE_NAME,
    PRACTICE_TIN,
    SUBMITTER_ID,
    Payer,
)
from transforms.generate.claims import Claim, ClaimLine, Coding
from transforms.generate.patient_payments import PatientPosting

TERM = "~\n"
X837_VERSION = "005010X222A1"
X835_VERSION = "005010X221A1"

_ENCOUNTER_LAYOUT = (
    "encounter_id",
    "claim_id",
    "line_number",
    "line_item_control_number",
    "patient_id",
    "patient_birth_date",
    "patient_sex",
    "payer_id",
    "payer_name",
    "claim_filing_indicator_code",
    "rendering_npi",
    "billing_npi",
    "place_of_service_code",
    "service_date",
    "procedure_code",
    "modifier_1",
    "modifier_2",
    "modifier_3",
    "modifier_4",
    "units",
    "charge_amount",
    "diagnosis_code_1",
    "diagnosis_code_2",
    "diagnosis_code_3",
    "diagnosis_code_4",
    "coder_id",
    "coded_at",
)
if _ENCOUNTER_LAYOUT != ENCOUNTER_COLUMN_NAMES:  # the contract moved: update encounter_rows
    raise ImportError("transforms.generate.edi is out of step with transforms.contracts")

ENCOUNTER_HEADER = ",".join(ENCOUNTER_COLUMN_NAMES) + "\n"

_PATIENT_PAYMENT_LAYOUT = (
    "payment_id",
    "billing_npi",
    "claim_id",
    "payment_date",
    "amount",
    "payment_kind",
    "method",
)
if _PATIENT_PAYMENT_LAYOUT != PATIENT_PAYMENT_COLUMN_NAMES:  # update patient_payment_row
    raise ImportError("transforms.generate.edi is out of step with transforms.contracts")

PATIENT_PAYMENT_HEADER = ",".join(PATIENT_PAYMENT_COLUMN_NAMES) + "\n"


def x12_amount(cents: int) -> str:
    """Integer cents as an X12 decimal: no trailing zeros, no decimal point for whole amounts."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    if frac == 0:
        return f"{sign}{whole}"
    if frac % 10 == 0:
        return f"{sign}{whole}.{frac // 10}"
    return f"{sign}{whole}.{frac:02d}"


def csv_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


@lru_cache(maxsize=4096)
def d8(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@lru_cache(maxsize=4096)
def iso(day: date) -> str:
    return day.isoformat()


def undotted(code: str) -> str:
    return code.replace(".", "")


# ---------------------------------------------------------------------------------------------
# Encounter extract
# ---------------------------------------------------------------------------------------------


def encounter_rows(claim: Claim, coding: Coding, billing_npi: str) -> str:
    """CSV rows (one per line) of one version of the encounter's coding, contract order."""
    patient = claim.patient
    person = patient.person
    payer = patient.payer
    head = f"{claim.encounter_id},{claim.claim_id},"
    middle = (
        f"{patient.patient_id},{iso(person.birth_date)},{person.sex},{payer.payer_id},"
        f"{payer.name},{payer.filing_code},{claim.rendering_npi},{billing_npi},{claim.pos},"
        f"{iso(claim.service_date)},"
    )
    tail = f",{claim.coder.coder_id},{coding.coded_at.isoformat(timespec='seconds')}\n"
    dx = coding.diagnoses
    rows = []
    for line in coding.lines:
        mods = (line.modifiers + ["", "", "", ""])[:4]
        pointed = ([dx[p - 1] for p in line.pointers] + ["", "", "", ""])[:4]
        rows.append(
            f"{head}{line.number},{line.control_number},{middle}{line.code},"
            f"{','.join(mods)},{line.units},{csv_amount(line.charge)},"
            f"{','.join(pointed)}{tail}"
        )
    return "".join(rows)


def patient_payment_row(posting: PatientPosting, billing_npi: str) -> str:
    """One CSV row of the patient-payments extract, contract order."""
    return (
        f"{posting.payment_id},{billing_npi},{posting.claim_id},{iso(posting.payment_date)},"
        f"{csv_amount(posting.amount)},{posting.payment_kind},{posting.method}\n"
    )


# ---------------------------------------------------------------------------------------------
# 837P
# ---------------------------------------------------------------------------------------------


def _composite(line: ClaimLine) -> str:
    return ":".join(["HC", line.code, *line.modifiers])


def claim_837(claim: Claim, hl: int) -> tuple[str, int, int]:
    """Loops 2000B..2400 of one claim. Returns (text, segment count, HL numbers used)."""
    patient = claim.patient
    payer = patient.payer
    person = patient.person
    insured = patient.subscriber or person
    relationship = "" if patient.subscriber else "18"
    segs = [
        f"HL*{hl}*1*22*{1 if patient.subscriber else 0}",
        f"SBR*P*{relationship}*{patient.group_number}******{payer.filing_code}",
        f"NM1*IL*1*{insured.last}*{insured.first}****MI*{patient.member_id}",
        f"N3*{insured.street}",
        f"N4*{insured.city}*{insured.state}*{insured.zip}",
        f"DMG*D8*{d8(insured.birth_date)}*{insured.sex}",
        f"NM1*PR*2*{payer.name}*****PI*{payer.payer_id}",
    ]
    used = 1
    if patient.subscriber:
        segs += [
            f"HL*{hl + 1}*{hl}*23*0",
            "PAT*19",
            f"NM1*QC*1*{person.last}*{person.first}",
            f"N3*{person.street}",
            f"N4*{person.city}*{person.state}*{person.zip}",
            f"DMG*D8*{d8(person.birth_date)}*{person.sex}",
        ]
        used = 2
    dx = claim.diagnoses[:12]
    hi = "*".join(f"{'ABK' if i == 0 else 'ABF'}:{undotted(code)}" for i, code in enumerate(dx))
    provider = claim.provider
    segs += [
        f"CLM*{claim.claim_id}*{x12_amount(claim.total_charge)}***{claim.pos}:B:1*Y*A*Y*Y",
        f"HI*{hi}",
        f"NM1*82*1*{provider.last}*{provider.first}****XX*{claim.rendering_npi}",
        f"PRV*PE*PXC*{provider.taxonomy}",
    ]
    service = d8(claim.service_date)
    for line in claim.lines:
        pointers = ":".join(str(p) for p in line.pointers)
        segs += [
            f"LX*{line.number}",
            (
                f"SV1*{_composite(line)}*{x12_amount(line.charge)}*UN*{line.units}*{claim.pos}"
                f"**{pointers}"
            ),
            f"DTP*472*D8*{service}",
            f"REF*6R*{line.control_number}",
        ]
    return TERM.join(segs) + TERM, len(segs), used


def _isa(sender: str, receiver: str, day: date, hhmm: str, control: int) -> str:
    return (
        f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*"
        f"{d8(day)[2:]}*{hhmm}*^*00501*{control:09d}*0*P*:"
    )


def header_837(day: date, control: int, hhmm: str) -> str:
    """ISA and GS of a submission batch file."""
    return (
        TERM.join(
            [
                _isa(SUBMITTER_ID, CLEARINGHOUSE_ID, day, hhmm, control),
                f"GS*HC*{SUBMITTER_ID}*{CLEARINGHOUSE_ID}*{d8(day)}*{hhmm}*{control}*X*{X837_VERSION}",
            ]
        )
        + TERM
    )


def st_header_837(
    st_number: int, batch: str, day: date, hhmm: str, billing_npi: str
) -> tuple[str, int]:
    """ST, BHT, submitter, receiver and billing provider (2000A/2010AA). Returns (text, count)."""
    street, city, state, zip_code = PRACTICE_ADDRESS
    segs = [
        f"ST*837*{st_number:04d}*{X837_VERSION}",
        f"BHT*0019*00*{batch}*{d8(day)}*{hhmm}*CH",
        f"NM1*41*2*{PRACTICE_NAME}*****46*{SUBMITTER_ID}",
        "PER*IC*BILLING OFFICE*TE*2175550100",
        f"NM1*40*2*{CLEARINGHOUSE_NAME}*****46*{CLEARINGHOUSE_ID}",
        "HL*1**20*1",
        f"PRV*BI*PXC*{GROUP_TAXONOMY}",
        f"NM1*85*2*{PRACTICE_NAME}*****XX*{billing_npi}",
        f"N3*{street}",
        f"N4*{city}*{state}*{zip_code}",
        f"REF*EI*{PRACTICE_TIN}",
    ]
    return TERM.join(segs) + TERM, len(segs)


def trailer_st(segments: int, st_number: int) -> str:
    return f"SE*{segments}*{st_number:04d}{TERM}"


def trailer_interchange(groups_sets: int, control: int) -> str:
    return f"GE*{groups_sets}*{control}{TERM}IEA*1*{control:09d}{TERM}"


# ---------------------------------------------------------------------------------------------
# 835
# ---------------------------------------------------------------------------------------------


def _cas(adjustments: list[Adjustment]) -> list[str]:
    """CAS segments: one per group code (first-seen order), up to six triples each."""
    by_group: dict[str, list[str]] = {}
    for group, carc, amount in adjustments:
        by_group.setdefault(group, []).append(f"{carc}*{x12_amount(amount)}")
    segs = []
    for group, triples in by_group.items():
        for start in range(0, len(triples), 6):
            segs.append(f"CAS*{group}*" + "**".join(triples[start : start + 6]))
    return segs


def claim_835(remit: RemitClaim, claim: Claim) -> tuple[str, int]:
    """Loop 2100 (and its 2110 lines) of one remitted claim. Returns (text, segment count)."""
    patient = claim.patient
    person = patient.person
    provider = claim.provider
    segs = [
        (
            f"CLP*{claim.claim_id}*{remit.status}*{x12_amount(remit.charge)}*"
            f"{x12_amount(remit.paid)}*{x12_amount(remit.patient_resp)}*"
            f"{remit.payer.remit_filing_code}*{remit.icn}*{claim.pos}*1"
        )
    ]
    segs += _cas(remit.claim_adjustments)
    segs.append(f"NM1*QC*1*{person.last}*{person.first}****MI*{patient.member_id}")
    if patient.subscriber:
        segs.append(
            f"NM1*IL*1*{patient.subscriber.last}*{patient.subscriber.first}****MI*"
            f"{patient.member_id}"
        )
    segs.append(f"NM1*82*1*{provider.last}*{provider.first}****XX*{claim.rendering_npi}")
    if remit.remark:
        segs.append(f"MOA***{remit.remark}")
    service = d8(claim.service_date)
    segs += [f"DTM*232*{service}", f"DTM*233*{service}"]
    if remit.received:
        segs.append(f"DTM*050*{d8(remit.received)}")
    for rl in remit.lines:
        line = rl.line
        segs.append(
            f"SVC*{_composite(line)}*{x12_amount(rl.charge)}*{x12_amount(rl.paid)}**{line.units}"
        )
        segs.append(f"DTM*472*{service}")
        segs += _cas(rl.adjustments)
        segs.append(f"REF*6R*{line.control_number}")
        if rl.allowed is not None:
            segs.append(f"AMT*B6*{x12_amount(rl.allowed)}")
        if rl.rarc:
            segs.append(f"LQ*HE*{rl.rarc}")
    return TERM.join(segs) + TERM, len(segs)


def header_835(
    payer: Payer,
    pay_date: date,
    production: date,
    amount: int,
    trace: str,
    control: int,
    hhmm: str,
    billing_npi: str,
) -> tuple[str, int]:
    """ISA, GS and the 835 header through N1*PE (and LX*1). Returns (text, ST-level segments)."""
    if amount == 0:
        bpr = f"BPR*H*0*C*NON************{d8(pay_date)}"
    elif payer.method == "ACH":
        bpr = (
            f"BPR*C*{x12_amount(amount)}*C*ACH*CCP*01*0{payer.tin[:8]}*DA*{payer.tin}00*"
            f"1{payer.tin}**01*071000013*DA*{PRACTICE_TIN}01*{d8(pay_date)}"
        )
    else:
        bpr = f"BPR*C*{x12_amount(amount)}*C*CHK************{d8(pay_date)}"
    street, city, state, zip_code = PRACTICE_ADDRESS
    envelope = [
        _isa(payer.payer_id, SUBMITTER_ID, production, hhmm, control),
        (
            f"GS*HP*{payer.payer_id}*{SUBMITTER_ID}*{d8(production)}*{hhmm}*{control}*X*"
            f"{X835_VERSION}"
        ),
    ]
    st = [
        "ST*835*0001",  # ST03 is not used in the 835 TR3
        bpr,
        f"TRN*1*{trace}*1{payer.tin}",
        f"REF*EV*{SUBMITTER_ID}",
        f"DTM*405*{d8(production)}",
        f"N1*PR*{payer.name}*XV*{payer.payer_id}",
        "N3*PO BOX 9000",
        "N4*CHICAGO*IL*606019000",
        "PER*BL*PROVIDER SERVICES*TE*8005550199",
        f"N1*PE*{PRACTICE_NAME}*XX*{billing_npi}",
        f"N3*{street}",
        f"N4*{city}*{state}*{zip_code}",
        f"REF*TJ*{PRACTICE_TIN}",
        "LX*1",
    ]
    return TERM.join(envelope + st) + TERM, len(st)


def plb_segments(billing_npi: str, pay_date: date, pairs: list[tuple[str, str, int]]) -> list[str]:
    """PLB segments, up to six (reason:reference, amount) pairs each."""
    fiscal = f"{pay_date.year}1231"
    segs = []
    for start in range(0, len(pairs), 6):
        chunk = pairs[start : start + 6]
        body = "*".join(f"{code}:{ref}*{x12_amount(amount)}" for code, ref, amount in chunk)
        segs.append(f"PLB*{billing_npi}*{fiscal}*{body}")
    return segs
