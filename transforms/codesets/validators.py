"""Code validators shared by Python, Great Expectations and (as twins in macros/validators.sql) dbt.

Every validator first normalises its input the same way its SQL twin does: surrounding spaces are
removed and letters upper-cased (Python also strips tabs and newlines; portable SQL `trim` strips
spaces only); `None` is never valid. The rules:

* ICD-10-CM (`icd10_status`): the code without its dot must be in the installed
  `simple-icd-10-cm` release; 'billable' when it is a leaf (no more specific code exists),
  'not_billable' for a header (a category or subcategory with children, e.g. 'E11', 'S00.0'), else
  'invalid'. The package holds one fiscal year (FY2026: 2025-10-01 .. 2026-09-30, April 2026
  update). A service date outside that year is judged against the same list -- the nearest
  release we hold -- rather than failed: an extract delivered late in the year would otherwise
  turn every diagnosis invalid. `icd10_release_covers()` tells callers whether a verdict for a date
  is authoritative, so a check can flag the date instead.
* CPT (`is_cpt_format`): five digits, or four digits followed by F (category II), T (category III)
  or U (proprietary laboratory analyses). Format only: CPT content is the AMA's.
* HCPCS level II (`is_hcpcs_level2_format`): one section letter then four digits. Section letters
  are A B C D E G H J K L M P Q R S T U V -- U is included (U0001..U0005 are CMS laboratory codes);
  D (dental, CDT) is included because it is part of the HIPAA HCPCS level II set; F, I, N, O, W, X,
  Y and Z begin no level II code.
* Modifier (`is_valid_modifier`): two letters/digits AND listed in seeds/ref_modifiers.csv.
  `is_modifier_format` is the format-only half, for callers that just need the shape.
* Place of service (`is_valid_place_of_service`): listed in seeds/ref_place_of_service_codes.csv
  (two digits, leading zero kept: '1' is not '01').
* NPI (`is_valid_npi`): ten digits whose last is the Luhn check digit computed over '80840' plus the
  first nine (the constant 24 stands for the prefix).
* CARC (`carc_root_cause`): the root cause from seeds/ref_carc_codes.csv; unknown codes -> 'other'.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from transforms.codesets import icd10cm
from transforms.codesets.seeds import carc_table, code_column

BILLABLE = "billable"
NOT_BILLABLE = "not_billable"
INVALID = "invalid"

_CPT = re.compile(r"[0-9]{4}[0-9FTU]")
HCPCS_SECTION_LETTERS = "ABCDEGHJKLMPQRSTUV"
_HCPCS = re.compile(rf"[{HCPCS_SECTION_LETTERS}][0-9]{{4}}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_NPI = re.compile(r"[0-9]{10}")
NPI_PREFIX_SUM = 24  # Luhn contribution of the card-issuer prefix 80840


def _clean(code: object) -> str:
    return "" if code is None else str(code).strip().upper()


# ---- ICD-10-CM ----


def normalize_icd10(code: str | None) -> str:
    """' e11.9 ' -> 'E119': strip, upper-case, drop dots. None -> ''."""
    return _clean(code).replace(".", "")


def icd10_status(code: str | None, service_date: dt.date | None = None) -> str:
    """'billable', 'not_billable' (a header code) or 'invalid' for the installed release.

    `service_date` outside the release's fiscal year does not change the verdict (see module doc);
    use `icd10_release_covers(service_date)` to know whether the verdict is authoritative.
    """
    del service_date  # one release held: every date is judged against it (documented above)
    sets = icd10cm.code_sets()
    plain = normalize_icd10(code)
    if plain in sets.billable_codes:
        return BILLABLE
    if plain in sets.all_codes:
        return NOT_BILLABLE
    return INVALID


def is_valid_icd10(code: str | None, service_date: dt.date | None = None) -> bool:
    """True for any code of the release, billable or header."""
    return icd10_status(code, service_date) != INVALID


def is_billable_icd10(code: str | None, service_date: dt.date | None = None) -> bool:
    """True only for leaf codes (the ones a claim may carry)."""
    return icd10_status(code, service_date) == BILLABLE


def icd10_release_covers(service_date: dt.date) -> bool:
    """True when the installed ICD-10-CM release governs `service_date` (its fiscal year)."""
    return icd10cm.release().covers(service_date)


def icd10_status_series(codes: pd.Series) -> pd.Series:
    """Vectorised `icd10_status` over a Series (None/NaN -> 'invalid')."""
    sets = icd10cm.code_sets()
    plain = codes.astype("string").str.strip().str.upper().str.replace(".", "", regex=False)
    status = pd.Series(INVALID, index=codes.index, dtype="object")
    status[plain.isin(sets.all_codes).fillna(False).astype(bool)] = NOT_BILLABLE
    status[plain.isin(sets.billable_codes).fillna(False).astype(bool)] = BILLABLE
    return status


# ---- procedures and modifiers ----


def is_cpt_format(code: str | None) -> bool:
    """Five digits, or four digits + F/T/U ('99213', '3074F', '0001T', '0001U')."""
    return _CPT.fullmatch(_clean(code)) is not None


def is_hcpcs_level2_format(code: str | None) -> bool:
    """A level II section letter + four digits ('J1100', 'G0439', 'U0003')."""
    return _HCPCS.fullmatch(_clean(code)) is not None


def is_procedure_code_format(code: str | None) -> bool:
    """CPT or HCPCS level II by format."""
    return is_cpt_format(code) or is_hcpcs_level2_format(code)


def is_procedure_code_format_series(codes: pd.Series) -> pd.Series:
    """Vectorised `is_procedure_code_format` (None/NaN -> False)."""
    clean = codes.astype("string").str.strip().str.upper()
    pattern = rf"{_CPT.pattern}|{_HCPCS.pattern}"
    return clean.str.fullmatch(pattern).fillna(False).astype(bool)


def is_modifier_format(code: str | None) -> bool:
    """Two letters or digits."""
    return _MODIFIER.fullmatch(_clean(code)) is not None


def is_valid_modifier(code: str | None) -> bool:
    """Well formed and listed in seeds/ref_modifiers.csv."""
    clean = _clean(code)
    return is_modifier_format(clean) and clean in code_column("ref_modifiers", "modifier_code")


# ---- places, providers, adjustments ----


def is_valid_place_of_service(code: str | None) -> bool:
    """Listed in seeds/ref_place_of_service_codes.csv (exactly two digits)."""
    return _clean(code) in code_column("ref_place_of_service_codes", "place_of_service_code")


def npi_check_digit(first_nine: str) -> int:
    """Luhn check digit of an NPI from its first nine digits (prefix 80840 included)."""
    total = NPI_PREFIX_SUM
    for index, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if index % 2 == 0:  # rightmost base digit is doubled
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(npi: str | None) -> bool:
    """Ten digits with a correct check digit ('1234567893' is valid, '1234567890' is not)."""
    clean = _clean(npi)
    if _NPI.fullmatch(clean) is None:
        return False
    return npi_check_digit(clean[:9]) == int(clean[9])


def is_valid_npi_series(npis: pd.Series) -> pd.Series:
    """Vectorised `is_valid_npi` (None/NaN -> False)."""
    clean = npis.astype("string").str.strip()
    shaped = clean.str.fullmatch(r"[0-9]{10}").fillna(False).astype(bool)
    result = pd.Series(False, index=npis.index, dtype=bool)
    if not shaped.any():
        return result
    packed = "".join(clean[shaped].tolist()).encode("ascii")
    digits = (np.frombuffer(packed, dtype=np.uint8).reshape(-1, 10) - ord("0")).astype(np.int64)
    doubled = digits[:, 0:9:2] * 2
    doubled = doubled - 9 * (doubled > 9)
    total = NPI_PREFIX_SUM + doubled.sum(axis=1) + digits[:, 1:9:2].sum(axis=1)
    result[shaped] = ((10 - total % 10) % 10) == digits[:, 9]
    return result


def carc_root_cause(code: str | None, group: str | None = None) -> str:
    """Root cause of a CARC as seeds/ref_carc_codes.csv gives it (denials: coding, billing,
    front_end, clinical, unclassified; not denials: contractual, patient_responsibility, prior_payer,
    duplicate, pending, other). A code not in the seed is, as in int_remittance_adjustments_classified,
    'unclassified' in group CO/OA/PI, 'patient_responsibility' in group PR, else 'other'."""
    entry = carc_table().get(_clean(code))
    if entry:
        return entry[0]
    group = _clean(group)
    if group in {"CO", "OA", "PI"}:
        return "unclassified"
    return "patient_responsibility" if group == "PR" else "other"


def is_denial_carc(code: str | None, group: str | None = None) -> bool:
    """True when the CARC denies money the provider expected; a code not in the seed is a denial
    in group CO/OA/PI (unclassified), not otherwise (mirrors the SQL rule)."""
    entry = carc_table().get(_clean(code))
    if entry:
        return bool(entry[1])
    return _clean(group) in {"CO", "OA", "PI"}
