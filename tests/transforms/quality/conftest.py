"""Fixtures for the quality-gate tests (builders live in quality_builders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quality_builders import write_seeds


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return write_seeds(tmp_path / "seeds")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder
