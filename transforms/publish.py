"""Write-audit-publish: replace the analysts' warehouse atomically, only after the publish gate.

`build.duckdb` is private to the nightly job. Publishing checkpoints it, copies it to a temporary
file beside `analytics.duckdb`, flushes that copy to disk, then renames it over the old file. A rename
within one folder is atomic on POSIX: a reader opening the path sees either the old or the new file,
never a mix, and a reader that already has the old file open keeps reading it (its inode lives on
until closed). If anything fails before the rename, the published file is untouched.

The copy is made by the kernel (`os.copy_file_range`: no round trip of gigabytes through Python
buffers; a reflink on file systems that share extents), with a plain buffered copy as the fallback
where the call is not supported. The published file's SHA-256 is computed from the same bytes in a
second thread while the kernel copies, instead of re-reading the published file afterwards: under
the writer lock the checkpointed build file cannot change, and the copy is checked to hold exactly
as many bytes as were hashed before it is opened and renamed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from transforms import log
from transforms.errors import RcmError
from transforms.ingest.discover import HASH_CHUNK
from transforms.locking import writer_lock
from transforms.settings import Paths

LOG = log.get_logger("publish")
ENV_PUBLISHED_FILE_MODE = "RCM_PUBLISHED_FILE_MODE"
COPY_STEP = 1 << 30  # bytes per copy_file_range call (the kernel may copy fewer)
# copy_file_range is not available for this pair of files: use a buffered copy instead
_NO_KERNEL_COPY = frozenset(
    {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF, errno.EPERM}
)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256_of(path: Path) -> tuple[str, int]:
    """SHA-256 and length of a file, read in large chunks (hashlib releases the GIL while it hashes,
    so this runs alongside a kernel copy in another thread)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK * 4):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _kernel_copy(src_fd: int, dst_fd: int, size: int) -> bool:
    """Copy `size` bytes from the start of `src_fd` with copy_file_range; False when the kernel or
    file system does not support it for these files (nothing useful was copied)."""
    copied = 0
    try:
        while copied < size:
            step = os.copy_file_range(src_fd, dst_fd, min(COPY_STEP, size - copied), copied, copied)
            if step == 0:
                raise RcmError(f"publish: source ended after {copied} of {size} bytes")
            copied += step
    except OSError as exc:
        if exc.errno in _NO_KERNEL_COPY and copied == 0:
            return False
        raise
    return True


def copy_file(src: Path, dst_fd: int) -> int:
    """Copy `src` into the empty file open as `dst_fd` (kernel copy, buffered fallback); return the
    number of bytes the destination holds."""
    with src.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        if not _kernel_copy(source.fileno(), dst_fd, size):
            os.ftruncate(dst_fd, 0)
            os.lseek(dst_fd, 0, os.SEEK_SET)
            with open(dst_fd, "wb", closefd=False) as target:
                shutil.copyfileobj(source, target, length=HASH_CHUNK * 4)
    return os.fstat(dst_fd).st_size


def published_file_mode() -> int:
    """Mode of the published file: owner-only by default; `RCM_PUBLISHED_FILE_MODE=0640` lets a group
    of analysts read it (give `warehouse/` that group with the setgid bit so new files inherit it)."""
    raw = os.environ.get(ENV_PUBLISHED_FILE_MODE, "0600")
    try:
        mode = int(raw, 8)
    except ValueError:
        raise RcmError(
            f"{ENV_PUBLISHED_FILE_MODE}={raw!r} is not an octal file mode like 0640"
        ) from None
    if mode & 0o137:
        raise RcmError(
            f"{ENV_PUBLISHED_FILE_MODE}={raw}: only owner read/write and group read are allowed"
        )
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
            mode = published_file_mode()
            with ThreadPoolExecutor(max_workers=1) as pool:
                hashed = pool.submit(_sha256_of, build_db)
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                try:
                    os.fchmod(fd, mode)  # whatever the umask
                    copied = copy_file(build_db, fd)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                sha256, hashed_size = hashed.result()
            if copied != hashed_size:
                raise RcmError(
                    f"publish: the copy holds {copied} bytes but {build_db.name} had "
                    f"{hashed_size} while it was hashed"
                )
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
    return {"published": str(target), "mart_tables": tables, "sha256": sha256}
