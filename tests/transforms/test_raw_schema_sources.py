"""The raw contract is declared once: dbt's sources agree with transforms/raw/contract.py.

GIVEN every table of the raw contract WHEN it is looked up among the source tables of
models/staging/**/_*__sources.yml THEN each is declared there, with the same column names, in the
same order, with the same types.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from transforms.raw import RAW_TABLES

ROOT = Path(__file__).resolve().parents[2]


def _source_tables() -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((ROOT / "models" / "staging").rglob("_*__sources.yml")):
        for source in yaml.safe_load(path.read_text()).get("sources") or []:
            for table in source.get("tables") or []:
                tables[table["name"]] = [
                    (column["name"], str(column.get("data_type", "")).lower())
                    for column in table.get("columns") or []
                ]
    return tables


def test_sources_declare_the_raw_contract():
    sources = _source_tables()
    assert not set(RAW_TABLES) - set(sources), sorted(set(RAW_TABLES) - set(sources))
    for name in RAW_TABLES:
        expected = [(column, data_type.lower()) for column, data_type in RAW_TABLES[name]]
        assert sources[name] == expected, name
