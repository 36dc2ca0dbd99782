"""`rcm x12 inspect`: miscounted envelopes reported, not refused, unless --strict (every public
sample against independent totals: tests/transforms/x12/test_public_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from transforms.cli import main
from transforms.harness.x12_synth import Style, bare_transactions, payment_835

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"


def test_miscounted_envelopes_are_reported_not_refused_unless_strict():
    # GIVEN imsweb's sample, whose SE01 says 25 for a 147-segment transaction set
    sample = str(FIXTURES / "837" / "imsweb-x12-parser__x12_complex.txt")
    # WHEN inspected THEN it is read (6 claims, 10 lines, $3,000.00 billed, per the provenance notes)
    result = CliRunner().invoke(main, ["x12", "inspect", sample])
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert (summary["claims"], summary["service_lines"], summary["billed_total"]) == (
        6,
        10,
        "3000.00",
    )
    assert [(e["rule"], e["position"]) for e in summary["findings"]] == [
        ("se01_count", 149),
        ("se01_count", 296),
        ("ge01_count", 297),
    ]
    assert summary["x12_versions"] == ["005010X222A1"] and summary["rejected"] == []
    # AND with --strict the same file is unparseable (exit 2, reason on stderr)
    strict = CliRunner().invoke(main, ["x12", "inspect", "--strict", sample])
    assert strict.exit_code == 2 and "se01_count" in strict.stderr


def test_a_bare_835_is_inspected_with_a_missing_envelope_finding(tmp_path: Path):
    # GIVEN a bare 835 (two ST..SE, no ISA/GS/GE/IEA, one segment per line): set 1 pays claims
    # A (100 billed, 80 paid, 20 patient) and B (50, 30, 5; CAS 15 + 5) with BPR02 110; set 2 pays
    # claim C (200, 150, 0; CAS 50) with a PLB of 10 and BPR02 140
    set_1 = payment_835(
        [
            [["CLP", "A1", "1", "100", "80", "20", "12"], ["CAS", "PR", "1", "20"]],
            [
                ["CLP", "B1", "1", "50", "30", "5", "12"],
                ["CAS", "CO", "45", "15"],
                ["CAS", "PR", "2", "5"],
            ],
        ],
        payment="110",
    )
    set_2 = payment_835(
        [[["CLP", "C1", "1", "200", "150", "0", "12"], ["CAS", "CO", "45", "50"]]],
        payment="140",
        plb=[["PLB", "1512345678", "20261231", ["WO", "X1"], "10"]],
    )
    path = tmp_path / "portal.835"
    path.write_text(bare_transactions([set_1, set_2], style=Style(after_terminator="\n")))
    # WHEN inspected
    result = CliRunner().invoke(main, ["x12", "inspect", str(path)])
    # THEN exit 0, and the totals are the hand-added figures above; the missing envelope is the one
    # finding, and nothing is rejected
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["interchanges"], summary["groups"], summary["transactions"]) == (0, 0, 2)
    assert (
        summary["claims"],
        summary["billed_total"],
        summary["paid_total"],
        summary["patient_responsibility_total"],
        summary["adjustment_total"],
        summary["plb_total"],
        summary["payment_total"],
    ) == (3, "350.00", "260.00", "25.00", "90.00", "10.00", "250.00")
    assert summary["balance_errors"] == [] and summary["rejected"] == []
    assert [(f["rule"], f["position"], f["severity"]) for f in summary["findings"]] == [
        ("missing_envelope", 1, "warning")
    ]
    assert summary["x12_versions"] == []
    # AND --strict refuses it as before (its sets are outside any functional group)
    strict = CliRunner().invoke(main, ["x12", "inspect", "--strict", str(path)])
    assert strict.exit_code == 2 and "[missing_gs]" in strict.stderr
    assert json.loads(strict.stdout)["paid_total"] == "0.00"
