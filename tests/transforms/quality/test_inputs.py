"""The gates' input views: built by dbt once, then read for any batch through a session variable.

A night's ingestion gate must not pay for a dbt run (parse and build: ~10 s at every scale). The
views keep one definition; the batch is the DuckDB variable `gate_files` of the reading connection.
dbt runs again only when a view is missing or the files the views are made from changed.
"""

from __future__ import annotations

import pytest
from quality_builders import AS_OF, RawBatch, encounter_line, sha_of

from transforms.quality import frames, inputs


def _line_ids(data_dir, shas) -> list[str]:
    con = inputs.connect(data_dir, shas)
    try:
        table = con.sql(inputs.select_model(frames.ENCOUNTER_LINES.model)).to_arrow_table()
    finally:
        con.close()
    return sorted(table.column("encounter_line_id").to_pylist())


def test_views_built_once_read_any_batch_and_nothing_without_one(data_dir, monkeypatch):
    # GIVEN two ingest runs, one extract each, and the gate's views built once by dbt
    RawBatch(data_dir, "ingest-001").add("a.csv", "encounter_lines", [encounter_line(1)]).write()
    RawBatch(data_dir, "ingest-002").add(
        "b.csv", "encounter_lines", [encounter_line(2), encounter_line(3)]
    ).write()
    assert inputs.build(data_dir, AS_OF, "ingestion") == {}
    # WHEN the gate prepares them again with nothing changed, THEN dbt does not run
    monkeypatch.setattr(inputs, "_run_dbt", lambda *args: pytest.fail("dbt ran again"))
    assert inputs.build(data_dir, AS_OF, "ingestion", [frames.ENCOUNTER_LINES.model]) == {}
    # AND each batch's connection sees exactly its files' rows; no batch, no rows
    first = _line_ids(data_dir, [sha_of("a.csv")])
    both = _line_ids(data_dir, [sha_of("a.csv"), sha_of("b.csv")])
    assert len(first) == 1 and len(both) == 3 and set(first) < set(both)
    assert _line_ids(data_dir, []) == []


def test_views_are_built_again_when_their_definitions_change_or_one_is_missing(
    data_dir, monkeypatch
):
    RawBatch(data_dir).add("a.csv", "encounter_lines", [encounter_line(1)]).write()
    assert inputs.build(data_dir, AS_OF, "ingestion") == {}
    runs: list[str] = []
    monkeypatch.setattr(inputs, "_run_dbt", lambda data_dir, as_of, gate: runs.append(gate) or {})
    # WHEN a file the views are made from changes (another fingerprint), THEN dbt runs
    monkeypatch.setattr(inputs, "fingerprint", lambda: "changed")
    assert inputs.build(data_dir, AS_OF, "ingestion") == {}
    assert runs == ["ingestion"]
    # and not again once that fingerprint is recorded
    assert inputs.build(data_dir, AS_OF, "ingestion") == {}
    assert runs == ["ingestion"]
    # WHEN a view the gate needs is missing, THEN dbt runs
    assert inputs.build(data_dir, AS_OF, "ingestion", ["qi_not_built_yet"]) == {}
    assert runs == ["ingestion", "ingestion"]
    # and by default every view of the gate's folder must be there: with the fingerprint recorded,
    # the publish gate's view (never built here) still makes dbt run
    inputs.mark_current(data_dir)
    assert inputs.build(data_dir, AS_OF, "publish") == {}
    assert runs == ["ingestion", "ingestion", "publish"]


def test_the_fingerprint_covers_the_models_macros_and_seeds_the_views_are_made_from():
    # GIVEN the project's files, THEN the fingerprint is stable and names every kind of input
    assert inputs.fingerprint() == inputs.fingerprint()
    root = inputs.settings.PROJECT_ROOT
    covered = {
        p.relative_to(root).as_posix()
        for pattern in inputs._DEFINITION_GLOBS  # noqa: SLF001
        for p in root.glob(pattern)
        if p.is_file()
    }
    assert "macros/gate_batch.sql" in covered
    assert "models/quality/ingestion/qi_encounter_lines.sql" in covered
    assert any(path.startswith("seeds/") for path in covered)
    assert "dbt_project.yml" in covered and "profiles.yml" in covered


def test_connect_refuses_what_is_not_a_sha256(data_dir):
    with pytest.raises(ValueError, match="not a sha256"):
        inputs.connect(data_dir, ["'; drop table x; --"])
