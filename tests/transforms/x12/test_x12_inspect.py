"""`inspect_file` and `rcm x12 inspect`: counts and money as decimal strings; exit 0 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from transforms.cli import main
from transforms.harness.x12_synth import interchange, payment_835
from transforms.x12.inspect import inspect_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
KEYS = {
    "file",
    "interchanges",
    "groups",
    "transactions",
    "claims",
    "service_lines",
    "billed_total",
    "paid_total",
    "patient_responsibility_total",
    "adjustment_total",
    "plb_total",
    "payment_total",
    "reversals",
    "balance_errors",
}

# Hand-checked from the file text: claims, lines, billed, paid, patient resp., CAS, PLB, BPR02
EXPECTED = {
    "835/stupidedi__X221A1__multiple-claims-single-check.edi": (
        9,
        33,
        "2819.00",
        "810.80",
        "970.20",
        "2008.20",
        "0.00",
        "810.80",
    ),
    "835/stupidedi__X221A1__dollars-and-data-sent-together.edi": (
        2,
        0,
        "226366.97",
        "149998.73",
        "0.00",
        "76368.24",
        "-1.27",
        "150000.00",
    ),
    "835/edi-835-parser__emedny_sample.txt": (
        3,
        10,
        "102.50",
        "45.75",
        "0.00",
        "56.75",
        "0.00",
        "45.75",
    ),
    "835/LinuxForHealth-x12__tertiary-payment.835": (
        1,
        1,
        "1766.50",
        "187.50",
        "0.00",
        "1579.00",
        "0.00",
        "187.50",
    ),
    "837/stupidedi__X222A1__COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi": (
        1,
        3,
        "79.04",
        "0.00",
        "0.00",
        "39.89",
        "0.00",
        "0.00",
    ),
    "837/stupidedi__X223A2__two-claims-for-the-same-provider.edi": (
        2,
        3,
        "139.95",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_inspect_agrees_to_the_cent_with_the_file(name: str):
    summary = inspect_file(FIXTURES / name)
    assert set(summary) >= KEYS
    assert (summary["interchanges"], summary["groups"], summary["transactions"]) == (1, 1, 1)
    got = (
        summary["claims"],
        summary["service_lines"],
        summary["billed_total"],
        summary["paid_total"],
        summary["patient_responsibility_total"],
        summary["adjustment_total"],
        summary["plb_total"],
        summary["payment_total"],
    )
    assert got == EXPECTED[name]
    assert summary["reversals"] == 0
    json.dumps(summary)  # JSON-ready as returned


def test_balance_errors_name_level_position_and_difference_without_patient_data():
    summary = inspect_file(FIXTURES / "835/LinuxForHealth-x12__tertiary-payment.835")
    assert summary["balance_errors"] == [
        {
            "level": "claim",
            "position": 16,
            "interchange_control_number": "000000907",
            "transaction_control_number": "0001",
            "difference": "1579.00",
        },
        {
            "level": "line",
            "position": 20,
            "interchange_control_number": "000000907",
            "transaction_control_number": "0001",
            "difference": "21253.50",
        },
    ]
    assert "0001000054" not in json.dumps(summary)  # CLP01 never appears


def test_reversals_are_counted(tmp_path: Path):
    reversal = [["CLP", "R1", "22", "-10", "-10"]]
    original = [["CLP", "R1", "1", "10", "10"]]
    path = tmp_path / "rev.835"
    path.write_text(interchange([payment_835([reversal, original], payment="0")]))
    summary = inspect_file(path)
    assert (summary["reversals"], summary["paid_total"], summary["balance_errors"]) == (
        1,
        "0.00",
        [],
    )


def test_cli_prints_one_json_object_per_file_and_exits_0():
    runner = CliRunner()
    files = [
        str(FIXTURES / "835/stupidedi__X221A1__era-sample.edi"),
        str(FIXTURES / "835/LinuxForHealth-x12__tertiary-payment.835"),
    ]
    result = runner.invoke(main, ["x12", "inspect", *files])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["paid_total"] for line in lines] == ["132.00", "187.50"]
    assert len(lines[1]["balance_errors"]) == 2  # unbalanced still exits 0


def test_cli_exits_2_with_the_reason_when_a_file_cannot_be_parsed(tmp_path: Path):
    bad = tmp_path / "bad.edi"
    bad.write_bytes(b"\x00\x01 definitely not x12")
    good = FIXTURES / "835/stupidedi__X221A1__era-sample.edi"
    result = CliRunner().invoke(main, ["x12", "inspect", str(bad), str(good)])
    assert result.exit_code == 2
    assert "no_isa" in result.stderr and "bad.edi" in result.stderr
    assert json.loads(result.stdout.strip())["claims"] == 1


def test_text_after_the_last_iea_is_a_finding_not_a_failure(tmp_path: Path):
    path = tmp_path / "footer.835"
    path.write_text(
        interchange([payment_835([[["CLP", "F1", "1", "5", "5"]]], payment="5")])
        + "\n*** END OF REPORT ***\n"
    )
    summary = inspect_file(path)
    assert summary["claims"] == 1
    assert [(w["rule"], w["severity"]) for w in summary["findings"]] == [("missing_isa", "warning")]
    assert summary["rejected"] == []
