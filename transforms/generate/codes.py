"""Code sets for the generator: NPI check digits and ICD-10-CM pools drawn from the real code set.

ICD-10-CM comes from the installed `simple_icd_10_cm` package (the CMS/NCHS code list): pools are
resolved to billable (leaf) codes, and the coding defects are derived from the same list -- a
non-billable header is a real category above a pool code, an invalid code is a pool code altered
until the package no longer knows it. Everything is sorted, so the same pools give the same draws.
"""

from __future__ import annotations

from functools import cache

import simple_icd_10_cm as icd

NPI_PREFIX = "80840"


def luhn_check_digit(payload: str) -> int:
    """Check digit that makes `payload + digit` pass the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:  # doubled: the rightmost payload digit sits next to the check digit
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_check_digit(first_nine: str) -> int:
    """NPI check digit: Luhn over the prefix 80840 followed by the first nine digits."""
    return luhn_check_digit(NPI_PREFIX + first_nine)


def make_npi(first_nine: str) -> str:
    """A valid 10-digit NPI from nine digits (the first must be 1 or 2 for real NPIs)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("an NPI needs exactly nine leading digits")
    return first_nine + str(npi_check_digit(first_nine))


def corrupt_npi(npi: str) -> str:
    """The same NPI with a wrong check digit (the defect a payer's edit catches)."""
    wrong = (int(npi[-1]) + 5) % 10
    return npi[:-1] + str(wrong)


def is_valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == int(npi[-1])


def undotted(code: str) -> str:
    """ICD-10-CM as sent in X12 HI: no dot."""
    return code.replace(".", "")


DxPool = tuple[str, ...]  # dotted, billable, sorted ICD-10-CM codes


def _leaves(spec: str) -> list[str]:
    if not icd.is_valid_item(spec):
        raise ValueError(f"ICD-10-CM pool entry {spec!r} is not in the code set")
    if icd.is_leaf(spec):
        return [icd.add_dot(spec) if "." not in spec else spec]
    leaves = [c for c in icd.get_descendants(spec) if icd.is_leaf(c)]
    if spec[0] in "ST":  # injuries: only the initial-encounter 7th character
        leaves = [c for c in leaves if c.endswith("A")]
    return leaves


def non_billable_parent(code: str) -> str | None:
    """The nearest category or subcategory above `code` that is not itself billable."""
    parent = icd.get_parent(code)
    while parent and not icd.is_category_or_subcategory(parent):
        parent = icd.get_parent(parent)
    if parent and not icd.is_leaf(parent):
        return parent
    return None


def invalid_variant(code: str) -> str | None:
    """A look-alike of `code` that is not in the code set (a keying error), dotted."""
    bare = undotted(code)
    for candidate in (
        bare + "9",
        bare[:-1] + "Z" if len(bare) > 3 else bare + "Z",
        bare[:3] + "99",
        bare + "0",
    ):
        if len(candidate) <= 7 and not icd.is_valid_item(candidate):
            return candidate[:3] + "." + candidate[3:] if len(candidate) > 3 else candidate
    return None


@cache
def resolve_pool(specs: tuple[str, ...]) -> DxPool:
    """Expand a pool's codes and categories into its billable codes, sorted."""
    return tuple(sorted({leaf for spec in specs for leaf in _leaves(spec)}))


def is_billable(code: str) -> bool:
    """True for a code in the set that can be billed (a leaf)."""
    return icd.is_valid_item(code) and icd.is_leaf(code)
