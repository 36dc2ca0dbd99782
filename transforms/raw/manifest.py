"""The file manifest: what every past run did with every file, read back to decide what is new.

Each ingest run writes `raw/file_manifest/<ingest_run_id>.parquet` (one row per file it handled) and
`raw/quarantine_records/<ingest_run_id>.parquet` (one row per rejected unit), columns per
`transforms.raw.contract`. `ManifestHistory` reads all past manifests: which (name, SHA-256) pairs were handled
(skipped silently next time), and which SHA-256 was first delivered under which name (a later
delivery of the same bytes, under any name, is a duplicate of it). `remove_orphan_records` drops the
quarantine records of a run that was killed before its manifest (the commit record) was written.

Releases (`rcm quarantine release`): `raw/_manifest/quarantine_releases.json` maps the SHA-256 of a
wholly quarantined file to the time it was released. Manifest rows of those bytes with status
`quarantined` (or `duplicate` of them) recorded before that time are forgotten by
`ManifestHistory`, so the next run reads the file again, under any name; what that run records
counts as usual. Rows are never deleted: `audit.file_manifest` keeps the whole history.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.raw.arrow import arrow_schema
from transforms.raw.layout import SCHEMA_FILE, write_bytes_atomic, write_table_atomic

MANIFEST_TABLE = "file_manifest"
QUARANTINE_TABLE = "quarantine_records"
FINDINGS_TABLE = "ingest_findings"
STATUS_LOADED = "loaded"
STATUS_DUPLICATE = "duplicate"
STATUS_QUARANTINED = "quarantined"
STATUS_PARTIAL = "partially_quarantined"
# a file whose rows (all, or all but the quarantined ones) are in raw: what the gates validate
LOADED_STATUSES = (STATUS_LOADED, STATUS_PARTIAL)
MANIFEST_FOLDER = "_manifest"
RELEASES_FILE = "quarantine_releases.json"


@dataclass
class ManifestHistory:
    """Known files from every manifest under raw/file_manifest/."""

    pairs: set[tuple[str, str]] = field(default_factory=set)
    first_name: dict[str, str] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, raw_dir: Path) -> ManifestHistory:
        history = cls()
        released = load_releases(raw_dir)
        for row in manifest_rows(raw_dir):
            if is_released(row, released):
                continue
            history.add(
                row["file_name"],
                row["file_sha256"],
                row["units_in"] or 0,
                row["status"],
                row["file_kind"] or "unknown",
            )
        return history

    def is_known(self, file_name: str, file_sha256: str) -> bool:
        return (file_name, file_sha256) in self.pairs

    def original(self, file_sha256: str) -> str | None:
        """Name under which these bytes were first delivered, if ever."""
        return self.first_name.get(file_sha256)

    def add(self, file_name: str, file_sha256: str, units_in: int, status: str, kind: str) -> None:
        self.pairs.add((file_name, file_sha256))
        if status != STATUS_DUPLICATE and file_sha256 not in self.first_name:
            self.first_name[file_sha256] = file_name
            self.units[file_sha256] = units_in
            self.kinds[file_sha256] = kind


def manifest_rows(raw_dir: Path) -> list[dict]:
    """Every manifest row of every run (the columns history needs), oldest first."""
    folder = raw_dir / MANIFEST_TABLE
    if not folder.is_dir():
        return []
    tables = [
        pq.read_table(
            path,
            columns=[
                "file_name",
                "file_sha256",
                "file_kind",
                "status",
                "units_in",
                "loaded_at",
                "ingest_run_id",
            ],
        )
        for path in sorted(folder.glob("*.parquet"))
        if path.name != SCHEMA_FILE
    ]
    if not tables:
        return []
    rows = pa.concat_tables(tables).to_pylist()
    rows.sort(key=lambda row: (row["loaded_at"] is None, row["loaded_at"]))
    return rows


def loaded_ingest_runs(raw_dir: Path) -> list[str]:
    """Ingest runs that loaded at least one file (status in `LOADED_STATUSES`), sorted."""
    folder = raw_dir / MANIFEST_TABLE
    tables = [
        pq.read_table(path, columns=["status", "ingest_run_id"])
        for path in sorted(folder.glob("*.parquet"))
        if path.name != SCHEMA_FILE
    ]
    if not tables:
        return []
    import pyarrow.compute as pc  # here: 30 ms at import for every process that loads a file

    rows = pa.concat_tables(tables)
    loaded = pc.and_(
        pc.is_in(rows["status"], value_set=pa.array(LOADED_STATUSES)),
        pc.is_valid(rows["ingest_run_id"]),
    )
    return sorted(set(rows.filter(loaded)["ingest_run_id"].to_pylist()))


def load_releases(raw_dir: Path) -> dict[str, dt.datetime]:
    """{SHA-256: released at (UTC)} from `rcm quarantine release`."""
    try:
        entries = json.loads((raw_dir / MANIFEST_FOLDER / RELEASES_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    return {sha: dt.datetime.fromisoformat(when) for sha, when in entries.items()}


def save_releases(raw_dir: Path, releases: dict[str, dt.datetime]) -> Path:
    payload = {sha: when.isoformat() for sha, when in sorted(releases.items())}
    return write_bytes_atomic(
        raw_dir / MANIFEST_FOLDER / RELEASES_FILE, json.dumps(payload, indent=2).encode("utf-8")
    )


def is_released(row: dict, released: dict[str, dt.datetime]) -> bool:
    """A quarantined (or duplicate) manifest row recorded before its bytes were released."""
    when = released.get(row["file_sha256"])
    return (
        when is not None
        and row["status"] in (STATUS_QUARANTINED, STATUS_DUPLICATE)
        and row["loaded_at"] is not None
        and row["loaded_at"] <= when
    )


def write_records(raw_dir: Path, table: str, run_id: str, records: list[dict]) -> Path | None:
    """Write one run's manifest, quarantine or finding records (nothing when there are none)."""
    if not records:
        return None
    data = pa.Table.from_pylist(records, schema=arrow_schema(table))
    return write_table_atomic(raw_dir / table / f"{run_id}.parquet", data)


def remove_orphan_records(raw_dir: Path) -> list[str]:
    """Delete quarantine and finding records of runs that never wrote their manifest (killed
    mid-commit).

    A run writes those records just before its manifest, and every record belongs to a
    file the manifest lists, so records without a manifest of the same run id come from a run that
    died in between; the next run handles those files again and records them anew. Call under the
    ingest lock. Returns the run ids whose records were removed.
    """
    manifests = raw_dir / MANIFEST_TABLE
    removed: list[str] = []
    for table in (QUARANTINE_TABLE, FINDINGS_TABLE):
        records = raw_dir / table
        if not records.is_dir():
            continue
        for path in sorted(records.glob("*.parquet")):
            if path.name != SCHEMA_FILE and not (manifests / path.name).exists():
                path.unlink(missing_ok=True)
                if path.stem not in removed:
                    removed.append(path.stem)
    return removed
