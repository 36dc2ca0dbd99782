"""`rcm codesets`: write the reference code sets under DATA_DIR/ref/ and record their versions.

* `ref/icd10cm_codes.parquet` -- every ICD-10-CM code of the installed `simple-icd-10-cm` release
  (built offline from the package; ~98k rows).
* `ref/codeset_versions.parquet` -- one row per code set (ICD-10-CM and each dbt seed): codeset,
  source, version, row_count, built_at.

Idempotent: when the ICD-10-CM table already exists for the same package version (and row count)
it is not rebuilt, and a code set whose source, version and row count are unchanged keeps its
`built_at`. Files are written to a temporary name and renamed, so readers never see half a file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from transforms import log
from transforms.codesets import icd10cm
from transforms.codesets.seeds import SEEDS_DIR, read_seed, seed_infos
from transforms.fsio import atomic_path
from transforms.settings import Paths

ICD10CM_FILE = "icd10cm_codes.parquet"
VERSIONS_FILE = "codeset_versions.parquet"
ICD10CM_CODESET = "icd10cm"

ICD10CM_SCHEMA = pa.schema(
    [
        ("icd10cm_code", pa.string()),
        ("icd10cm_code_dotted", pa.string()),
        ("description", pa.string()),
        ("is_billable", pa.bool_()),
        ("chapter", pa.string()),
        ("chapter_description", pa.string()),
        ("fiscal_year", pa.int32()),
        ("source", pa.string()),
        ("source_version", pa.string()),
    ]
)
VERSIONS_SCHEMA = pa.schema(
    [
        ("codeset", pa.string()),
        ("source", pa.string()),
        ("version", pa.string()),
        ("row_count", pa.int64()),
        ("built_at", pa.timestamp("us")),
    ]
)

_log = log.get_logger("codesets")


def _write_atomically(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _read_versions(path: Path) -> dict[str, dict[str, object]]:
    if not path.exists():
        return {}
    return {row["codeset"]: row for row in pq.read_table(path).to_pylist()}


def _icd10cm_is_current(path: Path, recorded: dict[str, object] | None, version: str) -> bool:
    if recorded is None or not path.exists() or recorded.get("version") != version:
        return False
    return pq.ParquetFile(path).metadata.num_rows == recorded.get("row_count")


def _build_icd10cm(path: Path) -> int:
    rows = icd10cm.icd10cm_rows()
    _write_atomically(pa.Table.from_pylist(rows, schema=ICD10CM_SCHEMA), path)
    return len(rows)


def _version_row(
    codeset: str,
    source: str,
    version: str,
    row_count: int,
    previous: dict[str, object] | None,
    now: dt.datetime,
) -> dict[str, object]:
    unchanged = previous is not None and (
        previous.get("source"),
        previous.get("version"),
        previous.get("row_count"),
    ) == (source, version, row_count)
    built_at = previous["built_at"] if unchanged and previous else now
    return {
        "codeset": codeset,
        "source": source,
        "version": version,
        "row_count": row_count,
        "built_at": built_at,
    }


def build_codesets(data_dir: Path, *, seeds_dir: Path = SEEDS_DIR) -> dict:
    """Build DATA_DIR/ref/ (see module doc); returns a JSON-able summary for the CLI."""
    ref = Paths(Path(data_dir)).ref
    ref.mkdir(parents=True, exist_ok=True)
    icd_path, versions_path = ref / ICD10CM_FILE, ref / VERSIONS_FILE
    release = icd10cm.release()
    previous = _read_versions(versions_path)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

    skipped = _icd10cm_is_current(icd_path, previous.get(ICD10CM_CODESET), release.source_version)
    if skipped:
        icd_rows = int(previous[ICD10CM_CODESET]["row_count"])  # type: ignore[arg-type]
        _log.info("ICD-10-CM %s already built (%s rows); skipped", release.source_version, icd_rows)
    else:
        icd_rows = _build_icd10cm(icd_path)
        _log.info("ICD-10-CM %s: %s codes written", release.source_version, icd_rows)

    versions = [
        _version_row(
            ICD10CM_CODESET,
            release.source,
            release.source_version,
            icd_rows,
            None if not skipped else previous.get(ICD10CM_CODESET),
            now,
        )
    ]
    for info in seed_infos(seeds_dir):
        count = len(read_seed(info.name, seeds_dir))
        versions.append(
            _version_row(info.name, info.source, info.version, count, previous.get(info.name), now)
        )
    changed = versions != [previous.get(row["codeset"]) for row in versions]
    if changed or len(previous) != len(versions):
        _write_atomically(pa.Table.from_pylist(versions, schema=VERSIONS_SCHEMA), versions_path)

    return {
        "ref_dir": str(ref),
        "icd10cm": {
            "path": str(icd_path),
            "rows": icd_rows,
            "source": release.source,
            "source_version": release.source_version,
            "fiscal_year": release.fiscal_year,
            "release": release.release_label,
            "valid_from": release.valid_from.isoformat(),
            "valid_to": release.valid_to.isoformat(),
            "skipped": skipped,
        },
        "codesets": [
            {
                key: (value.isoformat() if isinstance(value, dt.datetime) else value)
                for key, value in row.items()
            }
            for row in versions
        ],
    }
