"""Ingestion: landed files -> the immutable, engine-neutral raw Parquet layer (`rcm ingest`).

Public entry points:

- `ingest(data_dir) -> dict`: load every new file under `data_dir/landing/` (see `run`);
- `discover_new_files(data_dir) -> list[str]`: what `ingest` would look at, without loading;
- `ensure_raw_layout(data_dir) -> dict`: every raw table folder with its zero-row `_schema.parquet`;
- `arrow_schema(table) -> pyarrow.Schema`: the raw contract in Arrow types (the one mapping).

Modules: `discover` (landing walk, hashing, content sniffing), `x12_load` (one X12 file),
`encounters` (one encounter extract), `quarantine` (rejected bytes and reasons), `parallel` (X12
files read in worker processes), `release` (`rcm quarantine release`), `run` (the orchestration).
What ingestion shares with the rest of the pipeline -- the contract, its Arrow types, the folder
layout, the manifest and its statuses -- lives in `transforms.raw`; `schema` re-exports its Arrow
types for old imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transforms.ingest.run import IngestError, discover_new_files, ingest
    from transforms.raw.arrow import arrow_schema
    from transforms.raw.layout import ensure_raw_layout

__all__ = ["IngestError", "arrow_schema", "discover_new_files", "ensure_raw_layout", "ingest"]

# Imported on first use, so that a process that needs one module (an X12 worker importing
# `transforms.ingest.x12_load`) does not import the whole orchestration with it.
_HOMES = {
    "IngestError": "transforms.ingest.run",
    "discover_new_files": "transforms.ingest.run",
    "ingest": "transforms.ingest.run",
    "arrow_schema": "transforms.raw.arrow",
    "ensure_raw_layout": "transforms.raw.layout",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
