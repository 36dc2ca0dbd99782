"""`rcm bench --x12` machinery (`transforms.harness.x12_peers`) on tiny inputs: no timing asserted.

It checks the shape of the table and that every reader did the work: oxedi's claims (CLP rows) equal
ours on each input, so a peer that silently read nothing fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("oxedi")

from transforms.harness.x12_peers import run_peer_benchmark  # noqa: E402

HEADER = (
    "| input | reader | MB | claims (CLP) | CPU s (user+sys) | of which in the call | wall s "
    "| MB/s (CPU) | peak RSS (MiB) | ours/oxedi (oxedi CPU ÷ CPU) | load avg |"
)


def test_x12_peers_runs_every_reader_and_oxedi_counts_the_claims_we_count(tmp_path: Path):
    # GIVEN tiny inputs of the three shapes (one payment, a 3-file batch, one transaction set)
    # WHEN the whole comparison runs (every reader a child process), without the slow python peers
    out = run_peer_benchmark(
        tmp_path,
        single_mb=0.05,
        batch_files=3,
        batch_mb=0.15,
        large_mb=0.08,
        python_peers=False,
    )
    runs = out["runs"]
    # THEN the table has its header and one row per measurement, with a value in every column
    lines = out["table"].splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 2 + len(runs) == 2 + 3 + 5 + 4
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert len(cells) == 11
        assert all(cells[i] for i in (0, 1, 2, 3, 4, 6, 7, 8, 9, 10)), line
    by_input = {name: [r for r in runs if r.input == name] for name in ("single", "batch", "large")}
    assert [r.reader.split(":")[0] for r in by_input["batch"]] == ["ours"] * 4 + ["oxedi"]
    assert any("stream" in r.reader for r in by_input["large"])
    for name, group in by_input.items():
        oxedi = next(r for r in group if r.reader.startswith("oxedi: parse_file"))
        ours = [r for r in group if r.reader.startswith("ours")]
        # every reader found the claims, and oxedi found exactly as many as each of ours
        assert oxedi.claims and oxedi.claims > 0, name
        assert {r.claims for r in ours} == {oxedi.claims}, name
        assert all(r.claims == oxedi.claims for r in group), name
        assert oxedi.ratio_vs_oxedi == 1.0
        assert all(r.cpu_s > 0 and r.peak_rss_mib > 0 and r.ratio_vs_oxedi for r in group)
    # the batch really is several payments per file, the other two one transaction set each
    assert by_input["batch"][0].claims > by_input["single"][0].claims
    assert len(out["result"]["inputs"]["batch"]["files"]) == 3
    # and the JSON written beside the table holds the same rows
    saved = json.loads((tmp_path / "x12_peers.json").read_text())
    assert [r["claims"] for r in saved["results"]] == [r.claims for r in runs]
    assert (tmp_path / "x12_peers.md").read_text().strip() == out["table"]


def test_inputs_are_deterministic(tmp_path: Path):
    from transforms.harness.x12_peers import make_inputs

    first = make_inputs(tmp_path / "a", 0.02, 2, 0.04, 0.03)
    second = make_inputs(tmp_path / "b", 0.02, 2, 0.04, 0.03)
    for name in first:
        assert [p.read_bytes() for p in first[name]] == [p.read_bytes() for p in second[name]]
    assert first["batch"][0].read_bytes() != first["batch"][1].read_bytes()  # distinct files
