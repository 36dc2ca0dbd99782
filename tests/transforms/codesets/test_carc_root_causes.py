"""The CARC seed's root causes against the rest of the project (issue #14, part 3).

* Every denial CARC names a denial cause (coding, billing, front_end, clinical, unclassified) and
  every non-denial CARC a non-denial one: no hidden fifth bucket of denials the report cannot show.
* Every CARC the synthetic feed can emit (its denial catalogue, its coding-defect denials and the
  literal CARCs of the adjudicator) is in the seed, with the generator's root cause equal to the
  seed's; every RARC it can emit is in the RARC seed.
* Every CARC and RARC the public 835 fixtures (tests/fixtures/x12) carry is in the seeds.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from transforms.codesets.seeds import read_seed
from transforms.generate import adjudicate, catalog
from transforms.raw.contract import columns
from transforms.x12.reader import TransactionResult, read_file

DENIAL_CAUSES = {"coding", "billing", "front_end", "clinical", "unclassified"}
NON_DENIAL_CAUSES = {
    "contractual",
    "patient_responsibility",
    "prior_payer",
    "duplicate",
    "pending",
    "other",
}
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
# A public sample that had its codes blanked out writes them as X's: not a code to look up.
REDACTED = re.compile(r"X+")


def _carcs() -> dict[str, dict[str, str]]:
    return {row["carc_code"]: row for row in read_seed("ref_carc_codes")}


def _rarcs() -> set[str]:
    return {row["rarc_code"] for row in read_seed("ref_rarc_codes")}


# ---------------------------------------------------------------- the seed on its own


def test_is_denial_is_true_exactly_for_the_denial_causes():
    # GIVEN every row of the CARC seed
    rows = _carcs().values()
    # THEN a denial has a denial cause, a non-denial a non-denial cause, and nothing else exists
    wrong = [
        (row["carc_code"], row["root_cause"], row["is_denial"])
        for row in rows
        if (row["is_denial"] == "true") != (row["root_cause"] in DENIAL_CAUSES)
    ]
    assert wrong == []
    assert {row["root_cause"] for row in rows} <= DENIAL_CAUSES | NON_DENIAL_CAUSES


@pytest.mark.parametrize(
    ("code", "root_cause", "is_denial"),
    [
        ("24", "contractual", "false"),  # capitation: paid under the contract, nothing denied
        ("18", "duplicate", "false"),  # exact duplicate: the money is on the original claim
        ("B13", "duplicate", "false"),  # paid already in an earlier payment
        ("23", "prior_payer", "false"),
        ("133", "pending", "false"),  # not final: neither paid nor denied yet
        ("193", "unclassified", "true"),  # earlier denial upheld: still denied, no cause of its own
        ("A1", "unclassified", "true"),  # the cause is in the remark codes
        ("276", "unclassified", "true"),  # the prior payer's denial, cause unknown here
        ("140", "front_end", "true"),  # member id and name: a registration error
        ("147", "billing", "true"),  # contracted rate not on file: contracting / credentialing
        ("256", "clinical", "true"),  # service not payable under the contract: coverage
    ],
)
def test_the_audited_codes_have_their_corrected_root_cause(code, root_cause, is_denial):
    row = _carcs()[code]
    assert (row["root_cause"], row["is_denial"]) == (root_cause, is_denial)


# ---------------------------------------------------------------- the synthetic feed's codes


def _generator_denials() -> list[tuple[str, str, str]]:
    """(CARC, root cause, where) for every denial the generator can emit."""
    found = [
        (reason.carc, root, f"DENIAL_REASONS[{root}]")
        for root, reasons in catalog.DENIAL_REASONS.items()
        for reason in reasons
    ]
    found += [
        (carc, root, f"DEFECT_DENIAL[{defect}]")
        for defect, (_, carc, _, _, root) in catalog.DEFECT_DENIAL.items()
    ]
    # literal denials in the adjudicator, e.g. Denial("billing", "16", "CO", ...)
    source = inspect.getsource(adjudicate)
    found += [
        (carc, root, "adjudicate.py")
        for root, carc in re.findall(r'Denial\(\s*"(\w+)",\s*"(\w+)"', source)
    ]
    return found


def _adjudicator_literal_carcs() -> set[str]:
    """CARCs written as literals in adjudicate.py: ("CO", "45", ...) and ("1", deductible)."""
    source = inspect.getsource(adjudicate)
    literal = set(re.findall(r'\(\s*"(?:CO|OA|PI|PR|CR)",\s*"(\w+)"', source))
    literal |= set(re.findall(r'\(\s*"(\w+)",\s*(?:deductible|coinsurance|copay)\s*\)', source))
    return literal


def test_every_generated_denial_carc_is_in_the_seed_with_the_same_root_cause():
    carcs = _carcs()
    denials = _generator_denials()
    assert len(denials) > 30
    # THEN each one is a seed denial, and the generator's root cause is the seed's
    mismatched = [
        (carc, root, where, carcs.get(carc, {}).get("root_cause"))
        for carc, root, where in denials
        if carc not in carcs
        or carcs[carc]["root_cause"] != root
        or carcs[carc]["is_denial"] != "true"
    ]
    assert mismatched == []
    # AND the generator's causes are denial causes the report knows
    assert set(catalog.ROOT_CAUSES) <= DENIAL_CAUSES
    assert set(catalog.DENIAL_REASONS) == set(catalog.ROOT_CAUSES)


def test_the_adjudicators_literal_carcs_are_the_non_denials_of_the_catalogue():
    carcs = _carcs()
    literal = _adjudicator_literal_carcs()
    # GIVEN the pricing, patient share, sequestration and crossover CARCs the adjudicator writes
    assert {"1", "2", "3", "23", "45", "253"} <= literal
    # THEN they are in the seed, none is a denial, and they are exactly NON_DENIAL_CARCS
    assert literal <= set(carcs)
    assert {code for code in literal if carcs[code]["is_denial"] == "true"} == set()
    assert literal == set(catalog.NON_DENIAL_CARCS)
    assert all(carcs[code]["is_denial"] == "false" for code in catalog.NON_DENIAL_CARCS)


def test_codes_the_audit_removed_from_the_denial_catalogue_stay_out():
    generated = {carc for carc, _, _ in _generator_denials()}
    assert not {"18", "24", "133", "193"} & generated
    front_end = {reason.carc: reason for reason in catalog.DENIAL_REASONS["front_end"]}
    assert front_end["140"].scope == "reject"  # still a CLP02 = 4 rejection


def test_every_rarc_the_generator_can_emit_is_in_the_seed():
    used = {reason.rarc for reasons in catalog.DENIAL_REASONS.values() for reason in reasons}
    used |= {rarc for _, _, _, rarc, _ in catalog.DEFECT_DENIAL.values()}
    used |= set(re.findall(r'"((?:MA|M|N)\d+)"', inspect.getsource(adjudicate)))
    used.discard("")
    assert {"MA01", "MA130", "N290", "M76", "N30", "N54", "N115", "M15", "M80"} <= used
    assert used - _rarcs() == set()


# ---------------------------------------------------------------- the public fixtures


def _fixture_codes() -> tuple[set[str], set[str]]:
    """CARCs and RARCs of every readable transaction set of the public 835 fixtures."""
    adjustment = columns("x835_adjustments").index("reason_code")
    remark = columns("x835_remarks").index("remark_code")
    carcs: set[str] = set()
    rarcs: set[str] = set()
    for path in sorted((FIXTURES / "835").iterdir()):
        for event in read_file(path):
            if isinstance(event, TransactionResult) and event.ok:
                carcs |= {row[adjustment] for row in event.rows["x835_adjustments"]}
                rarcs |= {row[remark] for row in event.rows["x835_remarks"]}
    return carcs, rarcs


def test_every_carc_and_rarc_of_the_public_fixtures_is_in_the_seeds():
    carcs, rarcs = _fixture_codes()
    # GIVEN the codes the fixtures use (they do use some: the reading is not empty)
    assert {"45", "23", "1", "2", "3"} <= carcs and rarcs
    # THEN every real code is in the seeds (blanked-out samples write X's instead of a code)
    assert {c for c in carcs if not REDACTED.fullmatch(c)} - set(_carcs()) == set()
    assert {r for r in rarcs if not REDACTED.fullmatch(r)} - _rarcs() == set()
