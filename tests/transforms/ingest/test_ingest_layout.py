"""Raw layout: one Arrow mapping, zero-row `_schema.parquet` per table, owner-only atomic writes."""

from __future__ import annotations

import stat
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.ingest import arrow_schema, ensure_raw_layout
from transforms.raw.arrow import arrow_type, rows_to_batch
from transforms.raw.contract import RAW_TABLES, columns
from transforms.raw.layout import ParquetSink, RawLayoutError, remove_stale_temporaries


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_arrow_types_follow_the_contract():
    assert arrow_type("DECIMAL(18,2)") == pa.decimal128(18, 2)
    assert arrow_type("DECIMAL(12, 2)") == pa.decimal128(12, 2)
    assert arrow_type("VARCHAR") == pa.string()
    assert arrow_type("BIGINT") == pa.int64() and arrow_type("INTEGER") == pa.int32()
    assert arrow_type("DATE") == pa.date32() and arrow_type("TIMESTAMP") == pa.timestamp("us")
    assert arrow_type("BOOLEAN") == pa.bool_()
    with pytest.raises(KeyError, match="JSON"):
        arrow_type("JSON")
    for table in RAW_TABLES:
        schema = arrow_schema(table)
        assert schema.names == columns(table)
    claims = arrow_schema("x835_claims")
    assert claims.field("paid_amount").type == pa.decimal128(18, 2)
    assert arrow_schema("x835_service_lines").field("units_paid").type == pa.decimal128(18, 6)


def test_rows_to_batch_is_exact_and_refuses_short_rows():
    names = columns("x837_diagnoses")
    row = tuple(range(len(names)))
    good = ("id", "claim", "f", "sha", "i", "g", "t", "005010X222A1", 5, "PCN", 1, "ABK", "J189")
    batch = rows_to_batch("x837_diagnoses", [good])
    assert batch.schema == arrow_schema("x837_diagnoses") and batch.num_rows == 1
    with pytest.raises(ValueError):
        rows_to_batch("x837_diagnoses", [row[:-1]])


def test_ensure_raw_layout_creates_each_table_once_with_its_exact_schema(tmp_path: Path):
    # GIVEN an empty data directory  WHEN the layout is ensured twice
    first = ensure_raw_layout(tmp_path)
    schema_file = tmp_path / "raw" / "x835_claims" / "_schema.parquet"
    stamp = schema_file.stat().st_mtime_ns
    second = ensure_raw_layout(tmp_path)
    # THEN every table has a zero-row file with its exact schema, created once and never rewritten
    assert set(first) == set(RAW_TABLES) and set(first.values()) == {"created"}
    assert set(second.values()) == {"present"}
    assert schema_file.stat().st_mtime_ns == stamp
    for table in RAW_TABLES:
        path = tmp_path / "raw" / table / "_schema.parquet"
        assert pq.read_schema(path).equals(arrow_schema(table), check_metadata=False)
        assert pq.read_metadata(path).num_rows == 0
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert mode(tmp_path / "raw") == 0o700 and mode(tmp_path / "quarantine") == 0o700
    # AND dbt's glob over an empty table matches, with the contract's types
    con = duckdb.connect()
    glob = str(tmp_path / "raw" / "x835_claims" / "*.parquet")
    assert con.execute("select count(*) from read_parquet(?)", [glob]).fetchone() == (0,)
    kinds = dict(
        con.execute(
            "select column_name, column_type from (describe select * from read_parquet(?))", [glob]
        ).fetchall()
    )
    assert kinds["paid_amount"] == "DECIMAL(18,2)" and kinds["received_date"] == "DATE"


def test_a_schema_file_that_no_longer_matches_the_contract_is_refused(tmp_path: Path):
    # GIVEN a schema file with a column the contract no longer has (not a compatible growth)
    ensure_raw_layout(tmp_path)
    stale = tmp_path / "raw" / "x835_remarks" / "_schema.parquet"
    pq.write_table(
        pa.schema([("remark_id", pa.string()), ("gone", pa.string())]).empty_table(), stale
    )
    with pytest.raises(RawLayoutError, match="x835_remarks"):
        ensure_raw_layout(tmp_path)
    # AND a column whose type narrowed is refused too
    pq.write_table(pa.schema([("remark_id", pa.int64())]).empty_table(), stale)
    with pytest.raises(RawLayoutError, match="x835_remarks"):
        ensure_raw_layout(tmp_path)


def test_a_compatible_growth_of_the_contract_migrates_and_old_files_still_read(tmp_path: Path):
    # GIVEN a raw layer written under an older contract: no x12_version column and units as
    # DECIMAL(12,2) (what this project wrote before 2026-12), with one data file in it
    ensure_raw_layout(tmp_path)
    folder = tmp_path / "raw" / "x835_service_lines"
    current = arrow_schema("x835_service_lines")
    old_fields = [
        pa.field(f.name, pa.decimal128(12, 2) if f.name == "units_paid" else f.type)
        for f in current
        if f.name != "x12_version"
    ]
    old = pa.schema(old_fields)
    pq.write_table(old.empty_table(), folder / "_schema.parquet")
    values = {f.name: [None] for f in old}
    values.update(remit_line_id=["L1"], units_paid=[Decimal("1.50")], paid_amount=[Decimal("9.99")])
    pq.write_table(pa.table(values, schema=old), folder / "old.parquet")
    # WHEN the layout is ensured with today's contract
    status = ensure_raw_layout(tmp_path)
    # THEN the table is migrated (schema file rewritten), the old data file is untouched
    assert status["x835_service_lines"] == "migrated"
    assert pq.read_schema(folder / "_schema.parquet").equals(current, check_metadata=False)
    assert pq.read_schema(folder / "old.parquet").get_field_index("x12_version") < 0
    # AND dbt's union_by_name read sees the old row with the new column null and units exact
    row = (
        duckdb.connect()
        .execute(
            "select x12_version, units_paid, paid_amount from read_parquet(?, union_by_name = true) "
            "where remit_line_id = 'L1'",
            [str(folder / "*.parquet")],
        )
        .fetchone()
    )
    assert row == (None, Decimal("1.5"), Decimal("9.99"))


def test_parquet_sink_publishes_all_or_nothing(tmp_path: Path):
    target = tmp_path / "raw" / "x837_diagnoses" / "abc.parquet"
    row = ("id", "claim", "f", "sha", "i", "g", "t", "005010X222A1", 5, "PCN", 1, "ABK", "J189")
    # GIVEN a sink that received rows in several batches
    sink = ParquetSink("x837_diagnoses", target, batch_rows=2)
    sink.extend([row] * 5)
    # THEN nothing is visible under the final name before commit (only a dot-temporary)
    assert not target.exists()
    assert [p.name.startswith(".") for p in target.parent.iterdir()] == [True]
    assert sink.commit() == target
    assert pq.read_table(target).num_rows == 5 and mode(target) == 0o600
    # AND an aborted sink leaves no file at all
    aborted = ParquetSink(
        "x837_diagnoses", tmp_path / "raw" / "x837_diagnoses" / "def.parquet", batch_rows=2
    )
    aborted.extend([row] * 3)
    aborted.abort()
    assert sorted(p.name for p in target.parent.iterdir()) == ["abc.parquet"]


def test_stale_temporaries_are_removed(tmp_path: Path):
    ensure_raw_layout(tmp_path)
    leftover = tmp_path / "raw" / "x835_claims" / ".abc.parquet.123.tmp"
    leftover.write_bytes(b"partial")
    assert remove_stale_temporaries(tmp_path) == 1 and not leftover.exists()


def test_decimal_money_round_trips_exactly(tmp_path: Path):
    row = (
        "a",
        "p",
        "c",
        None,
        "f",
        "s",
        "i",
        "g",
        "t",
        "005010X221A1",
        1,
        "claim",
        "CO",
        "45",
        Decimal("0.10"),
        None,
    )
    sink = ParquetSink("x835_adjustments", tmp_path / "a.parquet")
    sink.extend([row])
    sink.commit()
    value = (
        duckdb.connect()
        .execute(
            "select sum(adjustment_amount) * 3 from read_parquet(?)", [str(tmp_path / "a.parquet")]
        )
        .fetchone()[0]
    )
    assert value == Decimal("0.30")
