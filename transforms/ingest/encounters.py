"""Load one CSV (or Parquet) extract into the raw layer, strictly and without loss.

An extract is described by an `ExtractSpec`: its contract columns (`transforms.contracts`), its raw
table and row-id column, and any value rules beyond the types. Two are defined: `ENCOUNTERS` (the
coded-services extract, `ENCOUNTER_COLUMNS` -> raw `encounter_lines`) and `PATIENT_PAYMENTS` (the
optional patient-payments extract, `PATIENT_PAYMENT_COLUMNS` -> raw `patient_payments`). The output
is one Parquet file whose columns are exactly `transforms.raw_schema.RAW_TABLES[spec.table]`:
the row id, the contract's columns, then `file_name`, `file_sha256`, `source_line_number`.

How a file is judged, in order:
1. **File level** (nothing is written, `file_rejected`): empty file; header not UTF-8; header that
   is missing contract columns, has unknown or duplicate ones (the message names them; column
   order is free); a file the strict reader cannot read at all (e.g. CRLF and LF mixed outside
   quoted fields).
2. **Row level** (that row is quarantined, the others load): wrong number of fields, bytes that
   are not UTF-8, broken quoting -- all reported by DuckDB's CSV reader, which reads every column
   as VARCHAR -- then, in one SQL pass, empty required fields and values that do not parse as the
   contract type. Nothing is cast to NULL silently: each typed value must match a strict pattern
   (ISO `YYYY-MM-DD` dates, `YYYY-MM-DD[T ]HH:MM:SS[.ffffff]` timestamps, plain decimals within
   the column's precision and scale: no rounding, exponents or thousands separators) and survive
   TRY_CAST. Spaces around typed values are ignored; text is kept as delivered (empty optional
   fields become NULL). Then the spec's value rules (patient payments: `payment_kind` and
   `method` in their value sets, the amount's sign matching the kind). DuckDB tolerates trailing *empty* fields (a line ending in a comma); no
   value is lost by that.

Positions are physical line numbers (1 = header; a record whose quoted field spans lines carries
its first line). DuckDB gives no line for a good row, and for a rejected one a record counter that
drifts on large files read in parallel (its byte offset is reliable), so the loader finds record
boundaries itself: a vectorised (numpy) scan counts the double quotes before each newline -- a
newline outside quotes ends a record, as RFC 4180 reads it -- then places every reject by its byte
offset and checks the rest against DuckDB's row count. When they disagree (a stray quote in an
unquoted field, which DuckDB keeps literally), Python's csv module, which reads such quotes the
same way, numbers the records instead (per-record Python, only for such files); if even that
disagrees the file is rejected rather than loaded with wrong line numbers. For Parquet input the
position is the 1-based row number.

UTF-8 with or without a byte-order mark, CRLF or LF, quoted fields with commas or newlines and
blank lines (anywhere, trailing ones included) are accepted. Messages name the file, line, column
and rule, never a value, so no patient identifier or birth date can reach them. The file's path
reaches SQL only as a bound parameter; the SQL text is built from the contract alone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from transforms import log
from transforms.contracts import (
    ENCOUNTER_COLUMNS,
    PATIENT_PAYMENT_COLUMNS,
    PAYMENT_KIND_PAYMENT,
    PAYMENT_KIND_REFUND,
    PAYMENT_KINDS,
    PAYMENT_METHODS,
    Column,
)
from transforms.errors import RcmError
from transforms.fsio import atomic_path
from transforms.raw.contract import RAW_TABLES

TABLE = "encounter_lines"

# ---- rule ids (machine-readable; the `rule` of each quarantine record) ----
RULE_EMPTY_FILE = "empty_file"
RULE_INVALID_ENCODING = "invalid_encoding"
RULE_HEADER_NOT_FOUND = "header_not_found"
RULE_HEADER_MISSING = "header_missing_columns"
RULE_HEADER_UNKNOWN = "header_unknown_columns"
RULE_HEADER_DUPLICATE = "header_duplicate_columns"
RULE_UNREADABLE = "unreadable_file"
RULE_LINES_UNRECONCILED = "line_numbers_unreconciled"
RULE_FIELD_COUNT = "wrong_field_count"
RULE_BAD_QUOTING = "bad_quoting"
RULE_LINE_TOO_LONG = "line_too_long"
RULE_UNPARSEABLE_ROW = "unparseable_row"
RULE_REQUIRED = "required_missing"
RULE_NOT_INTEGER = "not_an_integer"
RULE_NOT_DECIMAL = "not_a_decimal"
RULE_NOT_DATE = "not_a_date"
RULE_NOT_TIMESTAMP = "not_a_timestamp"
RULE_NOT_IN_SET = "not_in_value_set"
RULE_AMOUNT_SIGN = "amount_sign_mismatch"

RULES: dict[str, str] = {
    RULE_EMPTY_FILE: "file has no header row",
    RULE_INVALID_ENCODING: "bytes that are not UTF-8 (file: in the header; row: in that row)",
    RULE_HEADER_NOT_FOUND: "first line holds none of the contract's column names",
    RULE_HEADER_MISSING: "header lacks contract columns",
    RULE_HEADER_UNKNOWN: "header has columns the contract does not define",
    RULE_HEADER_DUPLICATE: "header names a column twice",
    RULE_UNREADABLE: "the reader could not read the file at all",
    RULE_LINES_UNRECONCILED: "record boundaries could not be matched to line numbers",
    RULE_FIELD_COUNT: "row has more or fewer fields than the header",
    RULE_BAD_QUOTING: "quoted field not closed, or followed by other characters",
    RULE_LINE_TOO_LONG: "row longer than the reader's maximum line size",
    RULE_UNPARSEABLE_ROW: "row rejected by the CSV reader for another reason",
    RULE_REQUIRED: "required field is empty",
    RULE_NOT_INTEGER: "value is not a whole number in range",
    RULE_NOT_DECIMAL: "value is not a plain decimal within the column's precision and scale",
    RULE_NOT_DATE: "value is not an ISO date YYYY-MM-DD",
    RULE_NOT_TIMESTAMP: "value is not an ISO timestamp YYYY-MM-DDTHH:MM:SS",
    RULE_NOT_IN_SET: "value is not one of the contract's allowed values",
    RULE_AMOUNT_SIGN: "a payment's amount is not above 0, or a refund's not below 0",
}


@dataclass(frozen=True)
class ValueCheck:
    """A row rule beyond the types: `bad_sql` is true when a row breaks it (the value's type is
    checked first; a row failing its type check is not also reported here). `text` completes the
    row message after 'column <name> '."""

    column: str
    rule: str
    bad_sql: str
    text: str


@dataclass(frozen=True)
class ExtractSpec:
    """One CSV/Parquet extract: its contract, raw table and row-id column, and value rules."""

    label: str  # in messages: 'encounter extract'
    table: str  # raw table
    id_column: str  # raw row id: '<first 16 hex of sha256>:<line>'
    columns: tuple[Column, ...]
    value_checks: tuple[ValueCheck, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _quoted_list(values: Iterable[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


ENCOUNTERS = ExtractSpec("encounter extract", TABLE, "encounter_line_id", ENCOUNTER_COLUMNS)
PATIENT_PAYMENTS = ExtractSpec(
    "patient-payments extract",
    "patient_payments",
    "patient_payment_row_id",
    PATIENT_PAYMENT_COLUMNS,
    (
        ValueCheck(
            "payment_kind",
            RULE_NOT_IN_SET,
            f'NOT "payment_kind" IN ({_quoted_list(PAYMENT_KINDS)})',
            f"is not one of: {', '.join(PAYMENT_KINDS)}",
        ),
        ValueCheck(
            "method",
            RULE_NOT_IN_SET,
            f'NOT "method" IN ({_quoted_list(PAYMENT_METHODS)})',
            f"is not one of: {', '.join(PAYMENT_METHODS)}",
        ),
        ValueCheck(
            "amount",
            RULE_AMOUNT_SIGN,
            'TRY_CAST(trim("amount") AS DECIMAL(18,2)) IS NOT NULL AND ('
            f"(\"payment_kind\" = '{PAYMENT_KIND_PAYMENT}' "
            'AND TRY_CAST(trim("amount") AS DECIMAL(18,2)) <= 0) OR '
            f"(\"payment_kind\" = '{PAYMENT_KIND_REFUND}' "
            'AND TRY_CAST(trim("amount") AS DECIMAL(18,2)) >= 0))',
            "does not match payment_kind (a payment is above 0, a refund below 0)",
        ),
    ),
)
# The encounter extract's column names (kept for callers of this module).
ENCOUNTER_COLUMN_NAMES = ENCOUNTERS.column_names

_DUCKDB_ERROR_RULES = {
    "MISSING COLUMNS": RULE_FIELD_COUNT,
    "TOO MANY COLUMNS": RULE_FIELD_COUNT,
    "INVALID ENCODING": RULE_INVALID_ENCODING,
    "INVALID UNICODE": RULE_INVALID_ENCODING,
    "UNQUOTED VALUE": RULE_BAD_QUOTING,
    "LINE SIZE OVER MAXIMUM": RULE_LINE_TOO_LONG,
}
_FOUND_FIELDS = re.compile(r"Found:\s*(\d+)")
_PRINTABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ .\-]{0,63}")
_DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),(\d+)\)")
_DATE_PATTERN = r"\d{4}-\d\d-\d\d"
_TIMESTAMP_PATTERN = _DATE_PATTERN + r"[T ]\d\d:\d\d:\d\d(\.\d{1,6})?"
_INTEGER_PATTERN = r"[+-]?\d{1,10}"
_PARQUET_MAGIC = b"PAR1"
_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK_BYTES = 1 << 26
_CSV_OPTIONS = {
    "header": True,
    "auto_detect": False,
    "delimiter": ",",
    "quotechar": '"',
    "escapechar": '"',
    "encoding": "utf-8",
    "strict_mode": True,
    "store_rejects": True,
}

_log = log.get_logger("ingest.encounters")


class EncounterLoadError(RcmError):
    """The extract could not be loaded for a reason outside its content (missing, unwritable)."""


@dataclass
class EncounterLoadResult:
    """One extract's outcome: rows_in = rows_loaded + rows_quarantined, and the reasons."""

    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    file_rejected: bool
    quarantine_records: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------------------------


def load_encounters(
    source: Path, dest: Path, *, file_name: str, file_sha256: str
) -> EncounterLoadResult:
    """Validate `source` against the encounter contract and write its good rows to `dest`."""
    return load_extract(source, dest, file_name=file_name, file_sha256=file_sha256)


def load_patient_payments(
    source: Path, dest: Path, *, file_name: str, file_sha256: str
) -> EncounterLoadResult:
    """Validate `source` against the patient-payments contract and write its good rows."""
    return load_extract(
        source, dest, file_name=file_name, file_sha256=file_sha256, spec=PATIENT_PAYMENTS
    )


def load_extract(
    source: Path,
    dest: Path,
    *,
    file_name: str,
    file_sha256: str,
    spec: ExtractSpec = ENCOUNTERS,
) -> EncounterLoadResult:
    """Validate `source` against `spec`'s contract and write its good rows to `dest`.

    CSV or Parquet (recognised by its magic bytes). Nothing is written when the file is
    rejected; otherwise `dest` is written through a temporary file and renamed.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise EncounterLoadError(f"{file_name}: source file not found")
    with source.open("rb") as handle:
        magic = handle.read(4)
    loader = _load_parquet if magic == _PARQUET_MAGIC else _load_csv
    return loader(source, dest, file_name=file_name, file_sha256=file_sha256, spec=spec)


# ---------------------------------------------------------------------------------------------
# quarantine records (pure)
# ---------------------------------------------------------------------------------------------


def _record(unit: str, position: int | None, column: str | None, rule: str, message: str) -> dict:
    return {
        "unit": unit,
        "position": position,
        "segment_id": None,
        "element": None,
        "column_name": column,
        "rule": rule,
        "message": message,
    }


def file_problem(file_name: str, rule: str, detail: str, column: str | None = None) -> dict:
    """A file-level quarantine record; `detail` completes '<file>: ...'."""
    return _record("file", None, column, rule, f"{file_name}: {detail}")


def _names_for_message(names: Iterable[str]) -> str:
    """Column names fit to print: identifier-like ones are shown, anything else only counted."""
    names = list(names)
    shown = [
        name or "(empty name)" for name in names if not name or _PRINTABLE_NAME.fullmatch(name)
    ]
    hidden = len(names) - len(shown)
    text = ", ".join(shown)
    if hidden:
        text += f"{', ' if text else ''}{hidden} other name(s) not shown"
    return text


def check_header(
    names: Sequence[str], file_name: str, spec: ExtractSpec = ENCOUNTERS
) -> list[dict]:
    """File-level problems with a header split into names; [] when it meets the contract."""
    expected = set(spec.column_names)
    present = [name.strip() for name in names]
    if not expected.intersection(present):
        # Probably a data row: print none of it (it may hold patient identifiers).
        return [
            file_problem(
                file_name,
                RULE_HEADER_NOT_FOUND,
                f"line 1 holds none of the {len(expected)} contract column names; "
                f"the header row is missing or is not the {spec.label}'s",
            )
        ]
    problems = []
    missing = [name for name in spec.column_names if name not in present]
    if missing:
        listed = ", ".join(missing)
        problems.append(
            file_problem(
                file_name,
                RULE_HEADER_MISSING,
                f"header is missing contract column(s): {listed}",
                listed,
            )
        )
    unknown = [name for name in present if name not in expected]
    if unknown:
        listed = _names_for_message(unknown)
        problems.append(
            file_problem(
                file_name,
                RULE_HEADER_UNKNOWN,
                f"header has column(s) the contract does not define: {listed}",
                listed,
            )
        )
    duplicated = sorted({name for name in present if name in expected and present.count(name) > 1})
    if duplicated:
        listed = ", ".join(duplicated)
        problems.append(
            file_problem(
                file_name,
                RULE_HEADER_DUPLICATE,
                f"header names column(s) more than once: {listed}",
                listed,
            )
        )
    return problems


def _row_message(
    file_name: str,
    line: int,
    column: str | None,
    rule: str,
    detail: str = "",
    spec: ExtractSpec = ENCOUNTERS,
) -> str:
    col = f"column '{column}' " if column else ""
    expected = len(spec.columns)
    texts = {
        RULE_REQUIRED: f"required {col}is empty",
        RULE_NOT_INTEGER: f"{col}is not a whole number",
        RULE_NOT_DECIMAL: f"{col}is not a plain decimal number{detail}",
        RULE_NOT_DATE: f"{col}is not a date in YYYY-MM-DD form",
        RULE_NOT_TIMESTAMP: f"{col}is not a timestamp in YYYY-MM-DDTHH:MM:SS form",
        RULE_FIELD_COUNT: (
            f"row has {detail} fields; the header has {expected}"
            if detail
            else f"row does not have the header's {expected} fields"
        ),
        RULE_INVALID_ENCODING: f"{col or 'row '}holds bytes that are not UTF-8",
        RULE_BAD_QUOTING: "a quoted field is not closed or has characters after its closing quote",
        RULE_LINE_TOO_LONG: "row is longer than the reader's maximum line size",
        RULE_UNPARSEABLE_ROW: f"row cannot be read as CSV ({detail})",
        RULE_NOT_IN_SET: f"{col}{detail}",
        RULE_AMOUNT_SIGN: f"{col}{detail}",
    }
    return f"{file_name} line {line}: {texts[rule]}."


def _decimal_detail(column: str, rule: str, spec: ExtractSpec = ENCOUNTERS) -> str:
    for check in spec.value_checks:
        if check.column == column and check.rule == rule:
            return check.text
    if rule != RULE_NOT_DECIMAL:
        return ""
    sql_type = next(c.sql_type for c in spec.columns if c.name == column)
    precision, scale = _decimal_shape(sql_type) or (0, 0)
    return f" with at most {scale} decimal places and {precision - scale} digits before the point"


# ---------------------------------------------------------------------------------------------
# record layout: the physical line of every CSV record
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Every record of a CSV file in order (index 0 = header)."""

    lines: np.ndarray  # int64: 1-based physical line where the record starts
    blank: np.ndarray  # bool: the record is an empty line (readers skip it)
    starts: np.ndarray  # int64: byte offset where the record starts
    size: int  # file size in bytes

    @property
    def data_indices(self) -> np.ndarray:
        """Indices of the non-blank records after the header."""
        idx = np.arange(1, self.lines.size, dtype=np.int64)
        return idx[~self.blank[1:]]


def _bytes(path: Path) -> np.ndarray:
    size = path.stat().st_size
    return np.memmap(path, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)


def _bom_length(data: np.ndarray) -> int:
    return len(_UTF8_BOM) if bytes(data[:3]) == _UTF8_BOM else 0


def _blank_flags(data: np.ndarray, starts: np.ndarray) -> np.ndarray:
    size = data.size
    first = data[starts]
    second = data[np.minimum(starts + 1, size - 1)]
    return np.asarray(
        (first == 10) | ((first == 13) & ((starts + 1 == size) | (second == 10))), dtype=bool
    )


def _layout_by_quote_parity(path: Path) -> _Layout:
    """RFC 4180 record boundaries, vectorised: a newline ends a record when the number of '"'
    before it is even (escaped quotes come in pairs). Reads the file in 64 MB chunks."""
    data = _bytes(path)
    size = data.size
    if size == 0:
        return _Layout(np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, np.int64), 0)
    term_pos, term_index = [], []
    carry, newlines_seen = 0, 0
    for offset in range(0, size, _CHUNK_BYTES):
        chunk = data[offset : offset + _CHUNK_BYTES]
        newlines = np.flatnonzero(chunk == 10)
        quotes = np.flatnonzero(chunk == 34)
        outside = ((np.searchsorted(quotes, newlines) + carry) & 1) == 0
        term_pos.append(newlines[outside] + offset)
        term_index.append(np.flatnonzero(outside) + newlines_seen)
        newlines_seen += newlines.size
        carry = (carry + quotes.size) & 1
    starts = np.concatenate([[_bom_length(data)], np.concatenate(term_pos) + 1]).astype(np.int64)
    lines = np.concatenate([[1], np.concatenate(term_index) + 2]).astype(np.int64)
    keep = starts < size
    starts, lines = starts[keep], lines[keep]
    return _Layout(lines, _blank_flags(data, starts), starts, size)


def _line_starts(data: np.ndarray) -> np.ndarray:
    """Byte offset of every physical line (LF-separated), chunk by chunk."""
    parts = [np.asarray([_bom_length(data)], np.int64)]
    for offset in range(0, data.size, _CHUNK_BYTES):
        parts.append(np.flatnonzero(data[offset : offset + _CHUNK_BYTES] == 10) + offset + 1)
    return np.concatenate(parts).astype(np.int64)


def _layout_by_csv_module(path: Path) -> _Layout:
    """Slow path for non-RFC quoting: Python's csv reader (in C) counts lines record by record."""
    lines, blank = [], []
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        reader = csv.reader(handle)
        previous = 0
        for row in reader:
            lines.append(previous + 1)
            blank.append(not row)
            previous = reader.line_num
    data = _bytes(path)
    line_starts = _line_starts(data)
    record_lines = np.asarray(lines, np.int64)
    if record_lines.size and record_lines.max() > line_starts.size:  # CR-only line breaks
        record_lines = record_lines[record_lines <= line_starts.size]
    return _Layout(
        record_lines,
        np.asarray(blank[: record_lines.size], bool),
        line_starts[record_lines - 1],
        data.size,
    )


def _reject_records(
    layout: _Layout, data: np.ndarray, duckdb_lines: np.ndarray, byte_positions: np.ndarray
) -> np.ndarray | None:
    """Record index of each DuckDB reject, or None when they cannot be placed consistently.

    The byte position is the anchor: DuckDB's line counter drifts by a record or two on large
    files read in parallel. The byte may point at the terminator of the record before (at its
    buffer boundaries) or at a blank line before the record; both move on to the next non-blank
    record. Distinct DuckDB records must land on distinct records of ours.
    """
    if byte_positions.size == 0:
        return np.zeros(0, np.int64)
    if byte_positions.min() < 0 or byte_positions.max() >= layout.size:
        return None
    idx = np.searchsorted(layout.starts, byte_positions, side="right") - 1
    idx = idx + np.isin(data[byte_positions], (10, 13))
    non_blank = np.flatnonzero(~layout.blank)
    pick = np.searchsorted(non_blank, idx, side="left")
    if pick.max() >= non_blank.size:
        return None
    idx = non_blank[pick]
    if idx.min() < 1:
        return None
    pairs = np.unique(np.stack([duckdb_lines, idx]), axis=1)
    if np.unique(pairs[0]).size != pairs.shape[1] or np.unique(pairs[1]).size != pairs.shape[1]:
        return None
    return idx


def _good_row_lines(layout: _Layout, rejected: np.ndarray, good_count: int) -> np.ndarray | None:
    """Physical lines of the rows DuckDB accepted, in order; None when the counts disagree."""
    data_idx = layout.data_indices
    good_idx = data_idx[~np.isin(data_idx, rejected)]
    if good_idx.size != good_count:
        return None
    return layout.lines[good_idx]


def _header_bytes(path: Path, layout: _Layout) -> bytes:
    start = int(layout.starts[0])
    end = int(layout.starts[1]) if layout.starts.size > 1 else layout.size
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read(end - start).rstrip(b"\r\n")


# ---------------------------------------------------------------------------------------------
# SQL built from the contract only (never from file content or paths)
# ---------------------------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _decimal_shape(sql_type: str) -> tuple[int, int] | None:
    match = _DECIMAL_TYPE.fullmatch(sql_type.replace(" ", ""))
    return (int(match.group(1)), int(match.group(2))) if match else None


def _type_check(column: Column) -> tuple[str, str] | None:
    """(rule, SQL condition true when a non-empty value is bad) for a typed column; None for text.

    The pattern (surrounding spaces allowed) rejects what TRY_CAST would bend -- '2026-1-1',
    '12.345' (rounded), '1e3', a time-zone offset -- and TRY_CAST rejects impossible values
    ('2026-02-30', out of range).
    """
    if column.sql_type == "VARCHAR":
        return None
    shape = _decimal_shape(column.sql_type)
    if column.sql_type == "INTEGER":
        rule, pattern = RULE_NOT_INTEGER, _INTEGER_PATTERN
    elif column.sql_type == "DATE":
        rule, pattern = RULE_NOT_DATE, _DATE_PATTERN
    elif column.sql_type == "TIMESTAMP":
        rule, pattern = RULE_NOT_TIMESTAMP, _TIMESTAMP_PATTERN
    elif shape:
        precision, scale = shape
        fraction = rf"(\.\d{{1,{scale}}})?" if scale else ""
        rule, pattern = RULE_NOT_DECIMAL, rf"[+-]?\d{{1,{precision - scale}}}{fraction}"
    else:
        raise EncounterLoadError(
            f"contract column {column.name} has an unsupported type {column.sql_type}"
        )
    col = _ident(column.name)
    return rule, (
        f"NOT regexp_full_match({col}, ' *{pattern} *') "
        f"OR TRY_CAST(trim({col}) AS {column.sql_type}) IS NULL"
    )


def _empty(col: str) -> str:
    """SQL: the value is missing or only spaces (trim() runs only on values starting with one)."""
    return f"({col} IS NULL OR {col} = '' OR (starts_with({col}, ' ') AND trim({col}) = ''))"


def _checks(spec: ExtractSpec = ENCOUNTERS) -> list[tuple[str, str, str]]:
    """(column, rule, SQL condition true when the value breaks the rule), in contract order; a
    value rule of the spec applies only to a value that is present and of the right type."""
    checks = []
    for column in spec.columns:
        empty = _empty(_ident(column.name))
        if column.required:
            checks.append((column.name, RULE_REQUIRED, empty))
        typed = _type_check(column)
        if typed:
            rule, bad = typed
            checks.append((column.name, rule, f"(NOT {empty} AND ({bad}))"))
        for value_check in spec.value_checks:
            if value_check.column == column.name:
                guard = f"NOT {empty}" + (f" AND NOT ({typed[1]})" if typed else "")
                checks.append(
                    (column.name, value_check.rule, f"({guard} AND ({value_check.bad_sql}))")
                )
    return checks


def problems(
    con: duckdb.DuckDBPyConnection, table: str = "raw", spec: ExtractSpec = ENCOUNTERS
) -> duckdb.DuckDBPyRelation:
    """One row (ord = the table's rowid, column_name, rule) per broken rule.

    One pass over the table keeps the rows breaking any rule, then unnests their failed checks.
    """
    checks = _checks(spec)
    hits = ", ".join(
        f"CASE WHEN {cond} THEN '{column}|{rule}' END" for column, rule, cond in checks
    )
    any_bad = " OR ".join(cond for _, _, cond in checks)
    flagged = (
        con.table(table)
        .select("rowid AS ord, *")
        .filter(any_bad)
        .select(f"ord, list_value({hits}) AS hits")
    )
    return (
        flagged.select("ord, unnest(hits) AS hit")
        .filter("hit IS NOT NULL")
        .select("ord, split_part(hit, '|', 1) AS column_name, split_part(hit, '|', 2) AS rule")
    )


def _cast_expression(column: Column) -> str:
    source, name = _ident(column.name), _ident(column.name)
    if column.sql_type == "VARCHAR":
        return f"NULLIF({source}, '') AS {name}"
    # DuckDB reads the ISO 'T' separator of a timestamp itself.
    return f"CAST(NULLIF(trim({source}), '') AS {column.sql_type}) AS {name}"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def good_rows(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    file_sha256: str,
    table: str = "raw",
    spec: ExtractSpec = ENCOUNTERS,
) -> duckdb.DuckDBPyRelation:
    """The typed rows of `table` not in table `problems`, raw-layer column order, file order; each
    row's line comes from `line_map(ord, line)`, its id is `<sha256 prefix>:<line>`."""
    casts = ", ".join(_cast_expression(column) for column in spec.columns)
    rows = con.table(table).select("rowid AS ord, *")
    kept = rows.join(con.table("problems").select("ord"), "ord", how="anti")
    typed = kept.join(con.table("line_map"), "ord").select(
        f"{_literal(file_sha256[:16] + ':')} || CAST(line AS VARCHAR) AS {_ident(spec.id_column)}, "
        f"{casts}, {_literal(file_name)} AS file_name, {_literal(file_sha256)} AS file_sha256, "
        "CAST(line AS BIGINT) AS source_line_number"
    )
    return typed.order("source_line_number")


def _arrow_type(sql_type: str) -> pa.DataType:
    shape = _decimal_shape(sql_type)
    if shape:
        return pa.decimal128(*shape)
    return {
        "VARCHAR": pa.string(),
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "BOOLEAN": pa.bool_(),
    }[sql_type]


def raw_arrow_schema(spec: ExtractSpec = ENCOUNTERS) -> pa.Schema:
    """Arrow schema of the spec's raw table (`encounter_lines`), from raw_schema.RAW_TABLES."""
    return pa.schema([(name, _arrow_type(sql_type)) for name, sql_type in RAW_TABLES[spec.table]])


# ---------------------------------------------------------------------------------------------
# loaders (I/O)
# ---------------------------------------------------------------------------------------------


def _rejected(rows_in: int, records: list[dict]) -> EncounterLoadResult:
    return EncounterLoadResult(
        rows_in=rows_in,
        rows_loaded=0,
        rows_quarantined=rows_in,
        file_rejected=True,
        quarantine_records=records,
    )


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = true")
    return con


def _load_csv(
    source: Path, dest: Path, *, file_name: str, file_sha256: str, spec: ExtractSpec
) -> EncounterLoadResult:
    layout = _layout_by_quote_parity(source)
    rows_in = int(layout.data_indices.size)
    if layout.lines.size == 0 or layout.blank[0]:
        return _rejected(
            rows_in,
            [
                file_problem(
                    file_name,
                    RULE_EMPTY_FILE,
                    "line 1 is empty; the file must start with the header row",
                )
            ],
        )
    try:
        header_text = _header_bytes(source, layout).decode("utf-8")
    except UnicodeDecodeError:
        return _rejected(
            rows_in,
            [
                file_problem(
                    file_name,
                    RULE_INVALID_ENCODING,
                    "the header row is not UTF-8 (UTF-16 or a legacy code page?); re-export as UTF-8",
                )
            ],
        )
    names = [name.strip() for name in next(csv.reader([header_text]), [])]
    header_problems = check_header(names, file_name, spec)
    if header_problems:
        return _rejected(rows_in, header_problems)

    con = _connect()
    try:
        # names are contract column names here (checked above), in the file's order
        columns = dict.fromkeys(names, "VARCHAR")
        try:
            con.read_csv(str(source), **_CSV_OPTIONS, columns=columns).create("raw")
        except duckdb.Error as exc:
            hint = (
                ": it mixes line endings (CRLF and LF) outside quoted fields"
                if "invalid state" in str(exc)
                else f" ({type(exc).__name__})"
            )
            return _rejected(
                rows_in,
                [
                    file_problem(
                        file_name,
                        RULE_UNREADABLE,
                        f"the strict CSV reader cannot read the file{hint}",
                    )
                ],
            )
        rejects = (
            con.table("reject_errors")
            .order("line, column_idx")
            .select("line, line_byte_position, column_name, error_type, error_message")
            .fetchall()
        )
        good_count = con.table("raw").aggregate("count(*)").fetchall()[0][0]
        duckdb_lines = np.asarray([r[0] for r in rejects], dtype=np.int64)
        byte_positions = np.asarray([r[1] for r in rejects], dtype=np.int64)
        placed = _place_rows(source, layout, duckdb_lines, byte_positions, good_count)
        if placed is None:
            _log.info(
                "%s: quote-parity record boundaries disagree with the reader; recounting", file_name
            )
            layout = _layout_by_csv_module(source)
            rows_in = int(layout.data_indices.size)
            placed = _place_rows(source, layout, duckdb_lines, byte_positions, good_count)
        if placed is None:
            return _rejected(
                rows_in,
                [
                    file_problem(
                        file_name,
                        RULE_LINES_UNRECONCILED,
                        "record boundaries could not be matched to line numbers (stray quote "
                        "characters?); re-export with RFC 4180 quoting",
                    )
                ],
            )
        lines, reject_idx = placed
        reader_records = _reader_problems(file_name, layout.lines[reject_idx], rejects, spec)
        return _check_and_write(
            con, dest, file_name, file_sha256, lines, rows_in, reader_records, spec
        )
    finally:
        con.close()


def _place_rows(
    source: Path,
    layout: _Layout,
    duckdb_lines: np.ndarray,
    byte_positions: np.ndarray,
    good_count: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """(line of each good row, record index of each reject), or None when they do not add up."""
    reject_idx = _reject_records(layout, _bytes(source), duckdb_lines, byte_positions)
    if reject_idx is None:
        return None
    lines = _good_row_lines(layout, reject_idx, good_count)
    return None if lines is None else (lines, reject_idx)


def _reader_problems(
    file_name: str, reject_lines: np.ndarray, rejects: list[tuple], spec: ExtractSpec
) -> list[dict]:
    """Quarantine records for the rows DuckDB's reader refused: one per (line, rule)."""
    records, seen = [], set()
    for physical_line, (_line, _byte, column, error_type, error_message) in zip(
        reject_lines.tolist(), rejects, strict=True
    ):
        physical = int(physical_line)
        rule = _DUCKDB_ERROR_RULES.get(str(error_type), RULE_UNPARSEABLE_ROW)
        if (physical, rule) in seen:
            continue
        seen.add((physical, rule))
        detail = ""
        if rule == RULE_FIELD_COUNT:
            found = _FOUND_FIELDS.search(str(error_message or ""))
            detail = found.group(1) if found else ""
        elif rule == RULE_UNPARSEABLE_ROW:
            detail = str(error_type).lower()
        if rule != RULE_INVALID_ENCODING:
            column = None  # the row as a whole is at fault
        records.append(
            _record(
                "row",
                physical,
                column,
                rule,
                _row_message(file_name, physical, column, rule, detail, spec),
            )
        )
    return records


def _load_parquet(
    source: Path, dest: Path, *, file_name: str, file_sha256: str, spec: ExtractSpec
) -> EncounterLoadResult:
    unreadable = "the Parquet reader cannot read the file ({})"
    try:
        parquet = pq.ParquetFile(source)
        names = [name.strip() for name in parquet.schema_arrow.names]
        rows_in = parquet.metadata.num_rows
    except (OSError, pa.ArrowException) as exc:
        return _rejected(
            0, [file_problem(file_name, RULE_UNREADABLE, unreadable.format(type(exc).__name__))]
        )
    header_problems = check_header(names, file_name, spec)
    if header_problems:
        return _rejected(rows_in, header_problems)
    con = _connect()
    try:
        as_text = ", ".join(
            f"CAST({_ident(name)} AS VARCHAR) AS {_ident(name)}" for name in spec.column_names
        )
        try:
            con.read_parquet(str(source)).select(as_text).create("raw")
        except duckdb.Error as exc:
            return _rejected(
                rows_in,
                [file_problem(file_name, RULE_UNREADABLE, unreadable.format(type(exc).__name__))],
            )
        lines = np.arange(1, rows_in + 1, dtype=np.int64)  # Parquet: 1-based row number
        return _check_and_write(con, dest, file_name, file_sha256, lines, rows_in, [], spec)
    finally:
        con.close()


def _check_and_write(
    con: duckdb.DuckDBPyConnection,
    dest: Path,
    file_name: str,
    file_sha256: str,
    lines: np.ndarray,
    rows_in: int,
    reader_records: list[dict],
    spec: ExtractSpec,
) -> EncounterLoadResult:
    """Type-check table `raw` (its row k, in file order, sits on line `lines[k]`), stream the
    good rows to `dest`, return counts and reasons."""
    con.register(
        "line_map", pa.table({"ord": np.arange(lines.size, dtype=np.int64), "line": lines})
    )
    problems(con, "raw", spec).create("problems")
    value_records = []
    for ord_, column, rule in con.table("problems").fetchall():
        line = int(lines[ord_])
        value_records.append(
            _record(
                "row",
                line,
                column,
                rule,
                _row_message(
                    file_name, line, column, rule, _decimal_detail(column, rule, spec), spec
                ),
            )
        )
    good = good_rows(con, file_name, file_sha256, "raw", spec)
    loaded = _write_parquet(good.to_arrow_reader(), raw_arrow_schema(spec), dest)
    order = {name: index for index, name in enumerate(spec.column_names)}
    records = sorted(
        reader_records + value_records,
        key=lambda r: (r["position"], order.get(r["column_name"] or "", -1), r["rule"]),
    )
    quarantined = len({r["position"] for r in records})
    if loaded + quarantined != rows_in:
        raise EncounterLoadError(
            f"{file_name}: {rows_in} rows in but {loaded} loaded + {quarantined} quarantined"
        )
    return EncounterLoadResult(
        rows_in=rows_in,
        rows_loaded=loaded,
        rows_quarantined=quarantined,
        file_rejected=False,
        quarantine_records=records,
    )


def _write_parquet(batches: pa.RecordBatchReader, schema: pa.Schema, dest: Path) -> int:
    """Stream record batches into `dest` (a temporary file, then renamed); returns the rows."""
    rows = 0
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(dest) as tmp, pq.ParquetWriter(tmp, schema) as writer:
            for batch in batches:
                writer.write_batch(batch.cast(schema))
                rows += batch.num_rows
    except OSError as exc:
        raise EncounterLoadError(f"cannot write {dest.name}: {exc.strerror}") from exc
    return rows
