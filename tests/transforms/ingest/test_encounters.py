"""Encounter extract loading: header contract, row quarantine with exact reasons, tolerant parsing.

Every fixture is synthetic and built here; no real patient data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.contracts import ENCOUNTER_COLUMN_NAMES
from transforms.ingest.encounters import (
    EncounterLoadError,
    EncounterLoadResult,
    load_encounters,
    raw_arrow_schema,
)
from transforms.raw.contract import RAW_TABLES

SHA = "0123456789abcdef" * 4
GOOD = {
    "encounter_id": "ENC-1",
    "claim_id": "CLM-1",
    "line_number": "1",
    "line_item_control_number": "LI-1",
    "patient_id": "PAT-SECRET-777",
    "patient_birth_date": "1961-07-19",
    "patient_sex": "F",
    "payer_id": "60054",
    "payer_name": "Acme Health, Inc.",
    "claim_filing_indicator_code": "CI",
    "rendering_npi": "1234567893",
    "billing_npi": "1234567893",
    "place_of_service_code": "11",
    "service_date": "2026-01-05",
    "procedure_code": "99213",
    "modifier_1": "25",
    "modifier_2": "",
    "modifier_3": "",
    "modifier_4": "",
    "units": "1",
    "charge_amount": "125.50",
    "diagnosis_code_1": "E11.9",
    "diagnosis_code_2": "",
    "diagnosis_code_3": "",
    "diagnosis_code_4": "",
    "coder_id": "CODER-7",
    "coded_at": "2026-01-06T10:15:00",
}
HEADER = ",".join(ENCOUNTER_COLUMN_NAMES)


def row(**overrides: str) -> str:
    """One CSV record (no terminator) in contract order, quoted only where needed."""
    values = {**GOOD, **overrides}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values[c] for c in ENCOUNTER_COLUMN_NAMES])
    return buffer.getvalue()[:-1]


def write(
    tmp_path: Path,
    lines: list[str],
    *,
    newline: str = "\r\n",
    bom: bool = False,
    name: str = "encounters.csv",
    trailer: str = "",
) -> Path:
    path = tmp_path / name
    data = (newline.join(lines) + newline + trailer).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def load(path: Path, tmp_path: Path) -> tuple[EncounterLoadResult, Path]:
    dest = tmp_path / "raw" / "encounter_lines" / f"{SHA}.parquet"
    return load_encounters(path, dest, file_name=path.name, file_sha256=SHA), dest


def reasons(result: EncounterLoadResult) -> list[tuple]:
    return [
        (r["unit"], r["position"], r["column_name"], r["rule"]) for r in result.quarantine_records
    ]


# ---------------------------------------------------------------- clean files


def test_clean_file_writes_exactly_the_raw_schema_with_typed_values(tmp_path):
    # GIVEN a two-line extract
    path = write(tmp_path, [HEADER, row(), row(line_number="2", charge_amount="80")])
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN both rows land with the raw layer's columns and types, ids from the sha and line
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert not result.file_rejected and result.quarantine_records == []
    table = pq.read_table(dest)
    assert table.column_names == [name for name, _ in RAW_TABLES["encounter_lines"]]
    assert table.schema == raw_arrow_schema()
    assert table.schema.field("charge_amount").type == pa.decimal128(18, 2)
    first, second = table.to_pylist()
    assert first["encounter_line_id"] == f"{SHA[:16]}:2" and second["source_line_number"] == 3
    assert first["charge_amount"] == Decimal("125.50") and second["charge_amount"] == Decimal(
        "80.00"
    )
    assert first["units"] == Decimal("1.00") and first["line_number"] == 1
    assert first["service_date"] == dt.date(2026, 1, 5)
    assert first["coded_at"] == dt.datetime(2026, 1, 6, 10, 15)
    assert first["payer_name"] == "Acme Health, Inc." and first["modifier_2"] is None
    assert first["file_name"] == "encounters.csv" and first["file_sha256"] == SHA


def test_bom_crlf_quoted_commas_and_trailing_blank_lines_load(tmp_path):
    # GIVEN a UTF-8-with-BOM, CRLF file, a quoted comma, blank lines inside and at the end
    lines = [HEADER, row(payer_name="Smith, Jones & Co"), "", row(line_number="2")]
    path = write(tmp_path, lines, bom=True, trailer="\r\n\r\n")
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN both rows load, blank lines count for line numbers but are not rows
    assert (result.rows_in, result.rows_loaded, result.quarantine_records) == (2, 2, [])
    loaded = pq.read_table(dest).to_pylist()
    assert [r["source_line_number"] for r in loaded] == [2, 4]
    assert loaded[0]["payer_name"] == "Smith, Jones & Co"
    assert loaded[0]["encounter_id"] == "ENC-1"  # BOM not glued to the first value


def test_lf_file_with_quoted_newline_keeps_physical_line_numbers(tmp_path):
    # GIVEN an LF file whose second record spans two lines, then a bad record
    lines = [HEADER, row(), row(payer_name="two\nlines"), row(charge_amount="x")]
    path = write(tmp_path, lines, newline="\n")
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN the multi-line record keeps its text and its first line; the bad one is on line 5
    assert [r["source_line_number"] for r in pq.read_table(dest).to_pylist()] == [2, 3]
    assert pq.read_table(dest).column("payer_name")[1].as_py() == "two\nlines"
    assert reasons(result) == [("row", 5, "charge_amount", "not_a_decimal")]


def test_columns_in_another_order_load(tmp_path):
    # GIVEN the contract's columns in reverse order
    names = list(reversed(ENCOUNTER_COLUMN_NAMES))
    values = [GOOD[n] for n in names]
    path = write(tmp_path, [",".join(names), ",".join(f'"{v}"' for v in values)])
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN each value lands in its own column
    assert result.rows_loaded == 1
    loaded = pq.read_table(dest).to_pylist()[0]
    assert loaded["claim_id"] == "CLM-1" and loaded["coder_id"] == "CODER-7"


def test_file_name_with_quotes_is_read_safely(tmp_path):
    # GIVEN a file whose name contains both quote characters
    path = write(tmp_path, [HEADER, row()], name='it\'s a "test".csv')
    # WHEN it is loaded
    result, _ = load(path, tmp_path)
    # THEN it loads (the path is a bound parameter, never spliced into SQL)
    assert result.rows_loaded == 1


# ---------------------------------------------------------------- header contract


def test_missing_and_unknown_columns_reject_the_file_and_name_them(tmp_path):
    # GIVEN a header without 'units' and with an extra 'notes' column
    names = [n for n in ENCOUNTER_COLUMN_NAMES if n != "units"] + ["notes"]
    values = {**GOOD, "notes": "n"}
    path = write(tmp_path, [",".join(names), ",".join(f'"{values[n]}"' for n in names)])
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN the file is rejected with one reason per problem, naming the columns; nothing written
    assert result.file_rejected and not dest.exists()
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (1, 0, 1)
    assert reasons(result) == [
        ("file", None, "units", "header_missing_columns"),
        ("file", None, "notes", "header_unknown_columns"),
    ]
    messages = [r["message"] for r in result.quarantine_records]
    assert messages == [
        "encounters.csv: header is missing contract column(s): units",
        "encounters.csv: header has column(s) the contract does not define: notes",
    ]


def test_duplicate_column_rejects_the_file(tmp_path):
    # GIVEN a header naming claim_id twice
    path = write(tmp_path, [HEADER + ",claim_id", row() + ",CLM-1"])
    # WHEN it is loaded
    result, _ = load(path, tmp_path)
    # THEN it is rejected for the duplicate
    assert result.file_rejected
    assert reasons(result) == [("file", None, "claim_id", "header_duplicate_columns")]


def test_headerless_file_is_rejected_without_echoing_the_data_row(tmp_path):
    # GIVEN an extract whose first line is already data (patient id and birth date in it)
    path = write(tmp_path, [row(), row(line_number="2")])
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN the file is rejected and the message shows none of the first line's values
    assert result.file_rejected and not dest.exists()
    assert reasons(result) == [("file", None, None, "header_not_found")]
    message = result.quarantine_records[0]["message"]
    assert "PAT-SECRET-777" not in message and "1961-07-19" not in message


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_empty_file_is_rejected(tmp_path, content):
    # GIVEN an empty file (or only a BOM, or only blank lines)
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    # WHEN it is loaded
    result, dest = load(path, tmp_path)
    # THEN it is rejected as empty, with no rows counted
    assert result.file_rejected and result.rows_in == 0 and not dest.exists()
    assert reasons(result) == [("file", None, None, "empty_file")]


def test_utf16_file_is_rejected_as_not_utf8(tmp_path):
    # GIVEN a UTF-16 export of a valid extract
    path = tmp_path / "utf16.csv"
    path.write_bytes(f"{HEADER}\r\n{row()}\r\n".encode("utf-16"))
    # WHEN it is loaded
    result, _ = load(path, tmp_path)
    # THEN the file is rejected with the encoding rule
    assert result.file_rejected
    assert reasons(result) == [("file", None, None, "invalid_encoding")]


def test_mixed_line_endings_reject_the_file_with_a_clear_reason(tmp_path):
    # GIVEN a CRLF file where one record ends with a bare LF (two files pasted together)
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"{HEADER}\r\n{row()}\n{row(line_number='2')}\r\n".encode())
    # WHEN it is loaded
    result, _ = load(path, tmp_path)
    # THEN the strict reader refuses it as a whole (rather than guessing) and says why
    assert result.file_rejected
    assert reasons(result) == [("file", None, None, "unreadable_file")]
    assert "mixes line endings" in result.quarantine_records[0]["message"]


# ---------------------------------------------------------------- row quarantine

ROW_CASES = [
    ({"charge_amount": "abc"}, "charge_amount", "not_a_decimal"),
    ({"charge_amount": "12.345"}, "charge_amount", "not_a_decimal"),  # would round
    ({"charge_amount": "1,234.00"}, "charge_amount", "not_a_decimal"),
    ({"charge_amount": "$12.00"}, "charge_amount", "not_a_decimal"),
    ({"units": "1e3"}, "units", "not_a_decimal"),  # exponent
    ({"units": "12345678"}, "units", "not_a_decimal"),  # over DECIMAL(9,2)
    ({"line_number": "one"}, "line_number", "not_an_integer"),
    ({"line_number": "1.5"}, "line_number", "not_an_integer"),
    ({"line_number": "99999999999"}, "line_number", "not_an_integer"),  # over INTEGER
    ({"service_date": "01/05/2026"}, "service_date", "not_a_date"),
    ({"service_date": "2026-1-5"}, "service_date", "not_a_date"),
    ({"service_date": "2026-02-30"}, "service_date", "not_a_date"),
    ({"patient_birth_date": "19610719"}, "patient_birth_date", "not_a_date"),
    ({"coded_at": "2026-01-06"}, "coded_at", "not_a_timestamp"),
    ({"coded_at": "2026-01-06T10:15:00+02:00"}, "coded_at", "not_a_timestamp"),  # offset
    ({"coded_at": "2026-01-06T25:00:00"}, "coded_at", "not_a_timestamp"),
    ({"claim_id": ""}, "claim_id", "required_missing"),
    ({"coder_id": "   "}, "coder_id", "required_missing"),
    ({"charge_amount": ""}, "charge_amount", "required_missing"),
    ({"service_date": ""}, "service_date", "required_missing"),
]


@pytest.mark.parametrize(("overrides", "column", "rule"), ROW_CASES)
def test_bad_value_quarantines_only_that_row(tmp_path, overrides, column, rule):
    # GIVEN three rows, the middle one with one bad value
    path = write(
        tmp_path, [HEADER, row(), row(**{"line_number": "2", **overrides}), row(line_number="3")]
    )
    # WHEN the file is loaded
    result, dest = load(path, tmp_path)
    # THEN exactly line 3 is quarantined for that column and rule; lines 2 and 4 load
    assert reasons(result) == [("row", 3, column, rule)]
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert [r["source_line_number"] for r in pq.read_table(dest).to_pylist()] == [2, 4]
    assert result.quarantine_records[0]["message"].startswith("encounters.csv line 3: ")


def test_values_with_spaces_around_them_are_read_not_rejected(tmp_path):
    # GIVEN typed values padded with spaces and an optional empty modifier
    path = write(
        tmp_path,
        [
            HEADER,
            row(
                charge_amount=" 10.5 ",
                service_date=" 2026-01-05",
                coded_at="2026-01-06 10:15:00.250000",
            ),
        ],
    )
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN the row loads with the exact values
    assert result.rows_loaded == 1
    loaded = pq.read_table(dest).to_pylist()[0]
    assert loaded["charge_amount"] == Decimal("10.50")
    assert loaded["coded_at"] == dt.datetime(2026, 1, 6, 10, 15, 0, 250000)


def test_several_problems_in_one_row_are_all_reported_once_counted(tmp_path):
    # GIVEN one row with three bad fields
    path = write(tmp_path, [HEADER, row(claim_id="", units="x", coded_at="yesterday"), row()])
    # WHEN loaded
    result, _ = load(path, tmp_path)
    # THEN three reasons in contract order, one quarantined row
    assert reasons(result) == [
        ("row", 2, "claim_id", "required_missing"),
        ("row", 2, "units", "not_a_decimal"),
        ("row", 2, "coded_at", "not_a_timestamp"),
    ]
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)


def test_wrong_field_counts_quarantine_the_row(tmp_path):
    # GIVEN a short row and a long row between good rows
    lines = [HEADER, row(), "ENC-9,CLM-9,1", row() + ",extra", row(line_number="2")]
    path = write(tmp_path, lines)
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN both are quarantined as whole rows with the field count in the message
    assert reasons(result) == [
        ("row", 3, None, "wrong_field_count"),
        ("row", 4, None, "wrong_field_count"),
    ]
    assert result.quarantine_records[0]["message"] == (
        "encounters.csv line 3: row has 3 fields; the header has 27."
    )
    assert [r["source_line_number"] for r in pq.read_table(dest).to_pylist()] == [2, 5]


def test_non_utf8_bytes_quarantine_the_row(tmp_path):
    # GIVEN a Latin-1 payer name in one row of a UTF-8 file
    path = tmp_path / "latin1.csv"
    bad = row(payer_name="Caf\u00e9").encode("latin-1")
    path.write_bytes(
        b"\r\n".join([HEADER.encode(), row().encode(), bad, row(line_number="2").encode()])
        + b"\r\n"
    )
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN that row is quarantined with the encoding rule and its column
    assert reasons(result) == [("row", 3, "payer_name", "invalid_encoding")]
    assert pq.read_table(dest).num_rows == 2


def test_unclosed_quote_quarantines_the_rest_of_the_file_as_one_row(tmp_path):
    # GIVEN a quote that never closes on line 3
    path = write(
        tmp_path,
        [HEADER, row(), row(payer_name="x").replace(",x,", ',"x,', 1), row(line_number="2")],
    )
    # WHEN loaded
    result, _ = load(path, tmp_path)
    # THEN line 3 (which swallows what follows it) is quarantined; line 2 loads
    assert reasons(result) == [
        ("row", 3, None, "bad_quoting"),
        ("row", 3, None, "wrong_field_count"),
    ]
    assert (result.rows_in, result.rows_loaded) == (2, 1)


def test_stray_quote_in_unquoted_field_keeps_exact_line_numbers(tmp_path):
    # GIVEN an unquoted field with a lone quote (not RFC 4180; DuckDB keeps it literally)
    lines = [HEADER, row(payer_name='5" clinic'), row(line_number="2"), row(units="x")]
    path = write(tmp_path, lines, newline="\n")
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN the slow path numbers lines correctly: the value loads, the bad row is line 4
    assert pq.read_table(dest).column("payer_name")[0].as_py() == '5" clinic'
    assert reasons(result) == [("row", 4, "units", "not_a_decimal")]


def test_messages_never_contain_patient_identifiers_or_birth_dates(tmp_path):
    # GIVEN rows breaking rules in and around the PHI columns
    lines = [
        HEADER,
        row(patient_birth_date="1961-19-07"),
        row(patient_id="", line_number="2"),
        row(charge_amount="PAT-SECRET-777"),
        "PAT-SECRET-777,1961-07-19",
    ]
    path = write(tmp_path, lines)
    # WHEN loaded
    result, _ = load(path, tmp_path)
    # THEN four rows are quarantined and no message holds a patient value
    assert result.rows_quarantined == 4
    for record in result.quarantine_records:
        assert "PAT-SECRET" not in record["message"]
        assert "1961" not in record["message"]


# ---------------------------------------------------------------- Parquet input


def test_parquet_extract_is_checked_like_csv(tmp_path):
    # GIVEN a Parquet extract (all text) whose second row has an impossible date
    rows = [dict(GOOD), {**GOOD, "line_number": "2", "service_date": "2026-13-01"}]
    path = tmp_path / "encounters.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN row 2 (1-based row number) is quarantined and row 1 loads typed
    assert reasons(result) == [("row", 2, "service_date", "not_a_date")]
    loaded = pq.read_table(dest)
    assert loaded.schema == raw_arrow_schema()
    assert loaded.to_pylist()[0]["encounter_line_id"] == f"{SHA[:16]}:1"


def test_typed_parquet_extract_loads(tmp_path):
    # GIVEN a Parquet extract already typed (dates, decimals, timestamps)
    typed = {
        **GOOD,
        "line_number": 1,
        "patient_birth_date": dt.date(1961, 7, 19),
        "service_date": dt.date(2026, 1, 5),
        "units": Decimal("1.00"),
        "charge_amount": Decimal("125.50"),
        "coded_at": dt.datetime(2026, 1, 6, 10, 15),
    }
    path = tmp_path / "typed.parquet"
    pq.write_table(pa.Table.from_pylist([typed]), path)
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN it loads with the same values
    assert result.rows_loaded == 1 and result.quarantine_records == []
    assert pq.read_table(dest).to_pylist()[0]["charge_amount"] == Decimal("125.50")


def test_parquet_missing_a_column_is_rejected(tmp_path):
    # GIVEN a Parquet extract without coder_id
    path = tmp_path / "short.parquet"
    pq.write_table(pa.Table.from_pylist([{k: v for k, v in GOOD.items() if k != "coder_id"}]), path)
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN it is rejected naming the column
    assert reasons(result) == [("file", None, "coder_id", "header_missing_columns")]
    assert not dest.exists()


def test_missing_source_raises_a_typed_error(tmp_path):
    # GIVEN no file WHEN loading THEN a typed error names the file
    with pytest.raises(EncounterLoadError, match="gone.csv"):
        load_encounters(
            tmp_path / "gone.csv", tmp_path / "out.parquet", file_name="gone.csv", file_sha256=SHA
        )


# ---------------------------------------------------------------- volume


def _noisy_extract(n: int, seed: int) -> tuple[str, dict[int, str], dict[int, str]]:
    """n records with blank lines, multi-line records and bad rows sprinkled in; returns the
    text and the expected {line: item id} loaded and {line: rule} quarantined."""
    rng = random.Random(seed)
    out, good, bad, line = [HEADER], {}, {}, 2
    for i in range(n):
        pick = rng.random()
        if pick < 0.01:
            out.append("")
            line += 1
        elif pick < 0.02:
            out.append(row(line_item_control_number=f"LI{i}", payer_name="a\r\nb"))
            good[line] = f"LI{i}"
            line += 2
        elif pick < 0.03:
            out.append("short,row")
            bad[line] = "wrong_field_count"
            line += 1
        elif pick < 0.04:
            out.append(row(line_item_control_number=f"LI{i}", service_date="2026-02-29"))
            bad[line] = "not_a_date"
            line += 1
        else:
            out.append(row(line_item_control_number=f"LI{i}"))
            good[line] = f"LI{i}"
            line += 1
    return "\r\n".join(out) + "\r\n", good, bad


def test_noisy_extract_keeps_every_line_number_exact(tmp_path):
    # GIVEN 20,000 records with blank lines, multi-line records and bad rows at random
    text, good, bad = _noisy_extract(20_000, seed=11)
    path = tmp_path / "noisy.csv"
    path.write_bytes(text.encode())
    # WHEN loaded
    result, dest = load(path, tmp_path)
    # THEN every loaded row carries its own line and every quarantined line its rule
    loaded = pq.read_table(dest, columns=["source_line_number", "line_item_control_number"])
    assert dict(zip(*[c.to_pylist() for c in loaded.columns], strict=True)) == good
    assert {r["position"]: r["rule"] for r in result.quarantine_records} == bad
    assert result.rows_in == result.rows_loaded + result.rows_quarantined == len(good) + len(bad)


@pytest.mark.slow
def test_a_million_rows_load_in_seconds(tmp_path):
    # GIVEN a ~1M-row synthetic extract (about 190 MB) with noise
    text, good, bad = _noisy_extract(1_000_000, seed=3)
    path = tmp_path / "big.csv"
    path.write_bytes(text.encode())
    # WHEN loaded
    started = time.perf_counter()
    result, _ = load(path, tmp_path)
    elapsed = time.perf_counter() - started
    # THEN every row is accounted for, quickly
    assert (result.rows_loaded, result.rows_quarantined) == (len(good), len(bad))
    assert elapsed < 60, f"took {elapsed:.1f}s"


def test_rejects_are_placed_by_byte_offset_despite_duckdb_quirks(tmp_path):
    # GIVEN a file: header, row1, blank line, row2 -- and the offsets DuckDB may report for a
    # rejected row: its start, a byte inside it, the terminator or blank line just before it
    from transforms.ingest.encounters import _bytes, _layout_by_quote_parity, _reject_records

    path = tmp_path / "quirks.csv"
    path.write_bytes(b"h\r\nrow1\r\n\r\nrow2\r\n")
    layout = _layout_by_quote_parity(path)
    assert layout.starts.tolist() == [0, 3, 9, 11] and layout.blank.tolist() == [
        False,
        False,
        True,
        False,
    ]
    # WHEN each offset is placed (DuckDB's own record numbers given as 2, 4, 4, 4 / 5 / 4)
    placed = [
        _reject_records(layout, _bytes(path), np.asarray([line]), np.asarray([byte]))
        for line, byte in [(2, 3), (4, 11), (4, 12), (4, 7), (5, 9)]
    ]
    # THEN each lands on the record the offset belongs to, skipping terminators and blank lines
    assert [p.tolist() for p in placed] == [[1], [3], [3], [3], [3]]
    assert layout.lines[[1, 3]].tolist() == [2, 4]
