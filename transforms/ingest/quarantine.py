"""Set rejected bytes aside under `quarantine/<sha256>/`, each with a machine-readable JSON reason.

Layout of one file's folder (0o700; files 0o600; the name is the file's SHA-256, never its name):

    quarantine/<sha256>/file[.ext]                 the whole file's bytes (file-level rejection,
                                                   every transaction set rejected, or rejected rows)
    quarantine/<sha256>/reason.json                why (one reason, or a list for rows)
    quarantine/<sha256>/transaction_<pos>.x12      one rejected transaction set with its ISA and GS
    quarantine/<sha256>/transaction_<pos>.json     why

A reason holds file, file_sha256, unit, position, segment, element, column, rule, message,
ingest_run_id and recorded_at; never a field value. `quarantine_path` in the records is relative to
the data directory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from transforms.raw.layout import copy_atomic, secure_dir, write_bytes_atomic
from transforms.settings import Paths
from transforms.x12.errors import X12Error

_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


def folder(data_dir: Path, file_sha256: str) -> Path:
    return secure_dir(Paths(data_dir).quarantine / file_sha256)


def relative(data_dir: Path, path: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def file_copy_name(file_name: str) -> str:
    """`file` plus the original extension when it is plain (`.edi`, `.csv`), else just `file`."""
    suffix = Path(file_name).suffix
    return "file" + (suffix if _SAFE_SUFFIX.fullmatch(suffix) else "")


def copy_file(data_dir: Path, file_sha256: str, source: Path, file_name: str) -> Path:
    """Copy the whole file into its quarantine folder (once; same bytes, same place)."""
    target = folder(data_dir, file_sha256) / file_copy_name(file_name)
    if not target.exists():
        copy_atomic(source, target)
    return target


def write_reason(target: Path, payload: dict | list) -> Path:
    secure_dir(target.parent)
    return write_bytes_atomic(target, json.dumps(payload, indent=2, default=str).encode("utf-8"))


def record(
    *,
    run_id: str,
    file_name: str,
    file_sha256: str,
    unit: str,
    rule: str,
    message: str,
    recorded_at: dt.datetime,
    quarantine_path: str,
    position: int | None = None,
    segment_id: str | None = None,
    element: str | None = None,
    column_name: str | None = None,
) -> dict:
    """One row of raw/quarantine_records (columns of raw_schema 'quarantine_records')."""
    return {
        "ingest_run_id": run_id,
        "file_name": file_name,
        "file_sha256": file_sha256,
        "unit": unit,
        "position": position,
        "segment_id": segment_id,
        "element": element,
        "column_name": column_name,
        "rule": rule,
        "message": message,
        "quarantine_path": quarantine_path,
        "recorded_at": recorded_at,
    }


def x12_record(
    error: X12Error,
    *,
    unit: str,
    run_id: str,
    file_name: str,
    file_sha256: str,
    recorded_at: dt.datetime,
    quarantine_path: str,
) -> dict:
    return record(
        run_id=run_id,
        file_name=file_name,
        file_sha256=file_sha256,
        unit=unit,
        rule=error.rule,
        message=error.message,
        recorded_at=recorded_at,
        quarantine_path=quarantine_path,
        position=error.position,
        segment_id=error.segment_id,
        element=error.element,
    )


def reason_payload(row: dict) -> dict:
    """The JSON reason written beside quarantined bytes, from a quarantine record."""
    return {
        "file": row["file_name"],
        "file_sha256": row["file_sha256"],
        "unit": row["unit"],
        "position": row["position"],
        "segment": row["segment_id"],
        "element": row["element"],
        "column": row["column_name"],
        "rule": row["rule"],
        "message": row["message"],
        "ingest_run_id": row["ingest_run_id"],
        "recorded_at": row["recorded_at"].isoformat(),
    }
