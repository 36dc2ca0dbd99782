"""Code validators: ICD-10-CM validity and billability, CPT/HCPCS formats, modifiers, POS, NPI, CARC."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.codesets import icd10cm
from transforms.codesets import validators as v

# ---------------------------------------------------------------- ICD-10-CM


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("U07.1", "U071"),
        (" u07.1 ", "U071"),
        ("E11.9", "E119"),
        ("e119", "E119"),
        ("S00.00XA", "S0000XA"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_icd10_strips_upper_cases_and_drops_the_dot(raw, normalised):
    # GIVEN a code as typed WHEN normalised THEN it is the dotless upper-case form
    assert v.normalize_icd10(raw) == normalised


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("U07.1", "billable"),  # COVID-19, with the dot
        ("U071", "billable"),  # ... and without
        (" u07.1 ", "billable"),  # spaces and lower case
        ("U07", "not_billable"),  # its category: a header
        ("E11", "not_billable"),  # category with children
        ("E11.9", "billable"),
        ("E11.", "not_billable"),  # trailing dot only
        ("S00.00", "not_billable"),  # subcategory that needs a 7th character
        ("S00.00XA", "billable"),  # with placeholder and 7th character
        ("S00.00X", "invalid"),  # placeholder without the 7th character
        ("B20", "billable"),  # a three-character code with no children
        ("Z68", "not_billable"),  # a category that shares its name with its block
        ("A00-A09", "invalid"),  # a block is not a code
        ("1", "invalid"),  # nor a chapter
        ("XYZ.1", "invalid"),
        ("", "invalid"),
        (None, "invalid"),
    ],
)
def test_icd10_status(code, status):
    # GIVEN a diagnosis code WHEN judged THEN billable / not_billable (header) / invalid
    assert v.icd10_status(code) == status
    assert v.is_valid_icd10(code) is (status != "invalid")
    assert v.is_billable_icd10(code) is (status == "billable")


def test_dates_outside_the_fiscal_year_use_the_same_list_and_say_so():
    # GIVEN the FY2026 release the package ships
    release = icd10cm.release()
    assert (release.fiscal_year, release.valid_from, release.valid_to) == (
        2026,
        dt.date(2025, 10, 1),
        dt.date(2026, 9, 30),
    )
    # WHEN a code is judged for dates inside and outside that year
    inside, before, after = dt.date(2026, 3, 1), dt.date(2025, 9, 30), dt.date(2026, 10, 1)
    # THEN the verdict is the same, and `icd10_release_covers` tells which verdicts are authoritative
    assert {v.icd10_status("U07.1", d) for d in (inside, before, after)} == {"billable"}
    assert [
        v.icd10_release_covers(d)
        for d in (dt.date(2025, 10, 1), inside, dt.date(2026, 9, 30), before, after)
    ] == [True, True, True, False, False]


def test_icd10_series_agrees_with_the_scalar_validator():
    # GIVEN a mix of codes, dots, case, spaces and missing values
    codes = pd.Series(["U07.1", "e11", " E11.9 ", "ZZZ", None, float("nan"), "S00.00XA"])
    # WHEN judged as a Series THEN each answer equals the scalar one
    expected = [v.icd10_status(None if isinstance(c, float) else c) for c in codes]
    assert v.icd10_status_series(codes).tolist() == expected
    assert expected == [
        "billable",
        "not_billable",
        "billable",
        "invalid",
        "invalid",
        "invalid",
        "billable",
    ]


def test_fast_code_list_matches_the_package_tree():
    # GIVEN the package's own tree (slow import) and our list-derived sets
    import simple_icd_10_cm as icd

    sets = icd10cm.code_sets()
    tree_codes = {
        c.replace(".", "") for c in icd.get_all_codes() if icd.is_category_or_subcategory(c)
    }
    tree_leaves = {
        c.replace(".", "")
        for c in icd.get_all_codes()
        if icd.is_category_or_subcategory(c) and icd.is_leaf(c)
    }
    # THEN every code and every billable (leaf) code agree
    assert sets.all_codes == tree_codes
    assert sets.billable_codes == tree_leaves
    assert len(sets.billable_codes) > 70_000


# ---------------------------------------------------------------- procedures, modifiers


@pytest.mark.parametrize(
    ("code", "cpt", "hcpcs"),
    [
        ("99213", True, False),
        (" 99213 ", True, False),
        ("00100", True, False),  # anesthesia range keeps its zeros
        ("3074F", True, False),  # category II
        ("0001T", True, False),  # category III
        ("0001U", True, False),  # proprietary laboratory analysis
        ("3074f", True, False),  # normalised to upper case
        ("0001A", False, False),  # A is not one of F/T/U
        ("9921", False, False),
        ("992133", False, False),
        ("J1100", False, True),
        ("G0439", False, True),
        ("A0428", False, True),
        ("U0003", False, True),  # U section: CMS laboratory codes
        ("D0120", False, True),  # D section: dental (CDT), part of level II
        ("V2020", False, True),
        ("j1100", False, True),
        ("F1234", False, False),  # no level II section starts with F, I, N, O, W-Z
        ("I1234", False, False),
        ("N1234", False, False),
        ("O1234", False, False),
        ("W1234", False, False),
        ("Z1234", False, False),
        ("J110", False, False),
        ("J11000", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_procedure_code_formats(code, cpt, hcpcs):
    # GIVEN a procedure code WHEN checked THEN CPT and HCPCS level II formats are told apart
    assert v.is_cpt_format(code) is cpt
    assert v.is_hcpcs_level2_format(code) is hcpcs
    assert v.is_procedure_code_format(code) is (cpt or hcpcs)


def test_procedure_series_agrees_with_the_scalar_validator():
    codes = pd.Series(["99213", "3074F", "J1100", "F1234", "abc", None, " g0439 "])
    assert v.is_procedure_code_format_series(codes).tolist() == [
        v.is_procedure_code_format(c) for c in codes
    ]


@pytest.mark.parametrize(
    ("code", "shape", "valid"),
    [
        ("25", True, True),
        ("59", True, True),
        ("LT", True, True),
        ("xs", True, True),
        (" 26 ", True, True),
        ("ZZ", True, False),  # well formed but not a modifier we know
        ("2", False, False),
        ("255", False, False),
        ("2-", False, False),
        (None, False, False),
    ],
)
def test_modifiers(code, shape, valid):
    # GIVEN a modifier WHEN checked THEN format and listing are both required to be valid
    assert v.is_modifier_format(code) is shape
    assert v.is_valid_modifier(code) is valid


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("11", True),
        ("02", True),
        ("10", True),
        ("23", True),
        ("99", True),
        ("1", False),
        ("2", False),
        ("00", False),
        ("30", False),
        ("011", False),
        (None, False),
    ],
)
def test_place_of_service(code, valid):
    # GIVEN a place-of-service value WHEN checked THEN only listed two-digit codes pass
    assert v.is_valid_place_of_service(code) is valid


# ---------------------------------------------------------------- NPI


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),  # the CMS worked example
        (" 1234567893 ", True),
        ("1234567890", False),  # wrong check digit
        ("1234567894", False),
        ("123456789", False),  # nine digits
        ("12345678931", False),  # eleven digits
        ("12345A7893", False),
        ("", False),
        (None, False),
    ],
)
def test_npi_check_digit(npi, valid):
    assert v.is_valid_npi(npi) is valid


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_any_npi_with_its_check_digit_is_valid_and_a_changed_digit_is_not(base, shift):
    # GIVEN nine digits and their Luhn check digit (prefix 80840)
    check = v.npi_check_digit(base)
    # THEN the ten digits are valid and every other last digit is not
    assert v.is_valid_npi(base + str(check))
    assert not v.is_valid_npi(base + str((check + shift) % 10))


def test_npi_series_agrees_with_the_scalar_validator():
    npis = pd.Series(["1234567893", "1234567890", None, "abc", " 1234567893", "1245319599"])
    assert v.is_valid_npi_series(npis).tolist() == [v.is_valid_npi(n) for n in npis]


# ---------------------------------------------------------------- CARC

# The primer's table (docs: revenue-cycle.md, "CARC by root cause"), kept here so the test runs
# on a clean clone. 'not a denial' codes are split into their own causes in the seed. Two
# corrections to the primer's billing row (issue #14): 18 (exact duplicate) is only in its "not a
# denial" row, and 140 (member id and name do not match) is a registration error: front end.
PRIMER_ROOT_CAUSES = {
    "coding": [
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "146",
        "181",
        "182",
        "189",
        "97",
        "234",
        "236",
    ],
    "billing": ["16", "29", "125", "252"],
    "front_end": [
        "22",
        "26",
        "27",
        "31",
        "32",
        "33",
        "109",
        "177",
        "200",
        "15",
        "39",
        "62",
        "197",
        "198",
        "288",
        "140",
    ],
    "clinical": ["50", "55", "56", "96", "167", "204", "119"],
}
# 24 (capitation), 18 (exact duplicate) and 133 (pending) are the primer's "not a denial" row too
PRIMER_NOT_DENIALS = ["1", "2", "3", "45", "24", "18", "133", "23", "59", "94", "253"]


@pytest.mark.parametrize(("root_cause", "codes"), sorted(PRIMER_ROOT_CAUSES.items()))
def test_carc_root_causes_follow_the_primer(root_cause, codes):
    # GIVEN the CARCs the primer attributes to a team WHEN looked up THEN that team is named
    assert {code: v.carc_root_cause(code) for code in codes} == dict.fromkeys(codes, root_cause)
    assert all(v.is_denial_carc(code) for code in codes)


def test_primer_non_denials_are_not_denials():
    # GIVEN deductible, coinsurance, copay, contractual and sequestration codes
    # THEN none is a denial, and 1/2/3 are the patient's responsibility
    assert not any(v.is_denial_carc(code) for code in PRIMER_NOT_DENIALS)
    assert {v.carc_root_cause(c) for c in ("1", "2", "3")} == {"patient_responsibility"}
    assert v.carc_root_cause("45") == v.carc_root_cause("24") == "contractual"
    assert (v.carc_root_cause("18"), v.carc_root_cause("133")) == ("duplicate", "pending")
    assert v.carc_root_cause("23") == "prior_payer"


def test_unknown_carc_is_other_and_not_a_denial():
    assert v.carc_root_cause("9999") == "other" and v.carc_root_cause(None) == "other"
    assert not v.is_denial_carc("9999")
    assert v.carc_root_cause(" b7 ") == "billing"
