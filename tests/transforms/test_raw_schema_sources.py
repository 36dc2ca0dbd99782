"""The raw contract is declared once: dbt's sources agree with transforms/raw_schema.py.

GIVEN every source table of models/staging/**/_*__sources.yml that is a raw table WHEN its columns
are compared with RAW_TABLES THEN the names, their order and their types are the same.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from transforms.raw_schema import RAW_TABLES

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
    compared = [name for name in RAW_TABLES if name in sources]
    assert {"x837_claims", "x837_claim_lines", "x835_claims"} <= set(compared)
    for name in compared:
        expected = [(column, data_type.lower()) for column, data_type in RAW_TABLES[name]]
        assert sources[name] == expected, name
