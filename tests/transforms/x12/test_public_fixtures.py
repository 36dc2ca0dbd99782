"""Every public X12 file other projects wrote (tests/fixtures/x12, provenance in SOURCES.md) against
totals read by an independent reader.

`reference_totals.json` was computed by `tests/fixtures/x12/reference_totals.py`, a standalone
reader that imports nothing from `transforms`, and cross-checked against oxedi 0.6.0 (a Rust-core
835 parser) for every 835 (see each file's `notes`). The rule tested here: whatever a payer's
envelope gets wrong, `rcm x12 inspect` reads every transaction set whose money is readable, its totals
equal the independent reading to the cent, and each envelope defect is listed as a finding.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from transforms.cli import main
from transforms.x12.inspect import inspect_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
REFERENCE: dict[str, dict] = json.loads((FIXTURES / "reference_totals.json").read_text())

# Files whose money cannot be read, and the transaction sets rejected (position, element, rule)
UNREADABLE: dict[str, list[tuple]] = {
    name: [tuple(item) for item in value["rejected"]]
    for name, value in json.loads((FIXTURES / "expected_rejections.json").read_text()).items()
    if not name.startswith("_")
}
# The independent reader's names for envelope defects -> our finding rules (None: not a finding:
# a trimmed ISA is read by counting separators, as real feeds require).
DEFECT_RULES = {
    "se01_count": "se01_count",
    "ge01_count": "ge01_count",
    "iea01_count": "iea01_count",
    "iea02_mismatch": "iea02_control_number",
    "ge02_mismatch": "ge02_control_number",
    "se02_mismatch": "se02_control_number",
    "no_isa": "missing_envelope",
    "isa_not_106": None,
}
READABLE = sorted(set(REFERENCE) - set(UNREADABLE))


def test_the_collection_is_what_the_issue_asks_for():
    # at least 10 public 835s and 5 public 837s, every file on disk has reference totals
    on_disk = {f"{p.parent.name}/{p.name}" for p in FIXTURES.glob("83*/*") if p.is_file()}
    assert on_disk == set(REFERENCE)
    kinds = [value["kind"] for value in REFERENCE.values()]
    assert kinds.count("835") >= 10 and kinds.count("837") >= 5
    versions = {v for value in REFERENCE.values() for v in value["gs08"]}
    assert {"004010X091A1", "005010X221A1", "004010X098A1", "005010X222A1"} <= versions


@pytest.mark.parametrize("name", READABLE)
def test_inspect_reads_every_readable_file_to_the_cent(name: str):
    expected = REFERENCE[name]
    # WHEN inspected as ingestion reads it
    summary = inspect_file(FIXTURES / name)
    # THEN nothing is rejected and counts and money equal the independent reading
    assert summary["rejected"] == []
    assert summary["transactions"] == expected["transaction_sets"]
    assert (summary["claims"], summary["service_lines"]) == (
        expected["claims"],
        expected["service_lines"],
    )
    if expected["kind"] == "835":
        assert {
            "billed_total": Decimal(summary["billed_total"]),
            "paid_total": Decimal(summary["paid_total"]),
            "patient_responsibility_total": Decimal(summary["patient_responsibility_total"]),
            "adjustment_total": Decimal(summary["adjustment_total"]),
            "plb_total": Decimal(summary["plb_total"]),
            "payment_total": Decimal(summary["payment_total"]),
        } == {
            "billed_total": Decimal(expected["clp03_total"]),
            "paid_total": Decimal(expected["clp04_total"]),
            "patient_responsibility_total": Decimal(expected["clp05_total"]),
            "adjustment_total": Decimal(expected["cas_total"]),
            "plb_total": Decimal(expected["plb_total"]),
            "payment_total": Decimal(expected["bpr02_total"]),
        }
    else:
        assert Decimal(summary["billed_total"]) == Decimal(expected["clm02_total"])
    # AND every envelope defect the independent reader saw is a finding (the money still loaded)
    wanted = {DEFECT_RULES[d] for d in expected["envelope_defects"]} - {None}
    assert wanted <= {finding["rule"] for finding in summary["findings"]}
    assert all(finding["severity"] == "warning" for finding in summary["findings"])
    if expected["gs08"]:
        assert summary["x12_versions"] == sorted(expected["gs08"])


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_file_whose_money_cannot_be_read_is_rejected_precisely(name: str):
    summary = inspect_file(FIXTURES / name)
    assert [(r["position"], r["element"], r["rule"]) for r in summary["rejected"]] == UNREADABLE[
        name
    ]
    assert summary["claims"] == 0 and summary["paid_total"] == "0.00"
    # AND the rest of the file was read: anything else it holds is a finding, not a rejection
    assert all(finding["severity"] == "warning" for finding in summary["findings"])


def test_cli_exits_0_on_every_readable_file_and_2_on_the_unreadable_one():
    readable = [str(FIXTURES / name) for name in READABLE]
    result = CliRunner().invoke(main, ["x12", "inspect", *readable])
    assert result.exit_code == 0, result.stderr
    assert len(result.output.splitlines()) == len(readable)
    for name in UNREADABLE:
        bad = CliRunner().invoke(main, ["x12", "inspect", str(FIXTURES / name)])
        assert bad.exit_code == 2 and f"segment {UNREADABLE[name][0][0]}:" in bad.stderr
