"""837P / 837I flattener: one transaction set into x837_claims, x837_claim_lines, x837_diagnoses.

Rows, their anchors and their ids (`<p>` = first 16 hex of the file's SHA-256, `<pos>` = 1-based
segment position in the file, `<k>` = 1-based element index inside the HI segment):

| table            | one row per                      | id                                  |
|------------------|----------------------------------|-------------------------------------|
| x837_claims      | CLM (loop 2300)                  | claim_submission_id `<p>:<CLM pos>` |
| x837_claim_lines | LX (loop 2400) with its SV1/SV2  | claim_line_id `<p>:<LX pos>`        |
| x837_diagnoses   | diagnosis code in an HI segment  | claim_diagnosis_id `<p>:<HI pos>:<k>` |

Context comes from the HL hierarchy: HL*20 billing provider (2010AA NM1*85, REF*EI), HL*22
subscriber (its first SBR, 2010BA NM1*IL + DMG, 2010BB NM1*PR), HL*23 patient (2010CA NM1*QC + DMG);
each CLM under an HL inherits them. Inside a claim, an SBR opens loop 2320 (other subscriber): its
NM1s (2330A-G) are other payers' and never overwrite the claim's. The claim's rendering provider is
2310B NM1*82; a line's is 2420A NM1*82, else the claim's. Diagnoses are the HI composites whose
qualifier is a diagnosis qualifier (`constants.DIAGNOSIS_QUALIFIERS`), numbered in order across the
claim's HI segments (the numbers SV107 pointers refer to). A sender that writes `HI*BK*8901` (qualifier
and code as two elements instead of one composite) is read as `HI*BK:8901`.
The claim type comes from GS08/ST03 (X222/X098 = 837P, X223/X096 = 837I), else CLM05-2 (B/A), else
the line segments (SV1/SV2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from transforms.raw_schema import X837_TABLES
from transforms.x12.constants import (
    CLAIM_TYPE_837I,
    CLAIM_TYPE_837P,
    DIAGNOSIS_QUALIFIERS,
    FACILITY_QUALIFIER_TO_CLAIM_TYPE,
    GUIDE_TO_CLAIM_TYPE,
    HL_BILLING_PROVIDER,
    HL_PATIENT,
    HL_SUBSCRIBER,
    MAX_DIAGNOSIS_POINTERS,
    Rule,
)
from transforms.x12.context import (
    Flattener,
    TransactionContext,
    element,
    lineage_values,
    nonempty,
)
from transforms.x12.records import Rows, X837Claim, X837ClaimLine, X837Diagnosis, empty_rows

ZERO = Decimal("0.00")
_BLANKS = [""] * 6
_new = tuple.__new__
SERVICE_SEGMENT_TYPE = {"SV1": CLAIM_TYPE_837P, "SV2": CLAIM_TYPE_837I}


def claim_type_from_guide(*guides: str) -> str | None:
    """837P/837I from an implementation guide id such as 005010X222A1, else None."""
    for guide in guides:
        for marker, claim_type in GUIDE_TO_CLAIM_TYPE.items():
            if marker in guide:
                return claim_type
    return None


def is_dental_guide(*guides: str) -> bool:
    return any("X224" in guide or "X097" in guide for guide in guides)


class _Party:
    """An NM1 entity with the demographics that may follow it (DMG)."""

    __slots__ = ("birth_date", "first_name", "id", "name", "sex")

    def __init__(
        self, party_id: str | None = None, name: str | None = None, first_name: str | None = None
    ) -> None:
        self.id = party_id
        self.name = name  # NM103: organisation or last name
        self.first_name = first_name  # NM104
        self.birth_date: dt.date | None = None
        self.sex: str | None = None


class _Claim:
    __slots__ = (
        "billed",
        "claim_type",
        "clm",
        "diagnoses",
        "facility_qualifier",
        "frequency",
        "id",
        "in_other_subscriber",
        "line_billed",
        "line_count",
        "place_of_service",
        "position",
        "rendering_name",
        "rendering_npi",
        "service_segments",
        "statement_end",
        "statement_start",
    )

    def __init__(
        self,
        claim_id: str,
        position: int,
        clm: list[str],
        billed: Decimal,
        facility: list[str],
        claim_type: str | None,
    ) -> None:
        self.id = claim_id
        self.position = position
        self.clm = clm
        self.billed = billed
        self.place_of_service = nonempty(facility[0])
        self.facility_qualifier = nonempty(facility[1]) if len(facility) > 1 else None
        self.frequency = nonempty(facility[2]) if len(facility) > 2 else None
        self.claim_type = claim_type or FACILITY_QUALIFIER_TO_CLAIM_TYPE.get(
            self.facility_qualifier or ""
        )
        self.statement_start: dt.date | None = None
        self.statement_end: dt.date | None = None
        self.rendering_npi: str | None = None
        self.rendering_name: tuple[str | None, str | None] = (None, None)
        self.line_count = 0
        self.line_billed = ZERO
        self.diagnoses = 0
        self.in_other_subscriber = False
        self.service_segments: set[str] = set()


class _Line:
    __slots__ = (
        "adjudication",
        "billed",
        "control_number",
        "end",
        "id",
        "number",
        "position",
        "rendering_name",
        "rendering_npi",
        "service",
        "service_segment",
        "start",
        "units",
    )

    def __init__(self, line_id: str, position: int, number: int | None) -> None:
        self.id = line_id
        self.position = position
        self.number = number
        self.service: list[str] | None = None
        self.service_segment: str | None = None
        self.billed: Decimal | None = None
        self.units: Decimal | None = None
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.control_number: str | None = None
        self.rendering_npi: str | None = None
        self.rendering_name: tuple[str | None, str | None] = (None, None)
        self.adjudication = False  # inside loop 2430 (SVD) of this line


class X837Flattener(Flattener):
    """Flatten one 837P or 837I transaction set; `stats['cas_total']` sums its (COB) CAS amounts."""

    def __init__(self, context: TransactionContext) -> None:
        super().__init__(context=context, rows=empty_rows(X837_TABLES))
        if is_dental_guide(context.version, context.implementation):
            raise self.error(
                ["ST"],
                None,
                Rule.UNSUPPORTED_TRANSACTION,
                "837 dental (X224/X097) is not supported",
            )
        self.stats = {"cas_total": ZERO}
        self._prefix = context.row_prefix
        self._lineage = lineage_values(context)
        self._claim_type = claim_type_from_guide(context.implementation, context.version)
        self._batch_id: str | None = None
        self._submission_date: dt.date | None = None
        self._group_date_raw = context.group_date
        self._entity = ""
        self._billing = _Party()
        self._billing_tax_id: str | None = None
        self._subscriber = _Party()
        self._subscriber_sbr: list[str] | None = None
        self._payer = _Party()
        self._patient: _Party | None = None
        self._claim: _Claim | None = None
        self._line: _Line | None = None

    # -- header and hierarchy -------------------------------------------------------------------
    def _bht(self, seg: list[str]) -> None:
        self._batch_id = nonempty(element(seg, 3))
        self._submission_date = self.date(seg, 4)

    def _hl(self, seg: list[str]) -> None:
        self._close_claim()
        level = element(seg, 3)
        if level == HL_BILLING_PROVIDER:
            self._billing, self._billing_tax_id = _Party(), None
            self._new_subscriber()
        elif level == HL_SUBSCRIBER:
            self._new_subscriber()
        elif level == HL_PATIENT:
            self._patient = _Party()
        self._entity = ""

    def _new_subscriber(self) -> None:
        self._subscriber, self._subscriber_sbr = _Party(), None
        self._payer, self._patient = _Party(), None

    def _sbr(self, seg: list[str]) -> None:
        claim = self._claim
        if claim is not None:
            claim.in_other_subscriber = True  # loop 2320
        elif self._subscriber_sbr is None:
            self._subscriber_sbr = seg

    def _nm1(self, seg: list[str]) -> None:
        entity = element(seg, 1)
        self._entity = entity
        claim, line = self._claim, self._line
        if claim is None:
            if entity == "85":
                self._billing = _Party(
                    nonempty(element(seg, 9)), nonempty(element(seg, 3)), nonempty(element(seg, 4))
                )
            elif entity == "IL":
                self._subscriber = _Party(nonempty(element(seg, 9)))
            elif entity == "PR":
                self._payer = _Party(nonempty(element(seg, 9)), nonempty(element(seg, 3)))
            elif entity == "QC":
                self._patient = _Party(nonempty(element(seg, 9)))
        elif entity == "82":
            if line is not None:
                if not line.adjudication:
                    line.rendering_npi = nonempty(element(seg, 9))
                    line.rendering_name = (nonempty(element(seg, 3)), nonempty(element(seg, 4)))
            elif not claim.in_other_subscriber:
                claim.rendering_npi = nonempty(element(seg, 9))
                claim.rendering_name = (nonempty(element(seg, 3)), nonempty(element(seg, 4)))

    def _ref(self, seg: list[str]) -> None:
        qualifier = element(seg, 1)
        line = self._line
        if line is not None:
            if qualifier == "6R" and line.control_number is None:
                line.control_number = nonempty(element(seg, 2))
        elif self._claim is None and self._entity == "85" and qualifier == "EI":
            self._billing_tax_id = nonempty(element(seg, 2))

    def _dmg(self, seg: list[str]) -> None:
        if self._claim is not None:
            return
        party = (
            self._subscriber
            if self._entity == "IL"
            else self._patient
            if self._entity == "QC"
            else None
        )
        if party is not None:
            party.birth_date = self.date(seg, 2)
            party.sex = nonempty(element(seg, 3))

    # -- claims ---------------------------------------------------------------------------------
    def _clm(self, seg: list[str]) -> None:
        self._close_claim()
        if not element(seg, 1):
            raise self.error(seg, 1, Rule.MISSING_ELEMENT, "required element is empty")
        billed = self.money(seg, 2, required=True)
        assert billed is not None
        self._claim = _Claim(
            f"{self._prefix}:{self.position}",
            self.position,
            seg,
            billed,
            self.components(seg, 5),
            self._claim_type,
        )

    def _dtp(self, seg: list[str]) -> None:
        qualifier = element(seg, 1)
        line = self._line
        if line is not None:
            if qualifier == "472" and line.start is None:
                period = self.period(seg, 2, 3)
                if period:
                    line.start, line.end = period
            return
        claim = self._claim
        if claim is not None and qualifier == "434" and not claim.in_other_subscriber:
            period = self.period(seg, 2, 3)
            if period:
                claim.statement_start, claim.statement_end = period

    def _hi(self, seg: list[str]) -> None:
        claim = self._claim
        if claim is None or self._line is not None:
            raise self.out_of_place(seg, "a claim")
        rows = self.rows["x837_diagnoses"]
        component = self.context.component
        index, count = 1, len(seg)
        while index < count:
            k = index
            parts = seg[index].split(component)
            index += 1
            if (
                len(parts) == 1
                and parts[0] in DIAGNOSIS_QUALIFIERS
                and index < count
                and component not in seg[index]
                and seg[index] not in DIAGNOSIS_QUALIFIERS
            ):
                parts.append(seg[index])  # `HI*BK*8901`: qualifier and code as two elements
                index += 1
            if len(parts) < 2 or parts[0] not in DIAGNOSIS_QUALIFIERS or not parts[1]:
                continue
            claim.diagnoses += 1
            rows.append(
                _new(
                    X837Diagnosis,
                    (
                        f"{self._prefix}:{self.position}:{k}",  # claim_diagnosis_id
                        claim.id,  # claim_submission_id
                        *self._lineage,
                        self.position,  # lineage, segment_position
                        claim.clm[1],  # patient_control_number
                        claim.diagnoses,  # diagnosis_sequence
                        parts[0],  # code_qualifier
                        parts[1],  # diagnosis_code
                    ),
                )
            )

    # -- lines ----------------------------------------------------------------------------------
    def _lx(self, seg: list[str]) -> None:
        claim = self._claim
        if claim is None:
            raise self.out_of_place(seg, "a claim")
        self._close_line()
        claim.in_other_subscriber = False
        self._line = _Line(
            f"{self._prefix}:{self.position}", self.position, self.integer(element(seg, 1), seg, 1)
        )

    def _service(self, seg: list[str], charge_index: int, units_index: int) -> None:
        line = self._line
        if line is None:
            raise self.out_of_place(seg, "a service line (LX)")
        if line.service is not None:
            return
        line.service, line.service_segment = seg, seg[0]
        line.billed = self.money(seg, charge_index, required=True)
        line.units = self.quantity(seg, units_index)
        if line.units is not None and line.units < 0:
            self.finding(
                seg,
                units_index,
                Rule.NEGATIVE_UNITS,
                "service units are negative on a submitted claim line",
            )

    def _sv1(self, seg: list[str]) -> None:
        self._service(seg, 2, 4)

    def _sv2(self, seg: list[str]) -> None:
        self._service(seg, 3, 5)

    def _svd(self, seg: list[str]) -> None:
        if self._line is not None:
            self._line.adjudication = True

    def _cas(self, seg: list[str]) -> None:
        total = self.stats["cas_total"]
        for index in range(3, len(seg), 3):
            amount = self.money(seg, index)
            if amount is not None:
                total += amount
        self.stats["cas_total"] = total

    # -- closing --------------------------------------------------------------------------------
    def _close_line(self) -> None:
        line = self._line
        if line is None:
            return
        self._line = None
        claim = self._claim
        assert claim is not None
        seg = line.service
        if seg is None:
            self.position = line.position  # point at the LX that opened the line
            raise self.error(
                ["LX"],
                None,
                Rule.MISSING_SEGMENT,
                f"service line at segment {line.position} has no SV1 or SV2",
            )
        assert line.billed is not None and line.service_segment is not None
        claim.line_count += 1
        claim.line_billed += line.billed
        claim.service_segments.add(line.service_segment)
        if line.service_segment == "SV1":
            procedure = self.components(seg, 1)
            revenue_code = None
            unit_basis, place = element(seg, 3), element(seg, 5)
            pointers = [p for p in self.components(seg, 7) if p][:MAX_DIAGNOSIS_POINTERS]
        else:
            procedure = self.components(seg, 2)
            revenue_code = nonempty(element(seg, 1))
            unit_basis, place = element(seg, 4), ""
            pointers = []
        numbers = [self.integer(p, seg, 7) for p in pointers] + [None] * MAX_DIAGNOSIS_POINTERS
        procedure.extend(_BLANKS)
        self.rows["x837_claim_lines"].append(
            _new(
                X837ClaimLine,
                (
                    line.id,  # claim_line_id
                    claim.id,  # claim_submission_id
                    *self._lineage,
                    line.position,  # lineage, segment_position (LX)
                    claim.clm[1],  # patient_control_number (CLM01)
                    line.number,  # line_number (LX01)
                    line.service_segment,  # service_segment (SV1 | SV2)
                    procedure[0] or None,  # procedure_qualifier
                    procedure[1] or None,  # procedure_code
                    procedure[2] or None,  # modifier_1
                    procedure[3] or None,  # modifier_2
                    procedure[4] or None,  # modifier_3
                    procedure[5] or None,  # modifier_4
                    revenue_code,  # revenue_code (SV201)
                    line.billed,  # billed_amount (SV102 / SV203)
                    unit_basis or None,  # unit_basis_code (SV103 / SV204)
                    line.units,  # units (SV104 / SV205)
                    place or claim.place_of_service,  # place_of_service_code (SV105, else CLM05-1)
                    numbers[0],  # diagnosis_pointer_1 (SV107)
                    numbers[1],  # diagnosis_pointer_2
                    numbers[2],  # diagnosis_pointer_3
                    numbers[3],  # diagnosis_pointer_4
                    line.start,  # service_date (DTP*472)
                    line.end,  # service_end_date
                    line.control_number,  # line_item_control_number (REF*6R)
                    line.rendering_npi
                    or claim.rendering_npi,  # rendering_provider_npi (2420A, else 2310B)
                    *(
                        line.rendering_name if line.rendering_npi else claim.rendering_name
                    ),  # rendering_provider_last_name, _first_name (NM103, NM104)
                ),
            )
        )

    def _close_claim(self) -> None:
        claim = self._claim
        if claim is None:
            return
        self._close_line()
        self._claim = None
        claim_type = claim.claim_type
        if claim_type is None and len(claim.service_segments) == 1:
            claim_type = SERVICE_SEGMENT_TYPE[next(iter(claim.service_segments))]
        subscriber, patient = self._subscriber, self._patient
        person = patient if patient is not None else subscriber
        sbr = self._subscriber_sbr or []
        self.rows["x837_claims"].append(
            _new(
                X837Claim,
                (
                    claim.id,  # claim_submission_id
                    *self._lineage,
                    claim.position,  # lineage, segment_position (CLM)
                    claim_type,  # claim_type (837P | 837I)
                    self._batch_id,  # batch_id (BHT03)
                    self._submission_date
                    or self._group_date(),  # submission_date (BHT04, else GS04)
                    self._billing.id,  # billing_provider_npi (NM1*85)
                    self._billing_tax_id,  # billing_provider_tax_id (REF*EI)
                    element(sbr, 1) or None,  # payer_responsibility_code (SBR01)
                    element(sbr, 9) or None,  # claim_filing_indicator_code (SBR09)
                    self._payer.id,  # payer_id (NM1*PR)
                    self._payer.name,  # payer_name
                    subscriber.id,  # subscriber_id (NM1*IL)
                    (patient.id if patient is not None else None) or subscriber.id,  # patient_id
                    person.birth_date,  # patient_birth_date (DMG02)
                    person.sex,  # patient_sex (DMG03)
                    claim.clm[1],  # patient_control_number (CLM01)
                    claim.billed,  # billed_amount (CLM02)
                    claim.place_of_service,  # place_of_service_code (CLM05-1)
                    claim.facility_qualifier,  # facility_code_qualifier (CLM05-2)
                    claim.frequency,  # claim_frequency_code (CLM05-3)
                    claim.statement_start,  # statement_start_date (DTP*434)
                    claim.statement_end,  # statement_end_date
                    claim.rendering_npi,  # rendering_provider_npi (2310B NM1*82)
                    claim.line_count,  # line_count
                    claim.line_billed,  # line_billed_total
                    self._billing.name,  # billing_provider_last_name (NM1*85 NM103)
                    self._billing.first_name,  # billing_provider_first_name (NM104)
                    *claim.rendering_name,  # rendering_provider_last_name, _first_name (2310B)
                ),
            )
        )

    def _group_date(self) -> dt.date | None:
        raw = self._group_date_raw
        return self.date(["GS", "", "", "", raw], 4) if raw else None

    def finish(self) -> Rows:
        """Close the last claim and return every table's rows."""
        self._close_claim()
        return self.rows


X837Flattener.handlers = {
    "BHT": X837Flattener._bht,
    "HL": X837Flattener._hl,
    "SBR": X837Flattener._sbr,
    "NM1": X837Flattener._nm1,
    "REF": X837Flattener._ref,
    "DMG": X837Flattener._dmg,
    "CLM": X837Flattener._clm,
    "DTP": X837Flattener._dtp,
    "HI": X837Flattener._hi,
    "LX": X837Flattener._lx,
    "SV1": X837Flattener._sv1,
    "SV2": X837Flattener._sv2,
    "SVD": X837Flattener._svd,
    "CAS": X837Flattener._cas,
}
