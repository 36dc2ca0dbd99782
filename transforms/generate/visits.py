"""What happened at a visit: place of service, diagnoses and coded service lines, per specialty.

Each visit type is a small function of a random stream and the patient's context; it returns the
clean, correct coding (modifiers the payer requires are listed per line so a defect can drop one).
Defects and re-coding are applied afterwards by `transforms.generate.claims`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from transforms.generate.catalog import FACILITY_POS
from transforms.generate.codes import DxPool


@dataclass(slots=True)
class LineSpec:
    """One coded service line before pricing."""

    code: str
    modifiers: list[str]
    units: int
    pointers: list[int]  # 1-based indexes into the visit's diagnoses
    required: tuple[str, ...] = ()  # modifiers the payer's edits require on this line


@dataclass(slots=True)
class Visit:
    kind: str
    pos: str
    diagnoses: list[str] = field(default_factory=list)  # dotted ICD-10-CM, pointer order
    lines: list[LineSpec] = field(default_factory=list)

    def dx(self, code: str) -> int:
        """Pointer (1-based) of a diagnosis, adding it when new."""
        if code in self.diagnoses:
            return self.diagnoses.index(code) + 1
        self.diagnoses.append(code)
        return len(self.diagnoses)

    def add(
        self,
        code: str,
        pointers: list[int],
        modifiers: list[str] | None = None,
        units: int = 1,
        required: tuple[str, ...] = (),
    ) -> LineSpec:
        line = LineSpec(code, list(modifiers or []), units, pointers[:4], required)
        self.lines.append(line)
        return line


@dataclass(frozen=True, slots=True)
class Context:
    """What a visit may depend on."""

    age: int
    payer_kind: str  # MB, MC, COM
    service_date: date
    pools: dict[str, DxPool]


def _pick(rng: random.Random, pool: DxPool) -> str:
    return pool[int(rng.random() * len(pool))]


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def _require_25(visit: Visit) -> None:
    """An E/M on the same day as a procedure needs modifier 25."""
    em = visit.lines[0]
    if "25" not in em.modifiers:
        em.modifiers.insert(0, "25")
        em.required = em.required + ("25",)


def _side(rng: random.Random) -> str:
    return "RT" if rng.random() < 0.55 else "LT"


def _telehealth(rng: random.Random, ctx: Context) -> tuple[str, str]:
    pos = "10" if rng.random() < 0.6 else "02"
    modifier = "GT" if ctx.payer_kind == "MC" and rng.random() < 0.5 else "95"
    return pos, modifier


def _add_labs(rng: random.Random, ctx: Context, visit: Visit, first_ptr: int) -> None:
    lab_dx = visit.dx(_pick(rng, ctx.pools["labs"]))
    ptrs = [lab_dx, first_ptr] if lab_dx != first_ptr else [lab_dx]
    visit.add("36415", ptrs)
    tests = ("85025", "80053", "80061", "83036", "84443")
    first = tests[int(rng.random() * len(tests))]
    visit.add(first, ptrs)
    if rng.random() < 0.4:
        second = tests[int(rng.random() * len(tests))]
        if second == first:  # same test repeated the same day: modifier 91
            visit.add(second, ptrs, ["91"], required=("91",))
        else:
            visit.add(second, ptrs)


def office_visit(rng: random.Random, ctx: Context, new: bool = False, tele: bool = False) -> Visit:
    pos, tele_mod = _telehealth(rng, ctx) if tele else ("11", "")
    visit = Visit("new_visit" if new else ("telehealth" if tele else "office_visit"), pos)
    chronic = rng.random() < (0.75 if ctx.age >= 50 else 0.45)
    first = visit.dx(_pick(rng, ctx.pools["chronic" if chronic else "acute"]))
    for _ in range(int(rng.random() * 3)):
        visit.dx(_pick(rng, ctx.pools["chronic" if rng.random() < 0.6 else "acute"]))
    levels = ("99202", "99203", "99204", "99205") if new else ("99212", "99213", "99214", "99215")
    code = _weighted(rng, tuple(zip(levels, (0.12, 0.50, 0.31, 0.07), strict=True)))
    em_ptrs = list(range(1, len(visit.diagnoses) + 1))
    if tele:
        visit.add(code, em_ptrs, [tele_mod], required=(tele_mod,))
        return visit
    visit.add(code, em_ptrs)
    if rng.random() < 0.22:
        _add_labs(rng, ctx, visit, first)
    if rng.random() < 0.06:
        inj_dx = visit.dx(_pick(rng, ctx.pools["acute"]))
        visit.add("96372", [inj_dx])
        drug = "J1030" if rng.random() < 0.5 else "J3301"
        visit.add(drug, [inj_dx], units=1 + int(rng.random() * 2) if drug == "J1030" else 4)
        _require_25(visit)
    if rng.random() < 0.05:
        ecg_dx = visit.dx(_pick(rng, ctx.pools["cardio"]))
        visit.add("93000", [ecg_dx])
    if ctx.service_date.month in (10, 11, 12, 1, 2, 3) and rng.random() < 0.22:
        z23 = visit.dx("Z23")
        visit.add("90471", [z23])
        visit.add("90686", [z23])
        _require_25(visit)
    if ctx.payer_kind == "MB" and not new and len(visit.lines) == 1 and rng.random() < 0.3:
        visit.add("G2211", em_ptrs)
    return visit


def preventive(rng: random.Random, ctx: Context) -> Visit:
    visit = Visit("preventive", "11")
    if ctx.payer_kind == "MB":
        z = visit.dx(_pick(rng, ctx.pools["preventive_adult"]))
        code = "G0439" if rng.random() < 0.8 else "G0438"
    else:
        z = visit.dx(_pick(rng, ctx.pools["preventive_adult"]))
        code = "99395" if ctx.age < 40 else ("99396" if ctx.age < 65 else "99397")
    visit.add(code, [z])
    if rng.random() < 0.5:
        _add_labs(rng, ctx, visit, z)
    if ctx.payer_kind != "MB" and rng.random() < 0.15:  # a problem addressed at the same visit
        problem = visit.dx(_pick(rng, ctx.pools["chronic"]))
        visit.add("99213", [problem], ["25"], required=("25",))
    return visit


def lab_only(rng: random.Random, ctx: Context) -> Visit:
    visit = Visit("lab_only", "11")
    first = visit.dx(_pick(rng, ctx.pools["labs"]))
    visit.add("36415", [first])
    tests = ("85025", "80053", "80061", "83036", "84443", "81002")
    chosen = tests[int(rng.random() * len(tests))]
    visit.add(chosen, [first])
    if rng.random() < 0.5:
        other = tests[int(rng.random() * len(tests))]
        if other == chosen:
            visit.add(other, [first], ["91"], required=("91",))
        else:
            visit.add(other, [first])
    return visit


def well_child(rng: random.Random, ctx: Context) -> Visit:
    visit = Visit("well_child", "11")
    z = visit.dx(_pick(rng, ctx.pools["preventive_child"]))
    code = (
        "99391" if ctx.age < 1 else "99392" if ctx.age < 5 else "99393" if ctx.age < 12 else "99394"
    )
    visit.add(code, [z])
    if rng.random() < 0.6:
        z23 = visit.dx("Z23")
        vaccines = ("90700", "90707", "90715", "90686")
        visit.add("90460", [z23])
        visit.add(vaccines[int(rng.random() * len(vaccines))], [z23])
        if rng.random() < 0.4:
            visit.add("90460", [z23], units=1)
            visit.add(vaccines[int(rng.random() * len(vaccines))], [z23])
    return visit


def sick_child(rng: random.Random, ctx: Context) -> Visit:
    visit = Visit("sick_child", "11")
    first = visit.dx(_pick(rng, ctx.pools["pediatric_acute"]))
    if rng.random() < 0.3:
        visit.dx(_pick(rng, ctx.pools["pediatric_acute"]))
    code = _weighted(rng, (("99212", 0.2), ("99213", 0.55), ("99214", 0.25)))
    visit.add(code, list(range(1, len(visit.diagnoses) + 1)))
    if rng.random() < 0.3:
        visit.add("87880", [first])
    return visit


def pediatric_telehealth(rng: random.Random, ctx: Context) -> Visit:
    pos, modifier = _telehealth(rng, ctx)
    visit = Visit("telehealth", pos)
    first = visit.dx(_pick(rng, ctx.pools["pediatric_acute"]))
    visit.add("99213" if rng.random() < 0.7 else "99212", [first], [modifier], required=(modifier,))
    return visit


def cardiology(rng: random.Random, ctx: Context, new: bool = False) -> Visit:
    visit = Visit("cardiology_new" if new else "cardiology_visit", "11")
    first = visit.dx(_pick(rng, ctx.pools["cardio"]))
    if rng.random() < 0.6:
        visit.dx(_pick(rng, ctx.pools["cardio"]))
    if rng.random() < 0.4:
        visit.dx(_pick(rng, ctx.pools["chronic"]))
    code = (
        _weighted(rng, (("99203", 0.3), ("99204", 0.55), ("99205", 0.15)))
        if new
        else _weighted(rng, (("99213", 0.25), ("99214", 0.55), ("99215", 0.2)))
    )
    visit.add(code, list(range(1, len(visit.diagnoses) + 1)))
    if rng.random() < 0.5:
        visit.add("93000", [first])
    return visit


def echo(rng: random.Random, ctx: Context) -> Visit:
    in_facility = rng.random() < 0.45
    pos = FACILITY_POS[int(rng.random() * 2)] if in_facility else "11"
    visit = Visit("echocardiogram", pos)
    first = visit.dx(_pick(rng, ctx.pools["cardio"]))
    if in_facility:
        visit.add("93306", [first], ["26"], required=("26",))
    elif rng.random() < 0.2:  # scan done here, read by an outside cardiologist: technical only
        # TC is not a modifier a payer edit can require here: without it the line is the global
        # service, which is just as billable at POS 11, so dropping it is no detectable defect.
        visit.add("93306", [first], ["TC"])
    else:
        visit.add("93306", [first])
    return visit


def orthopedics(rng: random.Random, ctx: Context, injection: bool = False) -> Visit:
    visit = Visit("ortho_injection" if injection else "ortho_visit", "11")
    first = visit.dx(_pick(rng, ctx.pools["ortho"]))
    if rng.random() < 0.3:
        visit.dx(_pick(rng, ctx.pools["ortho"]))
    code = _weighted(rng, (("99213", 0.55), ("99214", 0.35), ("99203", 0.1)))
    visit.add(code, list(range(1, len(visit.diagnoses) + 1)))
    side = _side(rng)
    if rng.random() < 0.4:
        xray = "73562" if rng.random() < 0.7 else "73030"
        visit.add(xray, [first], [side], required=(side,))
    if injection:
        visit.add("20610", [first], [side], required=(side,))
        visit.add("J3301", [first], units=4)
        _require_25(visit)
    return visit


def arthroscopy(rng: random.Random, ctx: Context) -> Visit:
    pos = "22" if rng.random() < 0.6 else "19"
    visit = Visit("arthroscopy", pos)
    first = visit.dx(_pick(rng, ctx.pools["ortho"]))
    side = _side(rng)
    visit.add("29881", [first], [side], required=(side,))
    return visit


def dermatology(rng: random.Random, ctx: Context, kind: str) -> Visit:
    visit = Visit(f"derm_{kind}", "11")
    first = visit.dx(_pick(rng, ctx.pools["derm"]))
    if rng.random() < 0.4:
        visit.dx(_pick(rng, ctx.pools["derm"]))
    visit.add(
        _weighted(rng, (("99212", 0.25), ("99213", 0.6), ("99214", 0.15))),
        list(range(1, len(visit.diagnoses) + 1)),
    )
    if kind == "biopsy":
        visit.add("11102", [first])
        if rng.random() < 0.35:
            visit.add("11103", [first], units=1 + int(rng.random() * 2))
        if rng.random() < 0.25:  # a wart destroyed at the same session: distinct service
            wart = visit.dx("B07.8")
            visit.lines[1].modifiers.append("59")
            visit.lines[1].required = ("59",)
            visit.add("17110", [wart])
        _require_25(visit)
    elif kind == "destruction":
        visit.add("17000", [first])
        if rng.random() < 0.5:
            visit.add("17003", [first], units=1 + int(rng.random() * 13))
        _require_25(visit)
    return visit


def emergency(rng: random.Random, ctx: Context) -> Visit:
    visit = Visit("emergency", "23")
    first = visit.dx(_pick(rng, ctx.pools["ed"]))
    if rng.random() < 0.4:
        visit.dx(_pick(rng, ctx.pools["ed"]))
    visit.add(
        _weighted(rng, (("99283", 0.35), ("99284", 0.45), ("99285", 0.2))),
        list(range(1, len(visit.diagnoses) + 1)),
    )
    roll = rng.random()
    if roll < 0.15:  # a wound repaired: it points to an injury (the same draw picks which)
        injuries = [code for code in ctx.pools["ed"] if code[0] in "ST"]
        wound = first if visit.diagnoses[0][0] in "ST" else None
        wound = wound or visit.dx(injuries[int(roll / 0.15 * len(injuries))])
        visit.add("12001", [wound])
        _require_25(visit)
    if rng.random() < 0.3:
        visit.add("71046", [first], ["26"], required=("26",))
        if rng.random() < 0.1:  # repeated film the same day: modifier 76
            visit.add("71046", [first], ["26", "76"], required=("26", "76"))
    if rng.random() < 0.2:
        visit.add("93010", [first])
    return visit


def inpatient(rng: random.Random, ctx: Context) -> Visit:
    visit = Visit("inpatient", "21")
    visit.dx(_pick(rng, ctx.pools["inpatient"]))
    for _ in range(int(rng.random() * 3)):
        visit.dx(_pick(rng, ctx.pools["inpatient" if rng.random() < 0.5 else "chronic"]))
    admit = rng.random() < 0.35
    code = (
        _weighted(rng, (("99221", 0.2), ("99222", 0.45), ("99223", 0.35)))
        if admit
        else _weighted(rng, (("99231", 0.25), ("99232", 0.5), ("99233", 0.25)))
    )
    visit.add(code, list(range(1, len(visit.diagnoses) + 1)))
    return visit


VisitMaker = Callable[[random.Random, Context], Visit]

# specialty -> ((visit maker, weight), ...)
VISIT_TYPES: dict[str, tuple[tuple[VisitMaker, float], ...]] = {
    "family": (
        (office_visit, 0.55),
        (lambda r, c: office_visit(r, c, new=True), 0.08),
        (preventive, 0.14),
        (lab_only, 0.12),
        (lambda r, c: office_visit(r, c, tele=True), 0.11),
    ),
    "internal": (
        (office_visit, 0.58),
        (lambda r, c: office_visit(r, c, new=True), 0.07),
        (preventive, 0.10),
        (lab_only, 0.14),
        (lambda r, c: office_visit(r, c, tele=True), 0.11),
    ),
    "pediatrics": ((well_child, 0.45), (sick_child, 0.45), (pediatric_telehealth, 0.10)),
    "cardiology": (
        (cardiology, 0.6),
        (lambda r, c: cardiology(r, c, new=True), 0.15),
        (echo, 0.25),
    ),
    "orthopedics": (
        (orthopedics, 0.55),
        (lambda r, c: orthopedics(r, c, injection=True), 0.35),
        (arthroscopy, 0.10),
    ),
    "dermatology": (
        (lambda r, c: dermatology(r, c, "visit"), 0.35),
        (lambda r, c: dermatology(r, c, "biopsy"), 0.30),
        (lambda r, c: dermatology(r, c, "destruction"), 0.35),
    ),
    "emergency": ((emergency, 1.0),),
    "hospitalist": ((inpatient, 1.0),),
}

ADULT_SPECIALTY_MIX = (
    ("family", 0.30),
    ("internal", 0.26),
    ("cardiology", 0.10),
    ("orthopedics", 0.10),
    ("dermatology", 0.08),
    ("emergency", 0.09),
    ("hospitalist", 0.07),
)
CHILD_SPECIALTY_MIX = (
    ("pediatrics", 0.72),
    ("family", 0.10),
    ("emergency", 0.10),
    ("dermatology", 0.04),
    ("orthopedics", 0.04),
)


def pick_specialty(rng: random.Random, age: int) -> str:
    return _weighted(rng, CHILD_SPECIALTY_MIX if age < 18 else ADULT_SPECIALTY_MIX)


def make_visit(rng: random.Random, specialty: str, ctx: Context) -> Visit:
    """One visit of the specialty; children seen in primary care get paediatric visit types."""
    if ctx.age < 18 and specialty in ("family", "internal"):
        specialty = "pediatrics"
    options = VISIT_TYPES[specialty]
    total = sum(w for _, w in options)
    x = rng.random() * total
    for maker, weight in options:
        x -= weight
        if x < 0:
            return maker(rng, ctx)
    return options[-1][0](rng, ctx)
