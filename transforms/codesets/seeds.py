"""The hand-curated code sets kept as dbt seeds (`seeds/*.csv`), read from Python.

dbt loads the same files into the warehouse's reference tables; the validators and `rcm codesets`
read them here, so Python and SQL judge codes against one list. Every value is kept as text (codes
such as '01' keep their leading zero).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from transforms.errors import RcmError
from transforms.settings import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"
SEEDS_YML = "_seeds.yml"

SEED_NAMES: tuple[str, ...] = (
    "ref_carc_codes",
    "ref_place_of_service_codes",
    "ref_modifiers",
    "ref_claim_filing_indicators",
    "ref_claim_status_codes",
    "ref_cas_group_codes",
    "ref_plb_reason_codes",
    "ref_rarc_codes",
)


class SeedError(RcmError):
    """A seed file is missing, unreadable or not described in seeds/_seeds.yml."""


@dataclass(frozen=True)
class SeedInfo:
    """A seed's name, where its codes come from and which curated version the file is."""

    name: str
    source: str
    version: str
    path: Path


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    """Rows of `seeds/<name>.csv` as dicts of text (empty cells are '')."""
    path = seeds_dir / f"{name}.csv"
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise SeedError(f"{path}: cannot read seed ({exc.strerror})") from exc


def seed_infos(seeds_dir: Path = SEEDS_DIR) -> list[SeedInfo]:
    """Source and version of every seed, from `config.meta` in seeds/_seeds.yml."""
    yml = seeds_dir / SEEDS_YML
    try:
        document = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{yml}: cannot read seed descriptions ({exc})") from exc
    described = {entry.get("name"): entry for entry in document.get("seeds", [])}
    infos = []
    for name in SEED_NAMES:
        meta = (described.get(name) or {}).get("config", {}).get("meta", {})
        if not meta.get("source") or not meta.get("version"):
            raise SeedError(f"{yml}: seed {name} has no config.meta source and version")
        infos.append(
            SeedInfo(name, str(meta["source"]), str(meta["version"]), seeds_dir / f"{name}.csv")
        )
    return infos


@cache
def code_column(name: str, column: str) -> frozenset[str]:
    """All values of one column of a seed (cached), e.g. every place-of-service code."""
    return frozenset(row[column] for row in read_seed(name))


@lru_cache(maxsize=1)
def carc_table() -> dict[str, tuple[str, bool]]:
    """CARC -> (root cause, is_denial), from seeds/ref_carc_codes.csv (cached)."""
    return {
        row["carc_code"]: (row["root_cause"], row["is_denial"].strip().lower() == "true")
        for row in read_seed("ref_carc_codes")
    }
