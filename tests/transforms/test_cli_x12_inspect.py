"""`rcm x12 inspect`: miscounted envelopes reported, not refused, unless --strict (every public
sample against independent totals: tests/transforms/x12/test_public_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from transforms.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"


def test_miscounted_envelopes_are_reported_not_refused_unless_strict():
    # GIVEN imsweb's sample, whose SE01 says 25 for a 147-segment transaction set
    sample = str(FIXTURES / "837" / "imsweb-x12-parser__x12_complex.txt")
    # WHEN inspected THEN it is read (6 claims, 10 lines, $3,000.00 billed, per the provenance notes)
    result = CliRunner().invoke(main, ["x12", "inspect", sample])
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert (summary["claims"], summary["service_lines"], summary["billed_total"]) == (6, 10, "3000.00")
    assert [(e["rule"], e["position"]) for e in summary["findings"]] == [
        ("se01_count", 149), ("se01_count", 296), ("ge01_count", 297)]
    assert summary["x12_versions"] == ["005010X222A1"] and summary["rejected"] == []
    # AND with --strict the same file is unparseable (exit 2, reason on stderr)
    strict = CliRunner().invoke(main, ["x12", "inspect", "--strict", sample])
    assert strict.exit_code == 2 and "se01_count" in strict.stderr
