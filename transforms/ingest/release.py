"""`rcm quarantine release`: let ingestion read a wholly quarantined file again.

A corrected copy with other bytes needs no release: the manifest has never seen those bytes, so it
loads next run under any name. A release is for the same bytes: a file rejected for a reason that
has since gone (a code set fixed, `RCM_MAX_FILE_BYTES` raised, the file unpacked under the same
name...). `release(data_dir, key)` takes a SHA-256 (or a prefix of at least 8 hex digits) or a
file name relative to landing/, and records the release in the manifest folder
(`manifest.RELEASES_FILE`); the next `rcm ingest` handles the file as new. Only files of which
nothing was loaded can be released, so a release never loads a row twice: a partially quarantined
file's rejected transaction sets or rows come back in a new file with their own bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from transforms.errors import RcmError
from transforms.ingest.run import ingest_lock
from transforms.raw.manifest import (
    STATUS_DUPLICATE,
    STATUS_QUARANTINED,
    is_released,
    load_releases,
    manifest_rows,
    save_releases,
)
from transforms.settings import Paths

_HEX_PREFIX = re.compile(r"[0-9a-f]{8,64}")


class ReleaseError(RcmError):
    """Nothing can be released under that key (unknown, loaded, or already released)."""


def release(data_dir: Path, key: str) -> list[dict]:
    """Release every wholly quarantined file matching `key`; one dict per SHA-256 released."""
    paths = Paths(Path(data_dir).resolve())
    with ingest_lock(paths):
        released = load_releases(paths.raw)
        rows = [row for row in manifest_rows(paths.raw) if not is_released(row, released)]
        needle = key.strip().lower()
        by_hash = bool(_HEX_PREFIX.fullmatch(needle))
        shas = {
            row["file_sha256"]
            for row in rows
            if row["file_name"] == key or (by_hash and row["file_sha256"].startswith(needle))
        }
        if not shas:
            raise ReleaseError(
                f"no file in the manifest matches {key!r} (a landing/-relative file name or a "
                "SHA-256 of at least 8 hex digits) that is not already released; see "
                "audit.file_manifest or raw/file_manifest for what was quarantined"
            )
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        done: list[dict] = []
        for sha in sorted(shas):
            own = [r for r in rows if r["file_sha256"] == sha and r["status"] != STATUS_DUPLICATE]
            latest = own[-1] if own else None
            if latest is None or latest["status"] != STATUS_QUARANTINED:
                status = latest["status"] if latest else "unknown"
                raise ReleaseError(
                    f"{latest['file_name'] if latest else sha} (sha256 {sha[:12]}) has status "
                    f"{status}: only files of which nothing was loaded can be released; deliver "
                    "the corrected units in a new file instead"
                )
            released[sha] = now
            done.append(
                {
                    "file_sha256": sha,
                    "file_names": sorted({r["file_name"] for r in rows if r["file_sha256"] == sha}),
                    "released_at": now.isoformat(),
                }
            )
        save_releases(paths.raw, released)
    return done
