"""Streaming: a large run stays in bounded memory (slow; the 1M figure is in docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import resource, sys
from datetime import date
from transforms.generate import generate
generate(out=sys.argv[1], claims=int(sys.argv[2]), start=date(2026, 1, 1), days=90, seed=1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_claims(tmp_path):
    # GIVEN two runs, one ten times larger than the other
    def peak_kib(claims: int) -> int:
        command = [sys.executable, "-c", SCRIPT, str(tmp_path / str(claims)), str(claims)]
        out = subprocess.run(command, check=True, capture_output=True, text=True)
        return int(out.stdout.strip().splitlines()[-1])

    small, large = peak_kib(5_000), peak_kib(50_000)
    # THEN peak RSS barely moves (bounded by the spool budget and caches, not by the claims)
    assert large < 1024 * 1024  # < 1 GiB
    assert large < small * 1.6, (small, large)
