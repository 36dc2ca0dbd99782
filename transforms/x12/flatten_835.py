"""835 flattener: one transaction set (one payment) into the six x835_* raw tables.

Rows, their anchors and their ids (`<p>` = first 16 hex of the file's SHA-256, `<pos>` = 1-based
segment position in the file, `<k>` = 1-based index inside the segment):

| table                     | one row per                  | id                                   |
|---------------------------|------------------------------|--------------------------------------|
| x835_payments             | transaction set (ST)         | payment_id `<p>:<ST pos>`            |
| x835_claims               | CLP                          | remit_claim_id `<p>:<CLP pos>`       |
| x835_service_lines        | SVC                          | remit_line_id `<p>:<SVC pos>`        |
| x835_adjustments          | CAS triple (claim or line)   | adjustment_id `<p>:<CAS pos>:<k>`    |
| x835_provider_adjustments | PLB pair                     | provider_adjustment_id `<p>:<PLB pos>:<k>` |
| x835_remarks              | MIA/MOA code, LQ segment     | remark_id `<p>:<pos>:<k>` (MIA/MOA), `<p>:<LQ pos>` |

Balancing (revenue-cycle.md), stored as `balance_difference` and `is_balanced`
(`is_balanced` is always `balance_difference == 0`); unbalanced rows are kept, never raised:

- line:        SVC02 - sum(line CAS) - SVC03;
- claim:       CLP03 - sum(claim CAS) - sum(line CAS) - CLP04; when that is zero and the claim has
               lines, the second TR3 form sum(SVC03) - sum(claim CAS) - CLP04 (a line whose SVC02
               is wrong can hide behind the first form);
- transaction: BPR02 - (sum CLP04 - sum of every PLB amount), BPR02 negated when BPR03 = D.

Loops are tracked by the segments that open them (N1*PR 1000A, N1*PE 1000B, CLP 2100, SVC 2110,
PLB trailer), so a REF, DTM, NM1 or CAS is read in the loop it belongs to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from transforms.raw_schema import X835_TABLES
from transforms.x12.constants import (
    CAS_FIRST_TRIPLE,
    CAS_LAST_TRIPLE,
    CLAIM_STATUS_REVERSAL,
    CREDIT_DEBIT_DEBIT,
    LEVEL_CLAIM,
    LEVEL_LINE,
    MIA_REMARK_ELEMENTS,
    MOA_REMARK_ELEMENTS,
    PLB_FIRST_PAIR,
    PLB_LAST_PAIR,
    Rule,
)
from transforms.x12.context import Flattener, TransactionContext, element, lineage_values
from transforms.x12.records import (
    Rows,
    X835Adjustment,
    X835Claim,
    X835Payment,
    X835ProviderAdjustment,
    X835Remark,
    X835ServiceLine,
    empty_rows,
)
from transforms.x12.values import MONEY_CACHE

ZERO = Decimal("0.00")
CAS_TRIPLES = tuple(range(CAS_FIRST_TRIPLE, CAS_LAST_TRIPLE + 1, 3))
_BLANKS = [""] * 12
_new = tuple.__new__
_MONEY = MONEY_CACHE  # memoised amounts: the hot handlers look here before calling self.money

# loop markers
HEADER, PAYER, PAYEE, OTHER_PARTY, CLAIM, LINE, TRAILER = (
    "header",
    "payer",
    "payee",
    "other",
    "claim",
    "line",
    "trailer",
)


class _Claim:
    """A CLP being read; becomes an X835Claim row when the next CLP, LX, PLB or SE arrives."""

    __slots__ = (
        "billed",
        "claim_adjustments",
        "clp",
        "end",
        "id",
        "insured_id",
        "line_adjustments",
        "line_count",
        "line_paid",
        "paid",
        "patient_id",
        "patient_responsibility",
        "position",
        "received",
        "references",
        "rendering_npi",
        "start",
    )

    def __init__(
        self,
        claim_id: str,
        position: int,
        clp: list[str],
        billed: Decimal,
        paid: Decimal,
        patient_responsibility: Decimal | None,
    ) -> None:
        self.id = claim_id
        self.position = position
        self.clp = clp
        self.billed = billed
        self.paid = paid
        self.patient_responsibility = patient_responsibility
        self.patient_id: str | None = None
        self.insured_id: str | None = None
        self.rendering_npi: str | None = None
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.received: dt.date | None = None
        self.references: list[str] = []
        self.line_count = 0
        self.line_paid = ZERO
        self.claim_adjustments = ZERO
        self.line_adjustments = ZERO


class _Line:
    """An SVC being read; becomes an X835ServiceLine row when the next SVC/CLP/LX/PLB/SE arrives."""

    __slots__ = (
        "adjustments",
        "allowed",
        "billed",
        "control_number",
        "date_150",
        "date_151",
        "date_472",
        "id",
        "original_units",
        "paid",
        "position",
        "sequence",
        "svc",
        "units",
    )

    def __init__(
        self,
        line_id: str,
        position: int,
        sequence: int,
        svc: list[str],
        billed: Decimal,
        paid: Decimal,
        units: Decimal | None,
        original_units: Decimal | None,
    ) -> None:
        self.id = line_id
        self.position = position
        self.sequence = sequence
        self.svc = svc
        self.billed = billed
        self.paid = paid
        self.units = units
        self.original_units = original_units
        self.date_472: dt.date | None = None
        self.date_150: dt.date | None = None
        self.date_151: dt.date | None = None
        self.control_number: str | None = None
        self.allowed: Decimal | None = None
        self.adjustments = ZERO


class X835Flattener(Flattener):
    """Flatten one 835 transaction set; `finish()` returns rows for every x835_* table.

    Rows are built positionally in contract column order (`tuple.__new__(Record, (...))`, one
    commented line per column): several times faster than keyword construction on the hot path.
    """

    def __init__(self, context: TransactionContext) -> None:
        super().__init__(context=context, rows=empty_rows(X835_TABLES))
        self._prefix = context.row_prefix
        self._lineage = lineage_values(context)
        self._component = context.component
        self._payment_id = f"{self._prefix}:{context.st_position}"
        self._adjustments = self.rows["x835_adjustments"]
        self._loop = HEADER
        self._bpr_segment: list[str] | None = None
        self._payment: Decimal | None = None
        self._payment_date: dt.date | None = None
        self._trn: list[str] = []
        self._payer: list[str] = []
        self._payer_ref_2u: str | None = None
        self._payee: list[str] = []
        self._payee_ref_tj: str | None = None
        self._production_date: dt.date | None = None
        self._claim: _Claim | None = None
        self._line: _Line | None = None
        self._claim_count = 0
        self._claim_paid = ZERO
        self._plb_total = ZERO

    # -- header ---------------------------------------------------------------------------------
    def _bpr(self, seg: list[str]) -> None:
        self._bpr_segment = seg
        self._payment = self.money(seg, 2, required=True)
        self._payment_date = self.date(seg, 16)

    def _trn(self, seg: list[str]) -> None:
        if not self._trn:
            self._trn = seg

    def _n1(self, seg: list[str]) -> None:
        self._close_claim()
        entity = element(seg, 1)
        if entity == "PR":
            self._loop, self._payer = PAYER, seg
        elif entity == "PE":
            self._loop, self._payee = PAYEE, seg
        else:
            self._loop = OTHER_PARTY

    def _ref(self, seg: list[str]) -> None:
        loop = self._loop
        qualifier = seg[1] if len(seg) > 1 else ""
        value = seg[2] if len(seg) > 2 else ""
        if loop == LINE:
            line = self._line
            if qualifier == "6R" and line is not None and line.control_number is None:
                line.control_number = value or None
        elif loop == CLAIM:
            self._claim.references.append(f"{qualifier}:{value}")  # type: ignore[union-attr]
        elif loop == PAYER and qualifier == "2U" and self._payer_ref_2u is None:
            self._payer_ref_2u = value or None
        elif loop == PAYEE and qualifier == "TJ" and self._payee_ref_tj is None:
            self._payee_ref_tj = value or None

    def _dtm(self, seg: list[str]) -> None:
        loop = self._loop
        qualifier = seg[1] if len(seg) > 1 else ""
        if loop == LINE:
            line = self._line
            if qualifier == "472":
                line.date_472 = self.date(seg, 2)  # type: ignore[union-attr]
            elif qualifier == "150":
                line.date_150 = self.date(seg, 2)  # type: ignore[union-attr]
            elif qualifier == "151":
                line.date_151 = self.date(seg, 2)  # type: ignore[union-attr]
        elif loop == CLAIM:
            claim = self._claim
            if qualifier == "232":
                claim.start = self.date(seg, 2)  # type: ignore[union-attr]
            elif qualifier == "233":
                claim.end = self.date(seg, 2)  # type: ignore[union-attr]
            elif qualifier == "050":
                claim.received = self.date(seg, 2)  # type: ignore[union-attr]
        elif qualifier == "405" and loop == HEADER:
            self._production_date = self.date(seg, 2)

    def _lx(self, seg: list[str]) -> None:
        self._close_claim()
        self._loop = OTHER_PARTY

    # -- claims ---------------------------------------------------------------------------------
    def _clp(self, seg: list[str]) -> None:
        self._close_claim()
        for index in (1, 2):
            if not element(seg, index):
                raise self.error(seg, index, Rule.MISSING_ELEMENT, "required element is empty")
        billed = self.money(seg, 3, required=True)
        paid = self.money(seg, 4, required=True)
        assert billed is not None and paid is not None
        self._claim = _Claim(
            f"{self._prefix}:{self.position}", self.position, seg, billed, paid, self.money(seg, 5)
        )
        self._loop = CLAIM

    def _nm1(self, seg: list[str]) -> None:
        if self._loop != CLAIM:
            return
        claim = self._claim
        assert claim is not None
        entity = element(seg, 1)
        if entity == "QC":
            claim.patient_id = element(seg, 9) or None
        elif entity == "IL":
            claim.insured_id = element(seg, 9) or None
        elif entity == "82":
            claim.rendering_npi = element(seg, 9) or None

    def _cas(self, seg: list[str]) -> None:
        loop = self._loop
        if loop == LINE:
            level, line = LEVEL_LINE, self._line
            line_id = line.id  # type: ignore[union-attr]
        elif loop == CLAIM:
            level, line, line_id = LEVEL_CLAIM, None, None
        else:
            raise self.out_of_place(seg, "a claim or service line")
        claim = self._claim
        assert claim is not None
        group = seg[1] if len(seg) > 1 else ""
        if not group:
            raise self.error(seg, 1, Rule.MISSING_ELEMENT, "required element is empty")
        position = self.position
        prefix = f"{self._prefix}:{position}:"
        total = ZERO
        append = self._adjustments.append
        count = len(seg)
        for k, index in enumerate(CAS_TRIPLES, start=1):
            if index >= count:
                break
            reason = seg[index]
            if not reason:
                if index + 1 < count and seg[index + 1]:
                    raise self.error(
                        seg, index, Rule.MISSING_ELEMENT, "adjustment amount without a reason code"
                    )
                continue
            amount = _MONEY.get(seg[index + 1]) if index + 1 < count else None
            if amount is None:
                amount = self.money(seg, index + 1, required=True)
            total += amount  # type: ignore[operator]
            append(
                _new(
                    X835Adjustment,
                    (
                        prefix + str(k),  # adjustment_id
                        self._payment_id,  # payment_id
                        claim.id,  # remit_claim_id
                        line_id,  # remit_line_id (None at claim level)
                        *self._lineage,
                        position,  # lineage, segment_position
                        level,  # adjustment_level
                        group,  # group_code
                        reason,  # reason_code
                        amount,  # adjustment_amount
                        self.quantity(seg, index + 2) if index + 2 < count else None,  # quantity
                    ),
                )
            )
        if line is not None:
            line.adjustments += total
            claim.line_adjustments += total
        else:
            claim.claim_adjustments += total

    def _mia(self, seg: list[str]) -> None:
        self._claim_remarks(seg, MIA_REMARK_ELEMENTS)

    def _moa(self, seg: list[str]) -> None:
        self._claim_remarks(seg, MOA_REMARK_ELEMENTS)

    def _claim_remarks(self, seg: list[str], indexes: tuple[int, ...]) -> None:
        if self._loop != CLAIM:
            raise self.out_of_place(seg, "a claim")
        claim = self._claim
        assert claim is not None
        codes = [code for code in (element(seg, i) for i in indexes) if code]
        rows = self.rows["x835_remarks"]
        for k, code in enumerate(codes, start=1):
            rows.append(
                _new(
                    X835Remark,
                    (
                        f"{self._prefix}:{self.position}:{k}",  # remark_id
                        self._payment_id,  # payment_id
                        claim.id,  # remit_claim_id
                        None,  # remit_line_id
                        *self._lineage,
                        self.position,  # lineage, segment_position
                        LEVEL_CLAIM,  # remark_level
                        seg[0],  # source_segment (MIA | MOA)
                        None,  # remark_qualifier
                        code,  # remark_code
                    ),
                )
            )

    # -- service lines --------------------------------------------------------------------------
    def _svc(self, seg: list[str]) -> None:
        claim = self._claim
        if claim is None or (self._loop != CLAIM and self._loop != LINE):
            raise self.out_of_place(seg, "a claim")
        if self._line is not None:
            self._close_line()
        count = len(seg)
        billed = _MONEY.get(seg[2]) if count > 2 else None
        if billed is None:
            billed = self.money(seg, 2, required=True)
        paid = _MONEY.get(seg[3]) if count > 3 else None
        if paid is None:
            paid = self.money(seg, 3, required=True)
        claim.line_count += 1
        units, original_units = self.quantity(seg, 5), self.quantity(seg, 7)
        if (
            units is not None and units < 0 or original_units is not None and original_units < 0
        ) and claim.clp[2] != CLAIM_STATUS_REVERSAL:
            # a reversal (CLP02 = 22) negates its quantities too; anywhere else it is implausible
            self.finding(
                seg,
                5 if units is not None and units < 0 else 7,
                Rule.NEGATIVE_UNITS,
                "service units are negative on a line that is not a reversal",
            )
        self._line = _Line(
            f"{self._prefix}:{self.position}",
            self.position,
            claim.line_count,
            seg,
            billed,
            paid,  # type: ignore[arg-type]
            units,
            original_units,
        )
        self._loop = LINE

    def _amt(self, seg: list[str]) -> None:
        if self._loop == LINE and len(seg) > 1 and seg[1] == "B6":
            self._line.allowed = self.money(seg, 2)  # type: ignore[union-attr]

    def _lq(self, seg: list[str]) -> None:
        line = self._line
        if self._loop != LINE or line is None:
            raise self.out_of_place(seg, "a service line")
        claim = self._claim
        assert claim is not None
        code = element(seg, 2)
        if not code:
            raise self.error(seg, 2, Rule.MISSING_ELEMENT, "required element is empty")
        self.rows["x835_remarks"].append(
            _new(
                X835Remark,
                (
                    f"{self._prefix}:{self.position}",  # remark_id
                    self._payment_id,  # payment_id
                    claim.id,  # remit_claim_id
                    line.id,  # remit_line_id
                    *self._lineage,
                    self.position,  # lineage, segment_position
                    LEVEL_LINE,  # remark_level
                    "LQ",  # source_segment
                    element(seg, 1) or None,  # remark_qualifier (HE | RX)
                    code,  # remark_code
                ),
            )
        )

    # -- provider adjustments -------------------------------------------------------------------
    def _plb(self, seg: list[str]) -> None:
        self._close_claim()
        self._loop = TRAILER
        provider = element(seg, 1) or None
        period = self.date(seg, 2)
        rows = self.rows["x835_provider_adjustments"]
        for k, index in enumerate(
            range(PLB_FIRST_PAIR, min(len(seg), PLB_LAST_PAIR + 1), 2), start=1
        ):
            if not seg[index]:
                if element(seg, index + 1):
                    raise self.error(
                        seg,
                        index,
                        Rule.MISSING_ELEMENT,
                        "provider adjustment amount without a reason",
                    )
                continue
            reason = self.components(seg, index) + ["", ""]
            amount = self.money(seg, index + 1, required=True)
            assert amount is not None
            self._plb_total += amount
            rows.append(
                _new(
                    X835ProviderAdjustment,
                    (
                        f"{self._prefix}:{self.position}:{k}",  # provider_adjustment_id
                        self._payment_id,  # payment_id
                        *self._lineage,
                        self.position,  # lineage, segment_position
                        provider,  # provider_id (PLB01)
                        period,  # fiscal_period_date (PLB02)
                        reason[0] or None,  # provider_adjustment_reason_code
                        reason[1] or None,  # provider_adjustment_reference
                        amount,  # provider_adjustment_amount
                    ),
                )
            )

    # -- closing --------------------------------------------------------------------------------
    def _close_line(self) -> None:
        line = self._line
        if line is None:
            return
        self._line = None
        claim = self._claim
        assert claim is not None
        claim.line_paid += line.paid
        svc = line.svc
        count = len(svc)
        procedure = (svc[1] if count > 1 else "").split(self._component)
        procedure.extend(_BLANKS)
        original = (svc[6] if count > 6 else "").split(self._component)
        original.append("")
        service_date = line.date_472 or line.date_150
        difference = line.billed - line.adjustments - line.paid
        self.rows["x835_service_lines"].append(
            _new(
                X835ServiceLine,
                (
                    line.id,  # remit_line_id
                    claim.id,  # remit_claim_id
                    self._payment_id,  # payment_id
                    *self._lineage,
                    line.position,  # lineage, segment_position
                    line.sequence,  # line_sequence
                    procedure[0] or None,  # procedure_qualifier (SVC01-1)
                    procedure[1] or None,  # procedure_code (SVC01-2)
                    procedure[2] or None,  # modifier_1
                    procedure[3] or None,  # modifier_2
                    procedure[4] or None,  # modifier_3
                    procedure[5] or None,  # modifier_4
                    line.billed,  # billed_amount (SVC02)
                    line.paid,  # paid_amount (SVC03)
                    (svc[4] if count > 4 else "") or None,  # revenue_code (SVC04)
                    line.units,  # units_paid (SVC05)
                    original[0] or None,  # original_procedure_qualifier (SVC06-1)
                    original[1] or None,  # original_procedure_code (SVC06-2)
                    line.original_units,  # original_units (SVC07)
                    service_date,  # service_date (472, else 150)
                    line.date_151 or service_date,  # service_end_date
                    line.control_number,  # line_item_control_number (REF*6R)
                    line.allowed,  # allowed_amount (AMT*B6)
                    line.adjustments,  # adjustment_total
                    difference,  # balance_difference
                    difference == 0,  # is_balanced
                ),
            )
        )

    def _close_claim(self) -> None:
        claim = self._claim
        if claim is None:
            return
        self._close_line()
        self._claim = None
        clp = claim.clp + _BLANKS
        difference = claim.billed - claim.claim_adjustments - claim.line_adjustments - claim.paid
        if difference == 0 and claim.line_count:
            difference = claim.line_paid - claim.claim_adjustments - claim.paid
        self._claim_count += 1
        self._claim_paid += claim.paid
        self.rows["x835_claims"].append(
            _new(
                X835Claim,
                (
                    claim.id,  # remit_claim_id
                    self._payment_id,  # payment_id
                    *self._lineage,
                    claim.position,  # lineage, segment_position
                    clp[1],  # patient_control_number (CLP01)
                    clp[2],  # claim_status_code (CLP02)
                    claim.billed,  # billed_amount (CLP03)
                    claim.paid,  # paid_amount (CLP04)
                    claim.patient_responsibility,  # patient_responsibility_amount (CLP05)
                    clp[6] or None,  # claim_filing_indicator_code
                    clp[7] or None,  # payer_claim_control_number
                    clp[8] or None,  # facility_type_code
                    clp[9] or None,  # claim_frequency_code
                    clp[11] or None,  # drg_code
                    claim.patient_id,  # patient_id (NM1*QC)
                    claim.insured_id,  # insured_id (NM1*IL)
                    claim.rendering_npi,  # rendering_provider_npi (NM1*82)
                    claim.start,  # service_start_date (DTM*232)
                    claim.end,  # service_end_date (DTM*233)
                    claim.received,  # received_date (DTM*050)
                    "|".join(claim.references) or None,  # reference_ids
                    claim.line_count,  # line_count
                    claim.line_paid,  # line_paid_total
                    claim.claim_adjustments,  # claim_adjustment_total
                    claim.line_adjustments,  # line_adjustment_total
                    difference,  # balance_difference
                    difference == 0,  # is_balanced
                ),
            )
        )

    def finish(self) -> Rows:
        """Close the last claim, add the payment row and return every table's rows."""
        self._close_claim()
        bpr = self._bpr_segment
        if bpr is None or self._payment is None:
            self.position = self.context.st_position  # the set lacks it: point at its ST
            raise self.error(
                ["ST"], None, Rule.MISSING_SEGMENT, "an 835 transaction set needs a BPR segment"
            )
        signed = -self._payment if element(bpr, 3) == CREDIT_DEBIT_DEBIT else self._payment
        difference = signed - (self._claim_paid - self._plb_total)
        trn, payer, payee = self._trn, self._payer, self._payee
        trace_originator = element(trn, 3) or None
        payee_qualifier, payee_code = element(payee, 3), element(payee, 4) or None
        payee_npi = payee_code if payee_qualifier == "XX" else None
        payee_tax_id = (payee_code if payee_qualifier == "FI" else None) or self._payee_ref_tj
        self.rows["x835_payments"].append(
            _new(
                X835Payment,
                (
                    self._payment_id,  # payment_id
                    *self._lineage,
                    self.context.st_position,  # lineage, segment_position (ST)
                    element(bpr, 1) or None,  # transaction_handling_code
                    self._payment,  # payment_amount (BPR02)
                    element(bpr, 3) or None,  # credit_debit_flag
                    element(bpr, 4) or None,  # payment_method_code
                    self._payment_date,  # payment_date (BPR16)
                    element(trn, 2) or None,  # trace_number
                    trace_originator,  # trace_originator_id
                    element(payer, 4) or self._payer_ref_2u or trace_originator,  # payer_id
                    element(payer, 2) or None,  # payer_name
                    element(payee, 4) or None,  # payee_id
                    element(payee, 3) or None,  # payee_id_qualifier
                    element(payee, 2) or None,  # payee_name
                    payee_npi,  # payee_npi (N103=XX)
                    payee_tax_id,  # payee_tax_id (N103=FI, else REF*TJ)
                    self._production_date,  # production_date (DTM*405)
                    self._claim_count,  # claim_count
                    self._claim_paid,  # claim_paid_total
                    self._plb_total,  # provider_adjustment_total
                    difference,  # balance_difference
                    difference == 0,  # is_balanced
                ),
            )
        )
        return self.rows


X835Flattener.handlers = {
    "BPR": X835Flattener._bpr,
    "TRN": X835Flattener._trn,
    "N1": X835Flattener._n1,
    "REF": X835Flattener._ref,
    "DTM": X835Flattener._dtm,
    "LX": X835Flattener._lx,
    "CLP": X835Flattener._clp,
    "CAS": X835Flattener._cas,
    "NM1": X835Flattener._nm1,
    "MIA": X835Flattener._mia,
    "MOA": X835Flattener._moa,
    "SVC": X835Flattener._svc,
    "AMT": X835Flattener._amt,
    "LQ": X835Flattener._lq,
    "PLB": X835Flattener._plb,
}
