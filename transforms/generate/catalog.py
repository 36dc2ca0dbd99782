"""Constants that make the synthetic practice look real: payers, specialties, procedure codes,
diagnosis pools, denial reason codes and the knobs that tune the denial mix.

Facts only: CPT/HCPCS and modifier values are codes (no descriptions are shipped), CARC/RARC values
are the X12-maintained codes, place-of-service and taxonomy codes are the CMS/NUCC values. Money is
in integer cents. Nothing here is random; `transforms.generate.world` draws from these tables.
"""

from __future__ import annotations

from typing import NamedTuple

# ---------------------------------------------------------------------------------------------
# Payers
# ---------------------------------------------------------------------------------------------


class Payer(NamedTuple):
    payer_id: str
    name: str
    filing_code: str  # SBR09 on the 837 (MB, MC, CI, BL, HM)
    remit_filing_code: str  # CLP06 on the 835 (its code list has no CI/BL: 12 PPO, 15 indemnity)
    kind: str  # 'MB' Medicare, 'MC' Medicaid, 'COM' commercial
    share: float  # share of patients whose primary payer this is
    fee_factor: int  # allowed amount as per-mille of the reference rate
    lag_days: tuple[int, int]  # submission -> adjudication (triangular between the bounds)
    pay_weekdays: tuple[int, ...]  # weekdays (Mon=0) the payer issues payments
    method: str  # BPR04: ACH or CHK
    base_denial: float  # chance a clean claim is denied (fully or on one line) at first pass
    root_weights: tuple[float, float, float, float]  # coding, billing, front_end, clinical
    lost_rate: float  # claims the payer never answers (open A/R)
    tin: str  # payer tax id, 9 digits (TRN03 = BPR10 = '1' + tin)
    pays_interest: bool  # prompt-pay interest (PLB L6) on claims paid after 30 days


PAYERS: tuple[Payer, ...] = (
    Payer(
        "51001",
        "MEDICARE PART B",
        "MB",
        "MB",
        "MB",
        0.30,
        1000,
        (14, 19),
        (0, 1, 2, 3, 4),
        "ACH",
        0.045,
        (0.38, 0.14, 0.18, 0.30),
        0.008,
        "510010001",
        True,
    ),
    Payer(
        "52002",
        "STATE MEDICAID",
        "MC",
        "MC",
        "MC",
        0.18,
        720,
        (18, 40),
        (3,),
        "ACH",
        0.13,
        (0.15, 0.30, 0.42, 0.13),
        0.03,
        "520020002",
        False,
    ),
    Payer(
        "53003",
        "ACME HEALTH INSURANCE",
        "CI",
        "12",
        "COM",
        0.20,
        1310,
        (8, 26),
        (1, 4),
        "ACH",
        0.08,
        (0.25, 0.20, 0.35, 0.20),
        0.012,
        "530030003",
        True,
    ),
    Payer(
        "54004",
        "NORTHWIND MUTUAL",
        "CI",
        "15",
        "COM",
        0.10,
        1240,
        (12, 32),
        (2,),
        "CHK",
        0.095,
        (0.22, 0.28, 0.30, 0.20),
        0.015,
        "540040004",
        True,
    ),
    Payer(
        "55005",
        "BLUE PLAN OF EXAMPLE STATE",
        "BL",
        "12",
        "COM",
        0.14,
        1280,
        (7, 20),
        (0, 1, 2, 3, 4),
        "ACH",
        0.055,
        (0.30, 0.20, 0.25, 0.25),
        0.01,
        "550050005",
        True,
    ),
    Payer(
        "56006",
        "SUMMIT HMO",
        "HM",
        "HM",
        "COM",
        0.08,
        1150,
        (18, 38),
        (0,),
        "CHK",
        0.11,
        (0.15, 0.15, 0.55, 0.15),
        0.015,
        "560060006",
        True,
    ),
)
PAYER_BY_ID = {p.payer_id: p for p in PAYERS}
MEDICAID_ID = "52002"
MEDIGAP_ID = "55005"  # the Blue plan also sells Medicare supplement policies
DUAL_ELIGIBLE_SHARE = 0.18  # Medicare patients with Medicaid as secondary (crossover)
MEDIGAP_SHARE = 0.22  # Medicare patients with a supplement as secondary (crossover)

# ---------------------------------------------------------------------------------------------
# The practice
# ---------------------------------------------------------------------------------------------
PRACTICE_NAME = "RIVERBEND MULTISPECIALTY GROUP"
PRACTICE_TIN = "731234567"
PRACTICE_ADDRESS = ("1200 RIVERBEND PKWY", "SPRINGFIELD", "IL", "627010001")
SUBMITTER_ID = "RBMG0001"
CLEARINGHOUSE_NAME = "EXAMPLE CLEARINGHOUSE"
CLEARINGHOUSE_ID = "ECH000001"
GROUP_TAXONOMY = "193200000X"  # multi-specialty group

# specialty -> (share of rendering providers, NUCC taxonomy)
SPECIALTIES: dict[str, tuple[float, str]] = {
    "family": (0.28, "207Q00000X"),
    "internal": (0.20, "207R00000X"),
    "pediatrics": (0.12, "208000000X"),
    "cardiology": (0.08, "207RC0000X"),
    "orthopedics": (0.09, "207X00000X"),
    "dermatology": (0.07, "207N00000X"),
    "emergency": (0.09, "207P00000X"),
    "hospitalist": (0.07, "208M00001X"),
}

# ---------------------------------------------------------------------------------------------
# Procedures: code -> (reference rate per unit in cents, category). Codes only, no descriptions.
# ---------------------------------------------------------------------------------------------
PROCEDURES: dict[str, tuple[int, str]] = {
    # evaluation and management
    "99202": (7300, "em"),
    "99203": (11200, "em"),
    "99204": (16800, "em"),
    "99205": (22100, "em"),
    "99212": (5600, "em"),
    "99213": (9000, "em"),
    "99214": (12800, "em"),
    "99215": (18000, "em"),
    "99391": (10900, "em"),
    "99392": (11700, "em"),
    "99393": (11600, "em"),
    "99394": (12600, "em"),
    "99395": (12400, "em"),
    "99396": (13400, "em"),
    "99397": (14500, "em"),
    "G0438": (16900, "em"),
    "G0439": (13000, "em"),
    "G2211": (1600, "em_addon"),
    "99283": (6900, "em"),
    "99284": (11800, "em"),
    "99285": (17400, "em"),
    "99221": (10400, "em"),
    "99222": (14000, "em"),
    "99223": (20500, "em"),
    "99231": (4600, "em"),
    "99232": (7400, "em"),
    "99233": (10900, "em"),
    # laboratory
    "36415": (300, "lab"),
    "85025": (800, "lab"),
    "80053": (1100, "lab"),
    "80061": (1400, "lab"),
    "83036": (1000, "lab"),
    "84443": (1700, "lab"),
    "81002": (300, "lab"),
    "87880": (1300, "lab"),
    # immunisation
    "90471": (1700, "vacc"),
    "90460": (2200, "vacc"),
    "90686": (2000, "vacc"),
    "90715": (3500, "vacc"),
    "90707": (8000, "vacc"),
    "90700": (2500, "vacc"),
    # injections and drugs
    "96372": (1500, "inj"),
    "J1030": (300, "drug"),
    "J3301": (200, "drug"),
    # cardiology
    "93000": (1700, "card"),
    "93010": (800, "card"),
    "93306": (21000, "card"),
    # orthopaedics and imaging
    "20610": (6000, "ortho"),
    "73562": (3500, "rad"),
    "73030": (3000, "rad"),
    "29881": (48000, "surg"),
    "71046": (3000, "rad"),
    # dermatology and minor procedures
    "11102": (9500, "derm"),
    "11103": (5000, "derm"),
    "17000": (6000, "derm"),
    "17003": (500, "derm"),
    "17110": (10000, "derm"),
    "12001": (9500, "surg"),
}

# practice charge = reference rate x multiplier (per-mille), rounded up to whole dollars
CHARGE_MULT: dict[str, int] = {
    "em": 2000,
    "em_addon": 1600,
    "lab": 1000,
    "vacc": 1500,
    "inj": 1800,
    "drug": 2500,
    "card": 2200,
    "ortho": 2400,
    "rad": 2100,
    "surg": 2600,
    "derm": 2300,
}
# allowed-amount factor for professional / technical component (per-mille)
COMPONENT_FACTOR = {"26": 350, "TC": 650}

FACILITY_POS = ("22", "19", "21", "23")

# diagnosis pools: ICD-10-CM codes or categories (expanded to billable leaves from the package)
DX_POOLS: dict[str, tuple[str, ...]] = {
    "chronic": (
        "E11.9",
        "E11.65",
        "E11.22",
        "I10",
        "E78.5",
        "E78.2",
        "E03.9",
        "K21.9",
        "F41.1",
        "G47.33",
        "E66.9",
        "J45.909",
        "E55.9",
        "E11",
        "E78",
        "F41",
        "K21",
    ),
    "acute": (
        "J06.9",
        "J02.9",
        "J01.90",
        "J20.9",
        "R05.9",
        "R50.9",
        "B34.9",
        "R10.9",
        "R51.9",
        "N39.0",
        "J06",
        "J02",
        "J01",
        "J20",
        "R10",
    ),
    "preventive_adult": ("Z00.00", "Z00.01"),
    "preventive_child": ("Z00.121", "Z00.129"),
    "vaccine": ("Z23",),
    "pediatric_acute": ("J06.9", "H66.90", "J02.9", "R50.9", "B34.9", "J45.909", "H66.9", "J06"),
    "cardio": (
        "I10",
        "I25.10",
        "I48.91",
        "I50.9",
        "R00.2",
        "R07.9",
        "I20.9",
        "R55",
        "I48",
        "I25.1",
        "I50",
    ),
    "ortho": (
        "M17.11",
        "M17.12",
        "M25.561",
        "M25.562",
        "M75.101",
        "M16.11",
        "M54.50",
        "M17",
        "M25.56",
        "M16",
        "S83.2",
        "S83.4",
    ),
    "derm": (
        "L57.0",
        "L82.1",
        "D22.5",
        "L70.0",
        "L30.9",
        "B07.8",
        "L40.0",
        "D48.5",
        "L82",
        "D22",
        "B07",
    ),
    "ed": (
        "S01.81XA",
        "S61.411A",
        "S93.401A",
        "R07.9",
        "R10.9",
        "J18.9",
        "N39.0",
        "R55",
        "T78.40XA",
        "S01.4",
        "S61.4",
        "S93.4",
    ),
    "inpatient": (
        "J18.9",
        "I50.9",
        "N17.9",
        "A41.9",
        "J44.1",
        "K85.90",
        "E87.1",
        "I50",
        "J44",
        "N17",
    ),
    "labs": ("E11.9", "E78.5", "D64.9", "R73.03", "E55.9", "E03.9", "I10", "E78", "D64"),
}
# for the 'diagnosis does not support the procedure' defect: category of the line -> a pool that
# plainly does not justify it
MISMATCH_POOL: dict[str, str] = {
    "lab": "ortho",
    "vacc": "derm",
    "inj": "cardio",
    "drug": "cardio",
    "card": "derm",
    "ortho": "acute",
    "rad": "derm",
    "surg": "chronic",
    "derm": "cardio",
}

# ---------------------------------------------------------------------------------------------
# Denials: CARC by root cause (group code, scope, weight, RARC or '')
# scope 'claim' denies every line; 'line' one line; 'reject' = CLP02 4, claim-level CAS, no SVC
# Each CARC's root cause is the one seeds/ref_carc_codes.csv gives it, and every CARC here is a
# denial there (tests/transforms/codesets/test_carc_root_causes.py). Not denials, so never here:
# 18 (exact duplicate), 24 (capitation: contractual), 133 (pending), 193 (appeal upheld).
# ---------------------------------------------------------------------------------------------


class DenialReason(NamedTuple):
    carc: str
    group: str
    scope: str
    weight: float
    rarc: str
    payer_kinds: str  # which payer kinds use it ('*' = all, else e.g. 'HM' filing code)


ROOT_CAUSES = ("coding", "billing", "front_end", "clinical")

DENIAL_REASONS: dict[str, tuple[DenialReason, ...]] = {
    "coding": (
        DenialReason("4", "CO", "line", 3.0, "", "*"),
        DenialReason("11", "CO", "line", 3.0, "M76", "*"),
        DenialReason("97", "CO", "line", 3.0, "M15", "*"),
        DenialReason("234", "CO", "line", 1.5, "", "*"),
        DenialReason("236", "CO", "line", 1.5, "M80", "*"),
        DenialReason("5", "CO", "line", 1.0, "", "*"),
        DenialReason("146", "CO", "claim", 1.0, "M76", "*"),
        DenialReason("181", "CO", "line", 0.5, "", "*"),
        DenialReason("189", "CO", "line", 0.5, "", "*"),
        DenialReason("6", "CO", "line", 0.4, "", "*"),
        DenialReason("9", "CO", "line", 0.4, "", "*"),
    ),
    "billing": (
        DenialReason("16", "CO", "claim", 5.0, "MA130", "*"),
        DenialReason("29", "CO", "claim", 1.5, "", "*"),
        DenialReason("125", "CO", "claim", 2.0, "MA130", "*"),
        DenialReason("252", "CO", "claim", 0.8, "", "*"),
    ),
    "front_end": (
        DenialReason("27", "CO", "claim", 3.0, "N30", "*"),
        DenialReason("31", "CO", "reject", 1.5, "", "*"),
        DenialReason("140", "CO", "reject", 0.7, "", "*"),
        DenialReason("22", "OA", "claim", 2.0, "", "*"),
        DenialReason("26", "CO", "claim", 1.0, "", "*"),
        DenialReason("109", "CO", "claim", 1.2, "", "*"),
        DenialReason("177", "CO", "claim", 0.8, "N30", "*"),
        DenialReason("197", "CO", "line", 3.0, "N54", "COM"),
        DenialReason("15", "CO", "line", 1.0, "", "COM"),
        DenialReason("62", "CO", "line", 0.8, "", "COM"),
        DenialReason("198", "CO", "line", 0.6, "", "COM"),
        DenialReason("288", "CO", "claim", 2.75, "", "HM"),
        DenialReason("243", "CO", "claim", 0.75, "", "HM"),
        DenialReason("39", "CO", "claim", 0.5, "", "COM"),
        DenialReason("200", "CO", "claim", 0.5, "", "MB"),
    ),
    "clinical": (
        DenialReason("50", "CO", "line", 4.0, "N115", "*"),
        DenialReason("96", "CO", "line", 2.0, "", "*"),
        DenialReason("167", "CO", "line", 2.0, "", "*"),
        DenialReason("204", "PI", "line", 1.5, "", "COM"),
        DenialReason("119", "CO", "line", 0.8, "", "*"),
        DenialReason("55", "CO", "line", 0.4, "", "*"),
        DenialReason("56", "CO", "line", 0.4, "", "*"),
    ),
}

# the CARC a payer uses for each injected coding defect, and how likely it catches the defect
DEFECT_TYPES = (
    "invalid_icd",
    "non_billable_icd",
    "missing_modifier",
    "dx_not_supporting",
    "bad_npi",
)
DEFECT_WEIGHTS = (0.12, 0.20, 0.45, 0.23, 0.10)  # renormalised over the applicable ones
DEFECT_DENIAL: dict[str, tuple[float, str, str, str, str]] = {
    # defect: (chance the payer denies, CARC, group, RARC, root cause)
    "invalid_icd": (0.92, "146", "CO", "M76", "coding"),
    "non_billable_icd": (0.85, "146", "CO", "M76", "coding"),
    "missing_modifier": (0.65, "4", "CO", "", "coding"),
    "dx_not_supporting": (0.60, "11", "CO", "M76", "coding"),
    "bad_npi": (0.85, "16", "CO", "N290", "billing"),
}

# The non-denial CARCs the adjudicator writes (patient share 1/2/3, prior payer 23, fee schedule
# 45, sequestration 253): each is_denial = false in seeds/ref_carc_codes.csv
NON_DENIAL_CARCS = frozenset({"1", "2", "3", "23", "45", "253"})

# chance an initially denied claim is later paid, by root cause
OVERTURN_RATE = {"coding": 0.45, "billing": 0.50, "front_end": 0.35, "clinical": 0.25}
PAYMENT_CORRECTION_RATE = 0.012  # paid claims later reversed and re-paid (CLP02 22 + corrected)
OVERPAYMENT_RECOVERY_RATE = 0.01  # paid claims whose overpayment is recovered later (PLB WO)
RECODE_RATE = 0.03  # encounters re-coded in a later day's extract before billing
INTEREST_PER_MILLE_YEAR = 80  # prompt-pay interest rate (8% a year)
RUN_OUT_DAYS = 30  # remittances keep arriving this long after the last service day
MAX_CLAIMS_PER_ST = 5000  # TR3 recommendation for 837 transaction sets

# ---------------------------------------------------------------------------------------------
# Synthetic people (names are invented; no real person is meant)
# ---------------------------------------------------------------------------------------------
LAST_NAMES = (
    "ALDER",
    "BRANNOCK",
    "CASTELLO",
    "DARROW",
    "ELLISON",
    "FAIRCHILD",
    "GALLOWAY",
    "HARTWELL",
    "IVERSEN",
    "JANSSEN",
    "KOWALCZYK",
    "LINDQVIST",
    "MORETTI",
    "NAKAMURA",
    "OKAFOR",
    "PETROVA",
    "QUINTERO",
    "ROSSITER",
    "SANTOS",
    "THORNBURY",
    "UDALL",
    "VASQUEZ",
    "WEXLER",
    "XIONG",
    "YARBROUGH",
    "ZIELINSKI",
    "ABERNATHY",
    "BECKFORD",
    "CHANDRA",
    "DELACROIX",
    "ESPINOZA",
    "FENWICK",
    "GRAYSON",
    "HOLLOWAY",
    "IBARRA",
    "JORGENSEN",
    "KENDRICK",
    "LOCKWOOD",
    "MARLOWE",
    "NORTHCOTT",
    "OYELARAN",
    "PENDLETON",
    "RADCLIFFE",
    "SOMERVILLE",
    "TREMBLAY",
    "VANTERPOOL",
    "WAINWRIGHT",
    "YOSHIDA",
)
FIRST_NAMES_F = (
    "ADA",
    "BEATRIX",
    "CORA",
    "DELIA",
    "EDITH",
    "FLORA",
    "GRETA",
    "HAZEL",
    "IRIS",
    "JUNE",
    "KAI",
    "LENA",
    "MAEVE",
    "NOOR",
    "OPAL",
    "PRIYA",
    "ROSA",
    "SAGE",
    "TESS",
    "VERA",
    "WREN",
    "YARA",
)
FIRST_NAMES_M = (
    "AMOS",
    "BRUNO",
    "CALEB",
    "DESMOND",
    "EMIL",
    "FELIX",
    "GIDEON",
    "HUGO",
    "IVAN",
    "JONAH",
    "KOFI",
    "LEVI",
    "MILO",
    "NIKO",
    "OTTO",
    "PABLO",
    "RUFUS",
    "SILAS",
    "TOBIAS",
    "VIKTOR",
    "WALLACE",
    "ZANE",
)
STREETS = (
    "OAK ST",
    "MAPLE AVE",
    "CEDAR LN",
    "ELM ST",
    "RIVER RD",
    "HILLCREST DR",
    "LAKEVIEW AVE",
    "PINE CT",
    "WILLOW WAY",
    "MEADOW LN",
    "SUMMIT AVE",
    "CHURCH ST",
)
CITIES = (
    ("SPRINGFIELD", "IL", "62701"),
    ("DECATUR", "IL", "62521"),
    ("PEORIA", "IL", "61602"),
    ("CHAMPAIGN", "IL", "61820"),
    ("BLOOMINGTON", "IL", "61701"),
    ("JACKSONVILLE", "IL", "62650"),
)
