"""A tiny X12 reader for the generator's tests, written independently of the writer and of
`transforms.x12`: separators come from the ISA, money is parsed as Decimal, and the envelope counts
and the 835 balancing rules are re-derived from the raw segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

NON_DENIAL_CARCS = {"1", "2", "3", "45", "23", "59", "94", "253"}


def split(raw: bytes) -> tuple[list[list[str]], str]:
    """Segments (as element lists) and the component separator, read from the ISA."""
    text = raw.decode("ascii")
    assert text.startswith("ISA"), "file does not start with ISA"
    element, component, terminator = text[3], text[104], text[105]
    segments = [s.strip("\r\n") for s in text.split(terminator)]
    return [s.split(element) for s in segments if s], component


def envelope_errors(segments: list[list[str]]) -> list[str]:
    """Every ISA/GS/ST count and control-number mismatch in the file."""
    errors: list[str] = []
    isa = gs = st = None
    groups = sets = count = 0
    for seg in segments:
        tag = seg[0]
        if st is not None:
            count += 1
        if tag == "ISA":
            isa, groups = seg, 0
        elif tag == "GS":
            gs, sets = seg, 0
            groups += 1
        elif tag == "ST":
            st, count = seg, 1
            sets += 1
        elif tag == "SE":
            if int(seg[1]) != count:
                errors.append(f"SE01 {seg[1]} != {count} segments")
            if seg[2] != st[2]:
                errors.append(f"SE02 {seg[2]} != ST02 {st[2]}")
            st = None
        elif tag == "GE":
            if int(seg[1]) != sets:
                errors.append(f"GE01 {seg[1]} != {sets} sets")
            if seg[2] != gs[6]:
                errors.append("GE02 != GS06")
        elif tag == "IEA":
            if int(seg[1]) != groups:
                errors.append(f"IEA01 {seg[1]} != {groups} groups")
            if seg[2] != isa[13]:
                errors.append("IEA02 != ISA13")
    if st is not None:
        errors.append("ST without SE")
    return errors


def _cas_amounts(seg: list[str]) -> list[tuple[str, str, Decimal]]:
    out = []
    for i in range(2, len(seg), 3):
        if seg[i]:
            out.append((seg[1], seg[i], Decimal(seg[i + 1])))
    return out


@dataclass
class Line:
    composite: list[str]
    charge: Decimal
    paid: Decimal
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    control_number: str = ""
    allowed: Decimal | None = None

    def is_denied(self) -> bool:
        return self.paid == 0 and any(
            g in ("CO", "OA", "PI") and r not in NON_DENIAL_CARCS for g, r, _ in self.adjustments
        )


@dataclass
class RemitClaim:
    file: str
    position: int
    pay_date: str
    payer_id: str
    clp: list[str]
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    rendering_npi: str = ""

    @property
    def claim_id(self) -> str:
        return self.clp[1]

    @property
    def status(self) -> str:
        return self.clp[2]

    @property
    def paid(self) -> Decimal:
        return Decimal(self.clp[4])

    def all_adjustments(self) -> list[tuple[str, str, Decimal]]:
        return self.adjustments + [a for line in self.lines for a in line.adjustments]

    def is_denial(self) -> bool:
        """Denied (fully or on a line): status 4, or a zero-paid line/claim consumed by a
        CO/OA/PI adjustment whose reason is not contractual, patient share or prior payer."""
        if self.status == "4":
            return True
        if any(line.is_denied() for line in self.lines):
            return True
        return self.paid == 0 and any(
            g in ("CO", "OA", "PI") and r not in NON_DENIAL_CARCS for g, r, _ in self.adjustments
        )


@dataclass
class Payment:
    file: str
    bpr: list[str]
    trace: str
    payer_id: str
    claims: list[RemitClaim]
    plb: list[tuple[str, Decimal]]


def read_835(path: Path) -> tuple[list[Payment], list[str]]:
    """Payments in the file and every balancing error (line, claim, transaction)."""
    segments, component = split(path.read_bytes())
    payments: list[Payment] = []
    errors: list[str] = []
    payment: Payment | None = None
    claim: RemitClaim | None = None
    line: Line | None = None
    for position, seg in enumerate(segments, start=1):
        tag = seg[0]
        if tag == "ST":
            payment = Payment(path.name, [], "", "", [], [])
            claim = line = None
        elif tag == "BPR":
            payment.bpr = seg
        elif tag == "TRN":
            payment.trace = seg[2]
        elif tag == "N1" and seg[1] == "PR":
            payment.payer_id = seg[4]
        elif tag == "CLP":
            claim = RemitClaim(path.name, position, payment.bpr[16], payment.payer_id, seg)
            payment.claims.append(claim)
            line = None
        elif tag == "NM1" and seg[1] == "82" and claim is not None:
            claim.rendering_npi = seg[9]
        elif tag == "SVC":
            line = Line(seg[1].split(component), Decimal(seg[2]), Decimal(seg[3]))
            claim.lines.append(line)
        elif tag == "CAS":
            (line.adjustments if line is not None else claim.adjustments).extend(_cas_amounts(seg))
        elif tag == "REF" and seg[1] == "6R" and line is not None:
            line.control_number = seg[2]
        elif tag == "AMT" and seg[1] == "B6" and line is not None:
            line.allowed = Decimal(seg[2])
        elif tag == "PLB":
            for i in range(3, len(seg), 2):
                payment.plb.append((seg[i], Decimal(seg[i + 1])))
        elif tag == "SE":
            errors += _balance_errors(payment)
            payments.append(payment)
    return payments, errors


def _balance_errors(payment: Payment) -> list[str]:
    errors = []
    for claim in payment.claims:
        for line in claim.lines:
            if line.charge - sum(a for _, _, a in line.adjustments) != line.paid:
                errors.append(f"{payment.file}: line {line.control_number} does not balance")
        charge = Decimal(claim.clp[3])
        claim_cas = sum(a for _, _, a in claim.adjustments)
        line_cas = sum(a for line in claim.lines for _, _, a in line.adjustments)
        if charge - claim_cas - line_cas != claim.paid:
            errors.append(f"{payment.file}: claim {claim.claim_id} does not balance")
        if claim.lines and sum(line.paid for line in claim.lines) - claim_cas != claim.paid:
            errors.append(f"{payment.file}: claim {claim.claim_id} lines do not add up")
    total = sum(c.paid for c in payment.claims) - sum(a for _, a in payment.plb)
    if Decimal(payment.bpr[2]) != total:
        errors.append(f"{payment.file}: BPR02 {payment.bpr[2]} != {total}")
    return errors


def luhn_npi_ok(npi: str) -> bool:
    """NPI check digit: Luhn over '80840' + the ten digits."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@dataclass
class Claim837:
    file: str
    claim_id: str
    total: Decimal
    pos: str
    diagnoses: list[tuple[str, str]]  # (qualifier, code)
    lines: list[dict]
    billing_npi: str
    rendering_npi: str
    payer_id: str
    filing_code: str
    submission_date: str


def read_837(path: Path) -> list[Claim837]:
    segments, component = split(path.read_bytes())
    claims: list[Claim837] = []
    billing = payer = filing = bht = ""
    claim: Claim837 | None = None
    for seg in segments:
        tag = seg[0]
        if tag == "BHT":
            bht = seg[4]
        elif tag == "NM1" and seg[1] == "85":
            billing = seg[9]
        elif tag == "SBR":
            filing = seg[9]
        elif tag == "NM1" and seg[1] == "PR":
            payer = seg[9]
        elif tag == "CLM":
            claim = Claim837(
                path.name,
                seg[1],
                Decimal(seg[2]),
                seg[5].split(component)[0],
                [],
                [],
                billing,
                "",
                payer,
                filing,
                bht,
            )
            claims.append(claim)
        elif tag == "HI":
            claim.diagnoses += [tuple(e.split(component)[:2]) for e in seg[1:]]
        elif tag == "NM1" and seg[1] == "82":
            claim.rendering_npi = seg[9]
        elif tag == "SV1":
            composite = seg[1].split(component)
            claim.lines.append(
                {
                    "composite": composite,
                    "charge": Decimal(seg[2]),
                    "unit": seg[3],
                    "units": Decimal(seg[4]),
                    "pos": seg[5],
                    "pointers": [int(p) for p in seg[7].split(component)],
                }
            )
        elif tag == "DTP" and seg[1] == "472":
            claim.lines[-1]["service_date"] = seg[3]
        elif tag == "REF" and seg[1] == "6R":
            claim.lines[-1]["control_number"] = seg[2]
    return claims
