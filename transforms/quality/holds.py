"""Files held back by the ingestion gate: which, since when, why; stored where dbt reads them.

A critical ingestion check whose failing rows all come from known files holds back THOSE files
instead of stopping the night: their rows stay in raw (immutable) but the staging models leave
them out (macro `exclude_held_files`), so the rest of the batch builds and publishes. Every
ingestion gate re-validates the held files with its batch and releases the ones that pass (after a
code-set fix, say); their data then enters the next build.

Storage (one writer: the gate's result writer, under the warehouse writer lock): one Parquet file
per gate run that holds or releases something, `raw/file_holds/<snapshot_id>.parquet`, never
rewritten. A snapshot lists every file held after that run (`hold_status = 'held'`) and the files
that run released (`'released'`). The newest snapshot (largest `snapshot_id`, which starts with the
UTC time) is the current state; a run that neither holds nor releases anything writes nothing, since
the newest snapshot already says nothing is held. dbt declares the folder as the source
`holds.file_holds`; `audit.file_holds` shows every file ever held.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from transforms.settings import Paths

TABLE = "file_holds"
SCHEMA_FILE = "_schema.parquet"
HELD = "held"
RELEASED = "released"

COLUMNS: list[tuple[str, pa.DataType]] = [
    ("snapshot_id", pa.string()),  # <UTC %Y%m%dT%H%M%S%f>-<random>: sorts by time written
    ("gate_run_id", pa.string()),  # the ingestion gate run that wrote the snapshot
    ("as_of_date", pa.date32()),  # that run's logical date
    ("recorded_at", pa.timestamp("us")),  # wall clock, audit only
    ("file_sha256", pa.string()),
    ("file_name", pa.string()),
    ("ingest_run_id", pa.string()),
    ("hold_status", pa.string()),  # held | released
    ("check_names", pa.string()),  # critical checks the file failed ('; '-joined), last run
    ("flagged_rows", pa.int64()),  # rows of the file those checks flagged, last run
    ("held_since_run_id", pa.string()),
    ("held_since_as_of", pa.date32()),
]
SCHEMA = pa.schema(COLUMNS)


@dataclass
class Hold:
    """One held file as of a gate run."""

    file_sha256: str
    file_name: str | None = None
    ingest_run_id: str | None = None
    check_names: list[str] = field(default_factory=list)
    flagged_rows: int = 0
    held_since_run_id: str | None = None
    held_since_as_of: dt.date | None = None


def folder(data_dir: Path) -> Path:
    return Paths(Path(data_dir)).raw / TABLE


def ensure_layout(data_dir: Path) -> Path:
    """The folder and its zero-row `_schema.parquet` (so dbt's `*.parquet` glob always matches)."""
    from transforms.raw import secure_dir, write_table_atomic

    target = secure_dir(folder(data_dir)) / SCHEMA_FILE
    if not target.exists():
        write_table_atomic(target, SCHEMA.empty_table())
    return target


def _snapshots(data_dir: Path) -> list[Path]:
    return sorted(p for p in folder(data_dir).glob("*.parquet") if p.name != SCHEMA_FILE)


def current(data_dir: Path) -> dict[str, Hold]:
    """The files held now (newest snapshot), by sha256."""
    files = _snapshots(data_dir)
    if not files:
        return {}
    rows = pq.read_table(files[-1], schema=SCHEMA).to_pylist()
    return {
        r["file_sha256"]: Hold(
            file_sha256=r["file_sha256"],
            file_name=r["file_name"],
            ingest_run_id=r["ingest_run_id"],
            check_names=[c for c in (r["check_names"] or "").split("; ") if c],
            flagged_rows=int(r["flagged_rows"] or 0),
            held_since_run_id=r["held_since_run_id"],
            held_since_as_of=r["held_since_as_of"],
        )
        for r in rows
        if r["hold_status"] == HELD
    }


def file_details(data_dir: Path, shas: set[str]) -> dict[str, tuple[str | None, str | None]]:
    """{sha: (file_name, ingest_run_id)} from the manifest (the run that loaded the file)."""
    manifests = sorted((Paths(Path(data_dir)).raw / "file_manifest").glob("*.parquet"))
    if not shas or not manifests:
        return {}
    con = duckdb.connect()
    try:
        rows = con.execute(
            "select file_sha256, arg_min(file_name, loaded_at), arg_min(ingest_run_id, loaded_at) "
            "from read_parquet(?, union_by_name = true) "
            "where list_contains(?, file_sha256) and status in ('loaded', 'partially_quarantined') "
            "group by file_sha256",
            [[str(p) for p in manifests], sorted(shas)],
        ).fetchall()
    finally:
        con.close()
    return {sha: (name, run) for sha, name, run in rows}


def write_snapshot(
    data_dir: Path,
    *,
    gate_run_id: str,
    as_of: dt.date,
    held: dict[str, Hold],
    released: dict[str, Hold],
    recorded_at: dt.datetime,
) -> Path | None:
    """Write the state after one gate run (nothing when nothing is held or released)."""
    if not held and not released:
        return None
    from transforms.raw import write_table_atomic

    ensure_layout(data_dir)
    snapshot_id = f"{recorded_at:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
    rows = []
    for status, holds in ((HELD, held), (RELEASED, released)):
        for sha in sorted(holds):
            hold = holds[sha]
            rows.append(
                {
                    "snapshot_id": snapshot_id,
                    "gate_run_id": gate_run_id,
                    "as_of_date": as_of,
                    "recorded_at": recorded_at,
                    "file_sha256": sha,
                    "file_name": hold.file_name,
                    "ingest_run_id": hold.ingest_run_id,
                    "hold_status": status,
                    "check_names": "; ".join(sorted(set(hold.check_names))),
                    "flagged_rows": hold.flagged_rows,
                    "held_since_run_id": hold.held_since_run_id,
                    "held_since_as_of": hold.held_since_as_of,
                }
            )
    target = folder(data_dir) / f"{snapshot_id}.parquet"
    write_table_atomic(target, pa.Table.from_pylist(rows, schema=SCHEMA))
    return target


__all__ = ["HELD", "RELEASED", "Hold", "current", "ensure_layout", "write_snapshot"]
