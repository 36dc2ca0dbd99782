"""The frames GX validates: dbt models with the right columns, no patient identifiers, batch facts.

GIVEN raw tables (or marts) written by the builders
WHEN  the gate's input models (models/quality/) are built and read
THEN  each outputs every column its suite checks, never a PHI column, and computes duplicates,
      claim totals and matches over the whole batch, reading only the batch's files; every model
      has its frame; `chunks` splits Arrow streams exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from quality_builders import (
    AS_OF,
    RawBatch,
    build_marts,
    clean_batch,
    encounter_line,
    x837_claim,
    x837_line,
)

from transforms import settings
from transforms.quality import frames, gates, inputs, suites


def _suite_columns(gx_suite: str) -> set[str]:
    columns = set()
    for check in suites.SUITE_CHECKS[gx_suite]():
        for key in ("column", "column_A", "column_B", "service_date_column"):
            if key in check.kwargs:
                columns.add(check.kwargs[key])
        if check.offending_column:
            columns.add(check.offending_column)
    return columns


def _build(data_dir, gate: str = "ingestion") -> None:
    assert inputs.build(data_dir, AS_OF, gate) == {}


def _run(data_dir, frame: frames.Frame, shas: list[str] | None = None) -> pa.Table:
    """The frame's rows, the ingestion views reading the latest batch's files unless `shas`."""
    shas = gates.latest_batch(data_dir).file_shas if shas is None else shas
    con = inputs.connect(data_dir, shas)
    try:
        return con.sql(inputs.select_model(frame.model)).to_arrow_table()
    finally:
        con.close()


def test_every_frame_has_its_suite_and_every_suite_a_frame():
    names = {f.gx_suite for gate in frames.FRAMES_BY_GATE.values() for f in gate}
    assert names == set(suites.SUITE_CHECKS)


def test_every_model_of_models_quality_is_a_frame():
    models = {p.stem for p in (settings.PROJECT_ROOT / "models" / "quality").rglob("*.sql")}
    for gate, frame_set in frames.FRAMES_BY_GATE.items():
        folder = settings.PROJECT_ROOT / "models" / "quality" / gate
        assert {f.model for f in frame_set} == {p.stem for p in folder.glob("*.sql")}, gate
    assert {f.model for g in frames.FRAMES_BY_GATE.values() for f in g} == models


def test_frames_output_what_suites_check_and_no_phi(data_dir):
    clean_batch(data_dir).write()
    RawBatch(data_dir, "ingest-pp").add(
        "pp.csv", "patient_payments", [{"patient_payment_row_id": "pp:1", "claim_id": "PCN001"}]
    ).write()
    build_marts(data_dir)
    _build(data_dir, "publish")
    batch = gates.latest_batch(data_dir, ["ingest-001", "ingest-pp"])
    assert inputs.build(data_dir, AS_OF, "ingestion") == {}
    for frame_set in frames.FRAMES_BY_GATE.values():
        for frame in frame_set:
            table = _run(data_dir, frame, batch.file_shas)
            assert table.num_rows > 0, frame.gx_suite
            columns = set(table.column_names)
            keys = {frame.row_key, frame.claim_key, frame.file_key} - {None}
            needed = _suite_columns(frame.gx_suite) | keys
            assert needed <= columns, (frame.gx_suite, needed - columns)
            assert not columns & frames.PHI_COLUMNS, frame.gx_suite


def test_duplicates_and_claim_facts_are_computed_over_the_whole_batch(data_dir):
    batch = RawBatch(data_dir)
    batch.add("e1.csv", "encounter_lines", [encounter_line(1), encounter_line(2)])
    batch.add("e2.csv", "encounter_lines", [encounter_line(3, encounter_line_id="enc:1")])
    batch.add(
        "c.837",
        "x837_claims",
        [
            x837_claim("A", billed_amount=Decimal("250.00")),
            x837_claim("A", claim_submission_id="again"),
        ],
    )
    batch.add(
        "c.837",
        "x837_claim_lines",
        [
            x837_line("A", 1, service_date=dt.date(2026, 3, 3)),
            x837_line("A", 2, billed_amount=Decimal("150.00"), service_date=dt.date(2026, 2, 28)),
        ],
    )
    batch.write()
    # AND an older file no gate batch names (it must not be read)
    RawBatch(data_dir, "ingest-000", dt.datetime(2026, 6, 1)).add(
        "old.csv", "encounter_lines", [encounter_line(9, encounter_line_id="enc:1")]
    ).write()
    _build(data_dir)
    lines = _run(data_dir, frames.ENCOUNTER_LINES).to_pylist()
    occurrences = sorted(
        (r["encounter_line_id"], r["encounter_line_id_occurrences"]) for r in lines
    )
    assert occurrences == [("enc:1", 2), ("enc:1", 2), ("enc:2", 1)]  # across two files
    assert {r["patient_age_days_at_service"] for r in lines} == {
        (encounter_line()["service_date"] - dt.date(1970, 5, 1)).days
    }
    claims = {r["claim_submission_id"]: r for r in _run(data_dir, frames.X837_CLAIMS).to_pylist()}
    first = claims["c837:A"]
    assert first["line_charge_total"] == Decimal("250.00")
    assert first["first_service_date"] == dt.date(2026, 2, 28)
    assert first["days_service_to_submission"] == 5  # 2026-02-28 -> 2026-03-05
    assert first["claim_occurrences"] == 2 and claims["again"]["claim_occurrences"] == 2
    assert claims["again"]["line_charge_total"] is None  # no lines under that id


@pytest.mark.parametrize("sizes", [[250], [30, 30, 30, 160], [99, 1, 100, 50]])
def test_chunks_are_exact_and_keep_decimals(sizes):
    start = 0
    batches = []
    for size in sizes:
        batches.append(
            pa.record_batch(
                {
                    "n": pa.array(range(start, start + size)),
                    "amount": pa.array([Decimal("1.10")] * size, pa.decimal128(18, 2)),
                }
            )
        )
        start += size
    reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
    chunked = list(frames.chunks(reader, 100))
    assert [len(c) for c in chunked] == [100, 100, 50]
    assert [n for c in chunked for n in c["n"]] == list(range(250))
    assert isinstance(chunked[0]["amount"].iloc[0], Decimal)
