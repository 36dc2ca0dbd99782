"""Write-audit-publish: replace the analysts' warehouse atomically, only after the publish gate.

`build.duckdb` is private to the nightly job. Publishing checkpoints it, copies it to a temporary
file beside `analytics.duckdb`, flushes that copy to disk, then renames it over the old file. A rename
within one folder is atomic on POSIX: a reader opening the path sees either the old or the new file,
never a mix, and a reader that already has the old file open keeps reading it (its inode lives on
until closed). If anything fails before the rename, the published file is untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from transforms import log
from transforms.errors import RcmError
from transforms.ingest.discover import sha256_file
from transforms.locking import writer_lock
from transforms.settings import Paths

LOG = log.get_logger("publish")
ENV_PUBLISHED_FILE_MODE = "RCM_PUBLISHED_FILE_MODE"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def published_file_mode() -> int:
    """Mode of the published file: owner-only by default; `RCM_PUBLISHED_FILE_MODE=0640` lets a group
    of analysts read it (give `warehouse/` that group with the setgid bit so new files inherit it)."""
    raw = os.environ.get(ENV_PUBLISHED_FILE_MODE, "0600")
    try:
        mode = int(raw, 8)
    except ValueError:
        raise RcmError(f"{ENV_PUBLISHED_FILE_MODE}={raw!r} is not an octal file mode like 0640") from None
    if mode & 0o137:
        raise RcmError(f"{ENV_PUBLISHED_FILE_MODE}={raw}: only owner read/write and group read are allowed")
    return mode


def publish(data_dir: Path) -> dict:
    """Publish build.duckdb as analytics.duckdb (complete copy, flushed, renamed over the old one)."""
    import duckdb

    paths = Paths(data_dir)
    build_db, target = paths.build_db, paths.analytics_db
    if not build_db.exists():
        raise RcmError(f"nothing to publish: {build_db} does not exist (run `rcm build` first)")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with writer_lock(paths.warehouse):
        # a publish killed mid-copy leaves its temporary copy; under the lock no other publish runs,
        # so every such file is a dead run's
        for stale in paths.warehouse.glob(f".{target.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        con = duckdb.connect(str(build_db))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            with build_db.open("rb") as src, open(tmp, "wb") as dst:
                os.fchmod(dst.fileno(), published_file_mode())
                shutil.copyfileobj(src, dst, length=1 << 22)
                dst.flush()
                os.fsync(dst.fileno())
            # Sanity-open the copy read-only before it becomes visible to analysts.
            check = duckdb.connect(str(tmp), read_only=True)
            try:
                tables = check.execute(
                    "select count(*) from information_schema.tables where table_schema = 'marts'"
                ).fetchone()[0]
            finally:
                check.close()
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        finally:
            if tmp.exists():
                tmp.unlink()
    LOG.info("published %s (%d mart tables)", target, tables)
    return {"published": str(target), "mart_tables": tables, "sha256": sha256_file(target)}
