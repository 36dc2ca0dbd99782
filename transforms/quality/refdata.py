"""The values the suites' `$PARAMETER`s take in one run: dates, thresholds and reference code sets.

Code sets come from the dbt seeds (`seeds/ref_*.csv`, committed; read here by path so the ingestion
gate can run before `dbt build`). Thresholds come from the environment:

- `RCM_TIMELY_FILING_DAYS` (default 365): days from first service date to submission.
- `RCM_MATCH_RATE_MIN` (default 0.9): share of a batch's CLP01 values that must match a
  submitted claim.
- `RCM_MAX_UNITS` (default 999): the most units a coded line may plausibly carry.
- `RCM_SEEDS_DIR` (default `<repo>/seeds`): where the seed CSVs are.

A missing or empty seed is a `MissingReference` error naming the file: without the code set the
check cannot judge anything, and passing silently would hide that.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

from transforms import settings
from transforms.errors import RcmError

ENV_SEEDS_DIR = "RCM_SEEDS_DIR"
ENV_MAX_UNITS = "RCM_MAX_UNITS"
DEFAULT_TIMELY_FILING_DAYS = 365
DEFAULT_MATCH_RATE_MIN = 0.9
DEFAULT_MAX_UNITS = 999

# suite parameter -> (seed file, code column)
SEED_CODE_SETS: dict[str, tuple[str, str]] = {
    "claim_status_codes": ("ref_claim_status_codes.csv", "claim_status_code"),
    "cas_group_codes": ("ref_cas_group_codes.csv", "group_code"),
    "carc_codes": ("ref_carc_codes.csv", "carc_code"),
    "plb_reason_codes": ("ref_plb_reason_codes.csv", "plb_reason_code"),
}


class MissingReference(RcmError):
    """A reference code set the suites need is missing or unreadable."""


def seeds_dir(value: Path | None = None) -> Path:
    if value is not None:
        return Path(value)
    return Path(os.environ.get(ENV_SEEDS_DIR) or settings.PROJECT_ROOT / "seeds")


def read_code_set(path: Path, column: str) -> list[str]:
    """Distinct non-empty codes of one CSV column, as text (leading zeros kept), sorted."""
    if not path.is_file():
        raise MissingReference(f"reference code set {path} is missing (needed column {column!r})")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise MissingReference(f"reference code set {path} has no column {column!r}")
        codes = sorted({(row[column] or "").strip() for row in reader} - {""})
    if not codes:
        raise MissingReference(f"reference code set {path} has no codes in column {column!r}")
    return codes


def _env_number(name: str, default: float, cast: type) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return cast(raw)
    except ValueError as exc:
        raise RcmError(f"{name}={raw!r} is not a valid {cast.__name__}") from exc


def thresholds() -> dict[str, float]:
    return {
        "timely_filing_days": _env_number(
            settings.ENV_TIMELY_FILING_DAYS, DEFAULT_TIMELY_FILING_DAYS, int
        ),
        "match_rate_min": _env_number(settings.ENV_MATCH_RATE_MIN, DEFAULT_MATCH_RATE_MIN, float),
        "max_units": _env_number(ENV_MAX_UNITS, DEFAULT_MAX_UNITS, int),
    }


def suite_parameters(gate: str, as_of: dt.date, seeds: Path | None = None) -> dict[str, object]:
    """Every `$PARAMETER` value of the gate's suites (and the SQL frames' `$as_of_date`)."""
    params: dict[str, object] = {"as_of_date": as_of, **thresholds()}
    if gate == "ingestion":
        folder = seeds_dir(seeds)
        for name, (file_name, column) in SEED_CODE_SETS.items():
            params[name] = read_code_set(folder / file_name, column)
    return params
