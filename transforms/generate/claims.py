"""From a visit to a billed claim: pricing, coding dates, coding defects and re-coding.

A claim is built in one pass from one random stream. Defects are injected into the FINAL coding
(the one that is billed); a re-coded encounter keeps an earlier, different version that appears in
an earlier day's extract and is superseded by the later `coded_at`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TypeVar

from transforms.generate.catalog import (
    DEFECT_TYPES,
    DEFECT_WEIGHTS,
    DX_POOLS,
    MISMATCH_POOL,
    PROCEDURES,
    RECODE_RATE,
)
from transforms.generate.codes import DxPool, corrupt_npi, invalid_variant, non_billable_parent
from transforms.generate.visits import Visit
from transforms.generate.world import Coder, Patient, Provider, charge_per_unit, next_weekday

T = TypeVar("T")
EM_LADDERS = (
    ("99202", "99203", "99204", "99205"),
    ("99212", "99213", "99214", "99215"),
    ("99283", "99284", "99285"),
    ("99231", "99232", "99233"),
    ("99221", "99222", "99223"),
)


@dataclass(slots=True)
class ClaimLine:
    number: int
    code: str
    modifiers: list[str]
    units: int
    charge: int  # cents, all units
    pointers: list[int]  # 1-based into the claim's diagnoses
    control_number: str  # REF*6R
    category: str
    required: tuple[str, ...] = ()


@dataclass(slots=True)
class Coding:
    """One version of the encounter's coding (what the extract shows at `coded_at`)."""

    coded_at: datetime
    diagnoses: list[str]
    lines: list[ClaimLine]


@dataclass(slots=True)
class Claim:
    seq: int
    claim_id: str
    encounter_id: str
    patient: Patient
    provider: Provider
    rendering_npi: str
    visit_kind: str
    pos: str
    service_date: date
    coder: Coder
    final: Coding
    earlier: Coding | None
    submission_date: date
    defect: str = ""
    defect_lines: list[int] = field(default_factory=list)

    @property
    def lines(self) -> list[ClaimLine]:
        return self.final.lines

    @property
    def diagnoses(self) -> list[str]:
        return self.final.diagnoses

    @property
    def total_charge(self) -> int:
        return sum(line.charge for line in self.final.lines)


@cache
def invalid_code(code: str) -> str | None:
    return invalid_variant(code)


@cache
def header_code(code: str) -> str | None:
    return non_billable_parent(code)


def _price(visit: Visit, seq: int) -> list[ClaimLine]:
    lines = []
    for number, spec in enumerate(visit.lines, start=1):
        lines.append(
            ClaimLine(
                number,
                spec.code,
                list(spec.modifiers),
                spec.units,
                charge_per_unit(spec.code, spec.modifiers) * spec.units,
                list(spec.pointers),
                f"LI{seq:09d}{number:02d}",
                PROCEDURES[spec.code][1],
                spec.required,
            )
        )
    return lines


def _reprice(line: ClaimLine) -> None:
    line.charge = charge_per_unit(line.code, line.modifiers) * line.units


def _copy(lines: list[ClaimLine]) -> list[ClaimLine]:
    return [
        ClaimLine(
            ln.number,
            ln.code,
            list(ln.modifiers),
            ln.units,
            ln.charge,
            list(ln.pointers),
            ln.control_number,
            ln.category,
            ln.required,
        )
        for ln in lines
    ]


def _coded_at(rng: random.Random, day: date) -> datetime:
    seconds = 27000 + int(rng.random() * 38000)  # 07:30 .. 18:03
    return datetime.combine(day, time()) + timedelta(seconds=seconds)


def _lag(rng: random.Random, weights: tuple[float, ...]) -> int:
    x = rng.random()
    for days, weight in enumerate(weights):
        x -= weight
        if x < 0:
            return days
    return len(weights) - 1


def _applicable(kind: str, coding: Coding) -> bool:
    if kind == "missing_modifier":
        return any(
            ln.required and any(m in ln.modifiers for m in ln.required) for ln in coding.lines
        )
    if kind == "dx_not_supporting":
        return any(ln.category in MISMATCH_POOL for ln in coding.lines)
    if kind == "non_billable_icd":
        return any(header_code(code) for code in coding.diagnoses)
    if kind == "invalid_icd":
        return invalid_code(coding.diagnoses[0]) is not None
    return True


def choose_defect(rng: random.Random, coding: Coding) -> str:
    """A defect type, weighted, among those this claim's coding can carry."""
    options = [
        (kind, weight)
        for kind, weight in zip(DEFECT_TYPES, DEFECT_WEIGHTS, strict=True)
        if _applicable(kind, coding)
    ]
    x = rng.random() * sum(w for _, w in options)
    for kind, weight in options:
        x -= weight
        if x < 0:
            return kind
    return options[-1][0]


def inject_defect(
    rng: random.Random, kind: str, coding: Coding, npi: str, pools: dict[str, DxPool]
) -> tuple[list[int], str]:
    """Apply one applicable coding defect in place; returns (affected line numbers, NPI)."""
    lines, dx = coding.lines, coding.diagnoses
    if kind == "missing_modifier":
        line = _one(
            rng, [ln for ln in lines if ln.required and any(m in ln.modifiers for m in ln.required)]
        )
        dropped = next(m for m in line.required if m in line.modifiers)
        line.modifiers.remove(dropped)
        _reprice(line)
        return [line.number], npi
    if kind == "dx_not_supporting":
        line = _one(rng, [ln for ln in lines if ln.category in MISMATCH_POOL])
        wrong = _one(rng, pools[MISMATCH_POOL[line.category]])
        if wrong not in dx:
            dx.append(wrong)
        line.pointers = [dx.index(wrong) + 1]
        return [line.number], npi
    if kind == "non_billable_icd":
        index = next(i for i, code in enumerate(dx) if header_code(code))
        dx[index] = header_code(dx[index]) or dx[index]
        return [ln.number for ln in lines if index + 1 in ln.pointers], npi
    if kind == "invalid_icd":
        dx[0] = invalid_code(dx[0]) or dx[0]
        return [ln.number for ln in lines if 1 in ln.pointers], npi
    return [ln.number for ln in lines], corrupt_npi(npi)


def _one(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _earlier_version(
    rng: random.Random, final: Coding, coded_at: datetime, pools: dict[str, DxPool]
) -> Coding:
    """What the coder first exported before correcting it: a different E/M level, a missing
    modifier or a different first diagnosis."""
    lines = _copy(final.lines)
    dx = list(final.diagnoses)
    first = lines[0]
    ladder = next((lad for lad in EM_LADDERS if first.code in lad), None)
    roll = rng.random()
    with_modifiers = [ln for ln in lines if ln.modifiers]
    if ladder and roll < 0.5:
        position = ladder.index(first.code)
        first.code = ladder[position - 1] if position > 0 else ladder[position + 1]
        _reprice(first)
    elif with_modifiers and roll < 0.8:
        line = with_modifiers[int(rng.random() * len(with_modifiers))]
        line.modifiers.pop()
        _reprice(line)
    else:
        pool = pools["acute"]
        start = int(rng.random() * len(pool))
        # the first acute diagnosis from a random start that the visit does not have: a re-coding
        # always changes something (no extra draw, so the rest of the stream is unchanged)
        dx[0] = next(
            (
                pool[(start + k) % len(pool)]
                for k in range(len(pool))
                if pool[(start + k) % len(pool)] not in dx
            ),
            dx[0],
        )
    return Coding(coded_at, dx, lines)


def build_claim(
    rng: random.Random,
    seq: int,
    visit: Visit,
    patient: Patient,
    provider: Provider,
    coder: Coder,
    service_date: date,
    defect_rate: float,
    pools: dict[str, DxPool],
) -> Claim:
    """Price the visit, date its coding and billing, inject a defect and maybe a re-coding."""
    lines = _price(visit, seq)
    coding_lag = _lag(rng, (0.4, 0.35, 0.15, 0.05, 0.05))
    first_day = next_weekday(service_date + timedelta(days=coding_lag))
    final = Coding(_coded_at(rng, first_day), list(visit.diagnoses), lines)
    npi = provider.npi
    defect, defect_lines = "", []
    if rng.random() < min(1.0, defect_rate * coder.defect_multiplier):
        defect = choose_defect(rng, final)
        defect_lines, npi = inject_defect(rng, defect, final, npi, pools)
    earlier = None
    if rng.random() < RECODE_RATE:
        earlier = _earlier_version(rng, final, final.coded_at, pools)
        recoded_day = next_weekday(first_day + timedelta(days=1 + int(rng.random() * 5)))
        final.coded_at = _coded_at(rng, recoded_day)
    billed_day = next_weekday(final.coded_at.date() + timedelta(days=_lag(rng, (0.5, 0.4, 0.1))))
    return Claim(
        seq,
        f"PCN{seq:08d}",
        f"ENC{seq:08d}",
        patient,
        provider,
        npi,
        visit.kind,
        visit.pos,
        service_date,
        coder,
        final,
        earlier,
        billed_day,
        defect,
        defect_lines,
    )


def resolve_pools() -> dict[str, DxPool]:
    from transforms.generate.codes import resolve_pool

    return {name: resolve_pool(specs) for name, specs in DX_POOLS.items()}
