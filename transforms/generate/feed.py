"""Streaming writer: spools each claim's text to the file it belongs in, then assembles the files.

Claims are generated day by day. Their pieces go to four kinds of output, keyed by date: the
encounter extract of the coding day, the 837 batch of the submission day, the 835 of the
payer's payment day and the patient-payments extract of the posting day. Text is buffered in memory up to a budget and appended to per-key spool files
in a private temporary folder; envelope counts and payment totals are kept as small per-key
tallies. When generation moves past a date, every file keyed before it is complete: it is
assembled (envelope + spooled body + trailer) into landing/ and its spool removed. Memory stays
bounded by the budget whatever the number of claims.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from transforms.generate import edi
from transforms.generate.adjudicate import ProviderAdjustment, RemitClaim
from transforms.generate.catalog import MAX_CLAIMS_PER_ST, PAYER_BY_ID
from transforms.generate.claims import Claim, Coding
from transforms.generate.patient_payments import PatientPosting

SpoolKey = tuple[str, date, str, int]  # (kind, date, payer id or '', transaction set index)
SPOOL_BUDGET = 16 << 20  # characters of text held in memory before spilling to the spool files


class Spool:
    """Append-only text per key: in memory up to `budget` characters, then in one file per key."""

    def __init__(self, folder: Path, budget: int | None = None) -> None:
        self.folder = folder
        self.budget = SPOOL_BUDGET if budget is None else budget
        self._buffers: dict[SpoolKey, list[str]] = {}
        self._files: dict[SpoolKey, Path] = {}
        self._size = 0
        self._counter = 0

    def write(self, key: SpoolKey, text: str) -> None:
        buffer = self._buffers.get(key)
        if buffer is None:
            buffer = self._buffers[key] = []
        buffer.append(text)
        self._size += len(text)
        if self._size > self.budget:
            self.flush()

    def flush(self) -> None:
        for key, buffer in self._buffers.items():
            if not buffer:
                continue
            path = self._files.get(key)
            if path is None:
                self._counter += 1
                path = self._files[key] = self.folder / f"{self._counter}.part"
            with path.open("a", encoding="ascii", newline="") as handle:
                handle.write("".join(buffer))
            buffer.clear()
        self._size = 0

    def drain(self, key: SpoolKey, sink: IO[str]) -> None:
        """Copy everything written under `key` to `sink`, then forget the key."""
        path = self._files.pop(key, None)
        if path is not None:
            with path.open("r", encoding="ascii", newline="") as handle:
                shutil.copyfileobj(handle, sink, 1 << 20)
            path.unlink()
        buffer = self._buffers.pop(key, None)
        if buffer:
            text = "".join(buffer)
            self._size -= len(text)
            sink.write(text)


@dataclass(slots=True)
class _StTally:
    claims: int = 0
    next_hl: int = 2
    segments: int = 0


@dataclass(slots=True)
class _PaymentTally:
    claims: int = 0
    segments: int = 0
    paid: int = 0
    pairs: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass(slots=True)
class FileCounts:
    encounter_files: int = 0
    encounter_rows: int = 0
    claim_files: int = 0
    transaction_sets_837: int = 0
    remit_files: int = 0
    interest_pairs: int = 0
    recovery_pairs: int = 0
    recoveries_dropped: int = 0
    zero_payments: int = 0
    patient_payment_files: int = 0
    patient_payment_rows: int = 0
    remit_names: list[str] = field(default_factory=list)


class FeedWriter:
    """Owns the landing folders, the spool and the envelope/control-number state."""

    def __init__(
        self, landing: Path, scratch: Path, billing_npi: str, budget: int | None = None
    ) -> None:
        self.landing = landing
        self.billing_npi = billing_npi
        self.spool = Spool(scratch, budget)
        self.encounter_days: dict[date, int] = {}
        self.batches: dict[date, list[_StTally]] = {}
        self.payments: dict[tuple[str, date], _PaymentTally] = {}
        self.patient_payment_days: dict[date, int] = {}
        self.counts = FileCounts()
        self._isa_837 = 0
        self._isa_835 = 0
        self._payment_seq: dict[str, int] = {}
        for folder in ("encounters", "claims", "remits", "patient_payments"):
            (landing / folder).mkdir(parents=True, exist_ok=True)

    # ---- adding one claim ----------------------------------------------------------------
    def add_encounter(self, claim: Claim, coding: Coding) -> None:
        day = coding.coded_at.date()
        self.spool.write(("E", day, "", 0), edi.encounter_rows(claim, coding, self.billing_npi))
        self.encounter_days[day] = self.encounter_days.get(day, 0) + len(coding.lines)

    def add_claim(self, claim: Claim, submitted: date) -> None:
        sets = self.batches.setdefault(submitted, [_StTally()])
        tally = sets[-1]
        if tally.claims >= MAX_CLAIMS_PER_ST:
            tally = _StTally()
            sets.append(tally)
        text, segments, used = edi.claim_837(claim, tally.next_hl)
        tally.claims += 1
        tally.next_hl += used
        tally.segments += segments
        self.spool.write(("C", submitted, "", len(sets) - 1), text)

    def add_remit(self, remit: RemitClaim, claim: Claim) -> None:
        key = (remit.payer.payer_id, remit.pay_date)
        tally = self.payments.get(key)
        if tally is None:
            tally = self.payments[key] = _PaymentTally()
        text, segments = edi.claim_835(remit, claim)
        tally.claims += 1
        tally.segments += segments
        tally.paid += remit.paid
        self.spool.write(("R", remit.pay_date, remit.payer.payer_id, 0), text)

    def add_patient_payment(self, posting: PatientPosting) -> None:
        day = posting.payment_date
        self.spool.write(("P", day, "", 0), edi.patient_payment_row(posting, self.billing_npi))
        self.patient_payment_days[day] = self.patient_payment_days.get(day, 0) + 1

    def add_provider_adjustment(self, adjustment: ProviderAdjustment) -> None:
        key = (adjustment.payer.payer_id, adjustment.pay_date)
        tally = self.payments.get(key)
        if tally is None:
            tally = self.payments[key] = _PaymentTally()
        tally.pairs.append((adjustment.code, adjustment.reference, adjustment.amount))

    # ---- assembling complete files ---------------------------------------------------------
    def finish_before(self, day: date) -> None:
        """Assemble every file dated before `day` (nothing later can still add to them)."""
        for when in sorted(d for d in self.encounter_days if d < day):
            self._write_encounters(when)
        for when in sorted(d for d in self.batches if d < day):
            self._write_batch(when)
        for payer_id, when in sorted(
            (k for k in self.payments if k[1] < day), key=lambda k: (k[1], k[0])
        ):
            self._write_payment(payer_id, when)
        for when in sorted(d for d in self.patient_payment_days if d < day):
            self._write_patient_payments(when)

    def finish(self) -> None:
        self.finish_before(date.max)

    def _write_encounters(self, day: date) -> None:
        rows = self.encounter_days.pop(day)
        path = self.landing / "encounters" / f"encounters_{edi.d8(day)}.csv"
        with path.open("w", encoding="utf-8", newline="") as sink:
            sink.write(edi.ENCOUNTER_HEADER)
            self.spool.drain(("E", day, "", 0), sink)
        self.counts.encounter_files += 1
        self.counts.encounter_rows += rows

    def _write_patient_payments(self, day: date) -> None:
        rows = self.patient_payment_days.pop(day)
        path = self.landing / "patient_payments" / f"patient_payments_{edi.d8(day)}.csv"
        with path.open("w", encoding="utf-8", newline="") as sink:
            sink.write(edi.PATIENT_PAYMENT_HEADER)
            self.spool.drain(("P", day, "", 0), sink)
        self.counts.patient_payment_files += 1
        self.counts.patient_payment_rows += rows

    def _write_batch(self, day: date) -> None:
        sets = self.batches.pop(day)
        self._isa_837 += 1
        control = self._isa_837
        hhmm = f"{18 + control % 4:02d}{(control * 7) % 60:02d}"
        path = self.landing / "claims" / f"837P_{edi.d8(day)}_{control:09d}.837"
        with path.open("w", encoding="ascii", newline="") as sink:
            sink.write(edi.header_837(day, control, hhmm))
            for index, tally in enumerate(sets):
                st_number = index + 1
                head, head_segments = edi.st_header_837(
                    st_number, f"B{control:07d}{st_number:02d}", day, hhmm, self.billing_npi
                )
                sink.write(head)
                self.spool.drain(("C", day, "", index), sink)
                sink.write(edi.trailer_st(head_segments + tally.segments + 1, st_number))
            sink.write(edi.trailer_interchange(len(sets), control))
        self.counts.claim_files += 1
        self.counts.transaction_sets_837 += len(sets)

    def _write_payment(self, payer_id: str, day: date) -> None:
        tally = self.payments.pop((payer_id, day))
        payer = PAYER_BY_ID[payer_id]
        pairs, dropped = _cap_recoveries(tally.pairs, tally.paid)
        self.counts.recoveries_dropped += dropped
        if tally.claims == 0 and not pairs:
            return
        amount = tally.paid - sum(a for _, _, a in pairs)
        self._isa_835 += 1
        control = self._isa_835
        sequence = self._payment_seq[payer_id] = self._payment_seq.get(payer_id, 0) + 1
        trace = (
            f"{edi.d8(day)}{payer_id}{sequence:04d}"
            if payer.method == "ACH"
            else f"{int(payer_id[:2])}{sequence:07d}"
        )
        production = day - timedelta(days=1 if payer.method == "ACH" else 2)
        hhmm = f"{5 + control % 3:02d}{(control * 13) % 60:02d}"
        head, st_segments = edi.header_835(
            payer, day, production, amount, trace, control, hhmm, self.billing_npi
        )
        if tally.claims == 0:  # provider-level adjustments only: no LX
            head = head[: -len("LX*1" + edi.TERM)]
            st_segments -= 1
        plb = edi.plb_segments(self.billing_npi, day, pairs)
        name = f"835_{payer_id}_{edi.d8(day)}_{trace}.835"
        with (self.landing / "remits" / name).open("w", encoding="ascii", newline="") as sink:
            sink.write(head)
            self.spool.drain(("R", day, payer_id, 0), sink)
            for segment in plb:
                sink.write(segment + edi.TERM)
            sink.write(edi.trailer_st(st_segments + tally.segments + len(plb) + 1, 1))
            sink.write(edi.trailer_interchange(1, control))
        self.counts.remit_files += 1
        self.counts.remit_names.append(name)
        self.counts.interest_pairs += sum(1 for code, _, _ in pairs if code == "L6")
        self.counts.recovery_pairs += sum(1 for code, _, _ in pairs if code == "WO")
        self.counts.zero_payments += amount == 0

    def duplicate_one_remit(self, pick: int) -> tuple[str, str] | None:
        """Deliver one 835 a second time under another name (same bytes)."""
        names = self.counts.remit_names
        if not names:
            return None
        original = names[pick % len(names)]
        stem = original[: -len(".835")].split("_")
        copy = f"ERA_{stem[1]}_{stem[3]}_{stem[2]}.835"
        folder = self.landing / "remits"
        shutil.copyfile(folder / original, folder / copy)
        return original, copy


Pair = tuple[str, str, int]


def _cap_recoveries(pairs: list[Pair], paid: int) -> tuple[list[Pair], int]:
    """Keep overpayment recoveries (WO) within half of the claim payments, so BPR02 >= 0."""
    room = max(0, paid) // 2
    kept, dropped = [], 0
    for code, ref, amount in pairs:
        if amount > 0:
            if amount > room:
                dropped += 1
                continue
            room -= amount
        kept.append((code, ref, amount))
    return kept, dropped
