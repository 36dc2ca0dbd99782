"""Same arguments and seed: byte-identical files, whatever the spool budget; other seed, other
bytes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from transforms.generate import GenerateError, feed, generate

ARGS = {"claims": 400, "start": date(2026, 2, 1), "days": 30, "seed": 5}


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_and_other_seed_other_bytes(tmp_path, monkeypatch):
    # GIVEN two runs with the same arguments, the second forced to spill to disk constantly
    first = generate(out=tmp_path / "a", **ARGS)
    monkeypatch.setattr(feed, "SPOOL_BUDGET", 2_000)
    second = generate(out=tmp_path / "b", **ARGS)
    monkeypatch.undo()
    other = generate(out=tmp_path / "c", **{**ARGS, "seed": 6})
    # THEN every file is byte-identical, and the summaries agree apart from their paths
    a, b, c = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert a == b and len(a) > 30
    assert {k: v for k, v in first.items() if k not in ("landing", "ground_truth_file")} == {
        k: v for k, v in second.items() if k not in ("landing", "ground_truth_file")
    }
    # AND a different seed gives different content
    same_name = set(a) & set(c)
    assert same_name and all(a[name] != c[name] for name in same_name)
    assert first["paid_amount"] != other["paid_amount"]
    # AND no spool files are left behind; the summary is JSON
    assert not list(tmp_path.glob("*/.generate-spool-*"))
    json.dumps(first)


def test_bytes_do_not_depend_on_the_interpreter_hash_seed(tmp_path):
    # GIVEN the same run in this process and in a fresh interpreter with another PYTHONHASHSEED
    generate(out=tmp_path / "here", **ARGS)
    script = (
        "import sys; from datetime import date; from transforms.generate import generate; "
        "generate(out=sys.argv[1], claims=400, start=date(2026, 2, 1), days=30, seed=5)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "there")],
        check=True,
        env=env,
        capture_output=True,
    )
    # THEN the files are the same bytes (no set or hash ordering leaks into the output)
    assert _digests(tmp_path / "here") == _digests(tmp_path / "there")


@pytest.mark.parametrize("kwargs", [{"claims": 0}, {"days": 0}, {"defect_rate": 1.5}])
def test_bad_arguments_are_one_clear_error(tmp_path, kwargs):
    with pytest.raises(GenerateError, match="--"):
        generate(out=tmp_path, **{**ARGS, **kwargs})
