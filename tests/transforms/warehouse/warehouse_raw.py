"""Helpers for the warehouse tests: a raw layer written by hand from the raw-layer contract.

Rows are built column by column from `transforms.raw_schema` and written with ingest's own Arrow
schema (`transforms.ingest.arrow_schema`), exactly as ingest would lay them out, without parsing
any file.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.ingest import arrow_schema
from transforms.raw_schema import RAW_TABLES


def raw_row(table: str, **values: Any) -> dict[str, Any]:
    """One raw row: every column of the table, None unless given; unknown columns are an error."""
    columns = [name for name, _ in RAW_TABLES[table]]
    unknown = set(values) - set(columns)
    if unknown:
        raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
    return {name: values.get(name) for name in columns}


def _as_decimal(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, (int, float, str)) else value


def write_raw(raw_dir: Path, table: str, rows: Iterable[dict[str, Any]], stem: str) -> Path:
    """Write rows of one raw table as <raw_dir>/<table>/<stem>.parquet with the contract's types."""
    schema = arrow_schema(table)
    decimals = {f.name for f in schema if pa.types.is_decimal(f.type)}
    rows = [
        {k: (_as_decimal(v) if k in decimals and v is not None else v) for k, v in r.items()}
        for r in rows
    ]
    folder = raw_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def write_icd10cm(ref_dir: Path, codes: list[tuple[str, str, bool]]) -> Path:
    """A tiny stand-in for `rcm codesets`' ICD-10-CM Parquet: (code without dot, description, billable)."""
    ref_dir.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "icd10cm_code": [c for c, _, _ in codes],
            "icd10cm_code_dotted": [
                c[:3] + ("." + c[3:] if len(c) > 3 else "") for c, _, _ in codes
            ],
            "description": [d for _, d, _ in codes],
            "is_billable": [b for _, _, b in codes],
            "chapter": ["test" for _ in codes],
            "fiscal_year": pa.array([2026 for _ in codes], pa.int32()),
            "source": ["test-fixture" for _ in codes],
            "source_version": ["0" for _ in codes],
        }
    )
    path = ref_dir / "icd10cm_codes.parquet"
    pq.write_table(table, path)
    return path
