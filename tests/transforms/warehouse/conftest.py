"""A generated night, built and published once for the tests that read the warehouse as analysts do
(column docs, naming rule, claim events, provider names, the README's analyst guide)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

NIGHT_AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="session")
def published_night(tmp_path_factory) -> Path:
    """Data dir of a 600-claim practice (March to July) run through the whole nightly job."""
    from transforms.generate import generate
    from transforms.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("published_night")
    generate(out=root, claims=600, start=dt.date(2026, 3, 1), days=150, seed=7, defect_rate=0.1)
    run_pipeline(root, NIGHT_AS_OF, run_id="published-night-1")
    return root
