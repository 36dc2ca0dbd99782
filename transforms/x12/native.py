"""The native 835 reader (`transforms/x12/_native.c`) as Arrow record batches, and when to use it.

`make setup` compiles `_native.c` into a CPython extension for `.venv`'s interpreter. It reads a
whole 835 file in C (tokenizer, envelope checks and the 835 flattener of `transforms.x12.reader`
and `flatten_835`) and hands over each x835_* table's closed rows as Arrow buffers every
`flush_segments` segments, so no Python object is made per value and memory stays flat.

It reproduces the Python reader for the well-formed common case only and declines everything else
by raising `Declined`: bytes that are not ASCII, text before the first ISA, a bare transaction set,
any envelope defect (counts, control numbers, a missing or misplaced ISA/GS/ST/SE/GE/IEA, a
segment outside a transaction set), a transaction set that is not an 835, any content error or
finding (an amount or quantity not in its plain `-?digits[.dd]` form, a date that is not a plain
calendar CCYYMMDD, negative units outside a reversal, a CAS/MIA/MOA/LQ/SVC out of place, a
required element missing, an invalid segment id...), an interchange that changes separators, a
total out of DECIMAL(18,2) range. The caller then reads the file with the Python reader, the
reference, so both paths give the same rows (tests/transforms/x12/test_native.py compares them
table by table on every public fixture and generated files).

`RCM_X12_NATIVE=0` turns the native path off (the Python reader reads everything).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from transforms import settings
from transforms.raw.arrow import arrow_schema

try:
    from transforms.x12 import _native
except ImportError:  # not compiled (`make native`): the Python reader reads everything
    _native = None

ENV_SWITCH = settings.ENV_X12_NATIVE
_TYPES = {
    "s": pa.string(),
    "m": pa.decimal128(18, 2),
    "q": pa.decimal128(18, 6),
    "d": pa.date32(),
    "i": pa.int32(),
    "l": pa.int64(),
    "b": pa.bool_(),
}


class Declined(Exception):
    """The native reader does not handle this file; read it with the Python reader."""


def _check_layout() -> str | None:
    """None when the extension's columns are the contract's (names checked by count and type)."""
    if _native is None:
        return "transforms.x12._native is not compiled (run `make native`)"
    for table, types in _native.TABLES.items():
        expected = [field.type for field in arrow_schema(table)]
        if [_TYPES.get(code) for code in types] != expected:
            return f"transforms.x12._native columns of {table} differ from the raw contract"
    return None


LAYOUT_PROBLEM = _check_layout()


def available() -> bool:
    """The extension is compiled and its columns match the contract."""
    return LAYOUT_PROBLEM is None


def enabled() -> bool:
    """Use the native reader: available and not switched off with `RCM_X12_NATIVE=0`."""
    return available() and settings.x12_native()


@dataclass
class NativeSummary:
    """What the native reader counted (complete once the batches are exhausted)."""

    segments: int = 0
    transactions: int = 0
    versions: list[str] = field(default_factory=list)


def _batch(table: str, rows: int, columns: tuple) -> pa.RecordBatch:
    schema = arrow_schema(table)
    arrays = [
        pa.Array.from_buffers(
            field.type,
            rows,
            [None if buffer is None else pa.py_buffer(buffer) for buffer in buffers],
        )
        for field, buffers in zip(schema, columns, strict=True)
    ]
    batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
    batch.validate()  # buffer sizes against the row count (cheap; not every offset)
    return batch


def read_835(
    path: Path,
    *,
    file_name: str,
    file_sha256: str,
    flush_segments: int,
    summary: NativeSummary | None = None,
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """(table, batch) pairs of a well-formed 835 file, in the Python reader's row order per table.

    Raises `Declined` (possibly after batches were yielded: the caller drops them) when the file
    needs the Python reader. `summary` is filled in at the end.
    """
    if _native is None:
        raise Declined(LAYOUT_PROBLEM)
    try:
        reader = _native.Reader835(str(path), file_name, file_sha256, flush_segments)
    except (OSError, UnicodeError) as exc:  # the Python reader reports it the way it always has
        raise Declined(f"cannot open natively: {exc}") from None
    tables = tuple(_native.TABLES)
    done = False
    while not done:
        try:
            done, chunk = reader.next_chunk()
        except _native.Declined as exc:
            raise Declined(str(exc)) from None
        for table, taken in zip(tables, chunk, strict=True):
            if taken is not None:
                yield table, _batch(table, *taken)
    if summary is not None:
        counts = reader.summary()
        summary.segments = counts["segments"]
        summary.transactions = counts["transactions"]
        summary.versions = list(counts["versions"])
