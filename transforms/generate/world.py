"""The synthetic practice's fixed cast, derived from the seed: clinicians, coders, patients, fees.

Everything here is a pure function of (seed, sizes): patients are computed from their index on
demand (and cached), so a million-claim run never holds the whole panel in memory.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from transforms.generate.catalog import (
    CHARGE_MULT,
    CITIES,
    COMPONENT_FACTOR,
    DUAL_ELIGIBLE_SHARE,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    LAST_NAMES,
    MEDICAID_ID,
    MEDIGAP_ID,
    MEDIGAP_SHARE,
    PAYER_BY_ID,
    PAYERS,
    PROCEDURES,
    SPECIALTIES,
    STREETS,
    Payer,
)
from transforms.generate.codes import make_npi


def derive_seed(seed: int, *parts: object) -> int:
    """A stable 64-bit seed for a named sub-stream (never Python's salted hash())."""
    text = ":".join([str(seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Person:
    last: str
    first: str
    birth_date: date
    sex: str
    street: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class Patient:
    patient_id: str  # the practice's record number
    person: Person
    subscriber: Person | None  # None when the patient is the subscriber
    payer: Payer
    member_id: str
    group_number: str
    plan: str  # medicare, medicaid, copay, coins, hdhp
    deductible_cents: int
    copay_cents: int
    coinsurance_pm: int  # per-mille
    secondary: Payer | None


@dataclass(frozen=True, slots=True)
class Provider:
    npi: str
    last: str
    first: str
    specialty: str
    taxonomy: str


@dataclass(frozen=True, slots=True)
class Coder:
    coder_id: str
    defect_multiplier: float


def _npi(rng: random.Random) -> str:
    return make_npi(("1" if rng.random() < 0.7 else "2") + f"{int(rng.random() * 1e8):08d}")


def _name(rng: random.Random, sex: str) -> tuple[str, str]:
    firsts = FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M
    return (
        LAST_NAMES[int(rng.random() * len(LAST_NAMES))],
        firsts[int(rng.random() * len(firsts))],
    )


def build_roster(seed: int, claims: int, days: int) -> dict[str, list[Provider]]:
    """Rendering clinicians by specialty, about 18 claims per clinician-day."""
    rng = random.Random(derive_seed(seed, "roster"))
    total = max(len(SPECIALTIES), min(400, math.ceil(claims / max(days, 1) / 18)))
    roster: dict[str, list[Provider]] = {}
    seen: set[str] = set()
    for specialty, (share, taxonomy) in SPECIALTIES.items():
        members = []
        for _ in range(max(1, round(total * share))):
            npi = _npi(rng)
            while npi in seen:
                npi = _npi(rng)
            seen.add(npi)
            sex = "F" if rng.random() < 0.5 else "M"
            last, first = _name(rng, sex)
            members.append(Provider(npi, last, first, specialty, taxonomy))
        roster[specialty] = members
    return roster


def build_coders(seed: int, providers: int) -> list[Coder]:
    """Human coders with different defect propensities (mean 1) -- the 'by coder' signal."""
    rng = random.Random(derive_seed(seed, "coders"))
    count = max(3, math.ceil(providers / 3))
    raw = [math.exp(rng.gauss(0.0, 0.6)) for _ in range(count)]
    mean = sum(raw) / count
    return [Coder(f"CDR{i + 1:04d}", round(m / mean, 4)) for i, m in enumerate(raw)]


def billing_npi(seed: int) -> str:
    rng = random.Random(derive_seed(seed, "billing-npi"))
    return make_npi("1" + f"{int(rng.random() * 1e8):08d}")


# ---------------------------------------------------------------------------------------------
# Patients
# ---------------------------------------------------------------------------------------------


def _person(rng: random.Random, age: int, reference: date, sex: str | None = None) -> Person:
    if sex is None:
        roll = rng.random()
        sex = "F" if roll < 0.52 else ("M" if roll < 0.998 else "U")
    last, first = _name(rng, "F" if sex == "F" else "M")
    birth = date(reference.year - age - 1, 1, 1) + timedelta(days=int(rng.random() * 365))
    city, state, zip_code = CITIES[int(rng.random() * len(CITIES))]
    street = f"{100 + int(rng.random() * 9800)} {STREETS[int(rng.random() * len(STREETS))]}"
    return Person(last, first, birth, sex, street, city, state, zip_code)


def _pick_payer(rng: random.Random) -> Payer:
    x = rng.random()
    for payer in PAYERS:
        x -= payer.share
        if x < 0:
            return payer
    return PAYERS[-1]


class PatientPanel:
    """Patients 0..size-1, each a pure function of (seed, index)."""

    def __init__(self, seed: int, size: int, reference: date) -> None:
        self.seed = seed
        self.size = size
        self.reference = reference
        self.get = lru_cache(maxsize=32768)(self._make)

    def _make(self, index: int) -> Patient:
        rng = random.Random(derive_seed(self.seed, "patient", index))
        payer = _pick_payer(rng)
        subscriber: Person | None = None
        secondary: Payer | None = None
        if payer.kind == "MB":
            age = 65 + int(rng.random() * 30) if rng.random() < 0.9 else 30 + int(rng.random() * 35)
            member = _mbi(rng)
            plan, deductible, copay, coins = "medicare", 25700, 0, 200
            roll = rng.random()
            if roll < DUAL_ELIGIBLE_SHARE:
                secondary = PAYER_BY_ID[MEDICAID_ID]
            elif roll < DUAL_ELIGIBLE_SHARE + MEDIGAP_SHARE:
                secondary = PAYER_BY_ID[MEDIGAP_ID]
            group = ""
        elif payer.kind == "MC":
            age = int(rng.random() * 18) if rng.random() < 0.45 else 18 + int(rng.random() * 47)
            member = f"MCD{int(rng.random() * 1e9):09d}"
            plan, deductible, copay, coins = "medicaid", 0, (200 if age >= 18 else 0), 0
            group = ""
        else:
            age = int(rng.random() * 18) if rng.random() < 0.22 else 18 + int(rng.random() * 47)
            member = f"{payer.name[:3]}{int(rng.random() * 1e9):09d}"
            group = f"GRP{int(rng.random() * 1e5):05d}"
            roll = rng.random()
            if roll < 0.25:
                deductible = 150000 + 50000 * int(rng.random() * 4)
                plan, copay, coins = "hdhp", 0, 200
            elif roll < 0.75:
                copay = (2500, 3000, 4000)[int(rng.random() * 3)]
                plan, deductible, coins = "copay", 50000, 100
            else:
                plan, deductible, copay, coins = "coins", 100000, 0, 200
        person = _person(rng, age, self.reference)
        if payer.kind == "COM" and age < 18:  # a dependent on a parent's policy
            subscriber = _person(rng, 28 + int(rng.random() * 25), self.reference)
            subscriber = Person(
                person.last,
                subscriber.first,
                subscriber.birth_date,
                subscriber.sex,
                person.street,
                person.city,
                person.state,
                person.zip,
            )
            member = member + "01"
        return Patient(
            f"MRN{index + 1:07d}",
            person,
            subscriber,
            payer,
            member,
            group,
            plan,
            deductible,
            copay,
            coins,
            secondary,
        )


_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


def _mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier shaped id (11 characters, no S/L/O/I/B/Z)."""

    def digit(lo: int = 0) -> str:
        return str(lo + int(rng.random() * (10 - lo)))

    def letter() -> str:
        return _MBI_LETTERS[int(rng.random() * len(_MBI_LETTERS))]

    def either() -> str:
        return digit() if rng.random() < 0.5 else letter()

    return (
        digit(1)
        + letter()
        + either()
        + digit()
        + letter()
        + either()
        + digit()
        + letter()
        + letter()
        + digit()
        + digit()
    )


def age_on(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------------------------
# Prices
# ---------------------------------------------------------------------------------------------


def charge_per_unit(code: str, modifiers: list[str] | tuple[str, ...] = ()) -> int:
    """The practice's charge-master price in cents, whole dollars."""
    rate, category = PROCEDURES[code]
    cents = rate * CHARGE_MULT[category] // 1000
    for modifier in modifiers:
        if modifier == "26":
            cents = cents * 400 // 1000
        elif modifier == "TC":
            cents = cents * 600 // 1000
    return -(-cents // 100) * 100


def build_fee_schedule(seed: int) -> dict[tuple[str, str], int]:
    """Allowed cents per unit for every (payer, code): reference rate x payer factor, +-6%."""
    fees: dict[tuple[str, str], int] = {}
    for payer in PAYERS:
        for code, (rate, _) in PROCEDURES.items():
            noise = 940 + derive_seed(seed, "fee", payer.payer_id, code) % 121  # 940..1060
            fees[(payer.payer_id, code)] = rate * payer.fee_factor // 1000 * noise // 1000
    return fees


def allowed_per_unit(
    fees: dict[tuple[str, str], int], payer_id: str, code: str, modifiers: list[str]
) -> int:
    cents = fees[(payer_id, code)]
    for modifier in modifiers:
        factor = COMPONENT_FACTOR.get(modifier)
        if factor:
            cents = cents * factor // 1000
    return cents


# ---------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def next_payment_day(payer: Payer, day: date) -> date:
    """The payer's first payment run on or after `day`."""
    while day.weekday() not in payer.pay_weekdays:
        day += timedelta(days=1)
    return day


def daily_claim_counts(claims: int, start: date, days: int) -> list[int]:
    """Spread claims over the service days: weekdays busy, Saturdays light, Sundays quiet."""
    weights = [
        (1.0, 1.0, 1.0, 1.0, 0.9, 0.3, 0.12)[(start + timedelta(days=i)).weekday()]
        for i in range(days)
    ]
    total = sum(weights)
    counts = []
    cumulative = 0.0
    assigned = 0
    for weight in weights:
        cumulative += weight
        target = round(claims * cumulative / total)
        counts.append(target - assigned)
        assigned = target
    return counts
