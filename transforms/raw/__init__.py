"""The raw layer: everything the rest of the pipeline may know about `data/raw/`.

Ingestion (`transforms.ingest`) writes the raw layer; dbt's sources, the gates, the warehouse build
and publish read it. What they share lives here, and only here:

- `contract`: every raw table, its columns and their SQL types (`RAW_TABLES`, `columns`);
- `arrow`: the same contract in Arrow types (`arrow_schema`, `rows_to_batch`);
- `layout`: the folders, owner-only modes and all-or-nothing writes, `ensure_raw_layout`;
- `manifest`: the run records (`raw/file_manifest/`, quarantine and finding records), the file
  statuses (`STATUS_*`), what past runs handled (`ManifestHistory`), quarantine releases;
- `ledger`: which ingest runs an ingestion gate has passed (`raw/_manifest/ingestion_gate_ledger.json`)
  and which are still pending;
- `watermark`: the as-of date of the newest build a warehouse file records (`built_as_of`).

The run state of a data directory is these files plus `audit.build_watermarks`; see
docs/architecture.md, "Run state".
"""

from __future__ import annotations

from transforms.raw.arrow import arrow_schema, arrow_type, rows_to_batch
from transforms.raw.contract import RAW_TABLES, RECORD_TABLES, columns
from transforms.raw.layout import (
    SCHEMA_FILE,
    RawLayoutError,
    ensure_raw_layout,
    secure_dir,
    table_dir,
    write_bytes_atomic,
    write_table_atomic,
)
from transforms.raw.ledger import gated_ingest_runs, pending_ingest_runs, record_gated
from transforms.raw.manifest import (
    FINDINGS_TABLE,
    LOADED_STATUSES,
    MANIFEST_FOLDER,
    MANIFEST_TABLE,
    QUARANTINE_TABLE,
    STATUS_DUPLICATE,
    STATUS_LOADED,
    STATUS_PARTIAL,
    STATUS_QUARANTINED,
)
from transforms.raw.watermark import built_as_of

__all__ = [
    "FINDINGS_TABLE",
    "LOADED_STATUSES",
    "MANIFEST_FOLDER",
    "MANIFEST_TABLE",
    "QUARANTINE_TABLE",
    "RAW_TABLES",
    "RECORD_TABLES",
    "SCHEMA_FILE",
    "STATUS_DUPLICATE",
    "STATUS_LOADED",
    "STATUS_PARTIAL",
    "STATUS_QUARANTINED",
    "RawLayoutError",
    "arrow_schema",
    "arrow_type",
    "built_as_of",
    "columns",
    "ensure_raw_layout",
    "gated_ingest_runs",
    "pending_ingest_runs",
    "record_gated",
    "rows_to_batch",
    "secure_dir",
    "table_dir",
    "write_bytes_atomic",
    "write_table_atomic",
]
