"""The raw-layer contract in Arrow terms: the one place SQL types from `raw_schema` become Arrow types.

VARCHAR -> string, BIGINT -> int64, INTEGER -> int32, DATE -> date32, TIMESTAMP -> timestamp[us]
(naive, UTC by convention), BOOLEAN -> bool, DECIMAL(p,s) -> decimal128(p,s), DOUBLE -> float64.
Every field is nullable; `not_null` is a dbt test, not a storage rule. Also turns row tuples (in
contract column order) into Arrow record batches in bulk, one `pa.array` per column (`pa.nulls` for
a column of nulls only: cheaper, and `pa.array` imports pandas, ~0.3 CPU s, the first time it runs
in a process where pandas is installed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import pyarrow as pa

from transforms.raw.contract import RAW_TABLES

_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_SIMPLE_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
}


def arrow_type(sql_type: str) -> pa.DataType:
    """Arrow type of one raw_schema SQL type; KeyError names an unmapped type."""
    normalized = sql_type.strip().upper()
    match = _DECIMAL.fullmatch(normalized)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    try:
        return _SIMPLE_TYPES[normalized]
    except KeyError:
        raise KeyError(f"raw_schema type {sql_type!r} has no Arrow mapping") from None


@cache
def arrow_schema(table: str) -> pa.Schema:
    """Exact Arrow schema of raw table `table` (columns and order of `RAW_TABLES[table]`)."""
    return pa.schema([pa.field(name, arrow_type(sql_type)) for name, sql_type in RAW_TABLES[table]])


def rows_to_batch(table: str, rows: Sequence[Sequence[object]]) -> pa.RecordBatch:
    """Row tuples (contract column order) -> one RecordBatch with the table's exact schema."""
    schema = arrow_schema(table)
    if not rows:
        return pa.RecordBatch.from_pylist([], schema=schema)
    columns = list(zip(*rows, strict=True))
    if len(columns) != len(schema):
        raise ValueError(f"{table}: rows have {len(columns)} values, the contract {len(schema)}")
    arrays = [
        pa.nulls(len(values), field.type)
        if values[0] is None and values.count(None) == len(values)
        else pa.array(values, type=field.type)
        for values, field in zip(columns, schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
