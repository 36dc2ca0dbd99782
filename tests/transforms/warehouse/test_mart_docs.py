"""The warehouse describes itself.

GIVEN a generated night built and published WHEN its marts are read THEN every mart and audit column
has a description in the models' YAML, every column the YAML names exists in its table, and the published
analytics.duckdb carries the descriptions as DuckDB comments (dbt persist_docs + rcm publish).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from transforms.settings import Paths

ROOT = Path(__file__).resolve().parents[3]


def _yaml_models(folder: str) -> dict[str, dict]:
    models: dict[str, dict] = {}
    for path in sorted((ROOT / "models" / folder).rglob("_*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            models[model["name"]] = model
    return models


def _columns(database: Path, schema: str) -> dict[str, dict[str, tuple[str, str | None]]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name, data_type, comment from duckdb_columns() "
            "where schema_name = ? order by table_name, column_index",
            [schema],
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, dict[str, tuple[str, str | None]]] = {}
    for table, column, data_type, comment in rows:
        tables.setdefault(table, {})[column] = (data_type, comment)
    return tables


def _description(model: dict, column: str) -> str:
    for entry in model.get("columns") or []:
        if entry["name"] == column:
            return (entry.get("description") or "").strip()
    return ""


@pytest.mark.parametrize("folder, schema", [("marts", "marts"), ("audit", "audit")])
def test_every_mart_and_audit_column_has_a_description(published_night, folder, schema):
    models = _yaml_models(folder)
    built = _columns(Paths(published_night).build_db, schema)
    assert built, f"no {schema} table was built"
    undescribed = [
        f"{table}.{column}"
        for table, columns in built.items()
        for column in columns
        if table not in models or not _description(models[table], column)
    ]
    assert not undescribed, f"{schema} columns without a description in the YAML: {undescribed}"
    assert all((models[table].get("description") or "").strip() for table in built)


@pytest.mark.parametrize("folder, schema", [("marts", "marts"), ("audit", "audit")])
def test_every_yaml_column_exists_in_its_table(published_night, folder, schema):
    built = _columns(Paths(published_night).build_db, schema)
    phantom = [
        f"{name}.{entry['name']}"
        for name, model in _yaml_models(folder).items()
        if name in built
        for entry in model.get("columns") or []
        if entry["name"] not in built[name]
    ]
    assert not phantom, f"YAML columns that are not in the built table: {phantom}"


def test_the_published_file_carries_the_descriptions_as_comments(published_night):
    models = _yaml_models("marts")
    published = _columns(Paths(published_night).analytics_db, "marts")
    missing = [
        f"{table}.{column}"
        for table, columns in published.items()
        for column, (_, comment) in columns.items()
        if not comment
    ]
    assert not missing, f"published mart columns with no comment: {missing}"
    audit = _columns(Paths(published_night).analytics_db, "audit")
    assert audit and all(comment for columns in audit.values() for _, comment in columns.values())
    for table, column, words in [
        ("fct_claims", "paid_amount", "net payer payment"),
        ("fct_remittance_claims", "balance_difference_amount", "clp03"),
        ("fct_claim_events", "event_sequence", "within the claim"),
        ("dim_providers", "provider_name", "nm1*85"),
    ]:
        comment = published[table][column][1]
        assert comment.strip() == _description(models[table], column)
        assert words in comment.lower()
    con = duckdb.connect(str(Paths(published_night).analytics_db), read_only=True)
    try:
        tables = dict(
            con.execute(
                "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        )
    finally:
        con.close()
    assert all(tables.values()), f"mart tables without a comment: {tables}"
    assert "Grain: one row per event" in tables["fct_claim_events"]
