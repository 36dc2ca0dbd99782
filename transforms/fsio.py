"""All-or-nothing file writes: the one way rcm replaces a file.

A file is written under a temporary name in its final folder (`.<name>.<random>.tmp`, which no
`*.parquet`/`*.json`/`*.html` glob matches), flushed to disk, renamed over the target with
`os.replace` (atomic within one folder on POSIX), and the folder is flushed so the rename survives a
crash. A reader sees the old file or the new one, never a part. When the write fails, the temporary
file is removed and the target is untouched.

`atomic_path` is the general form (the caller writes the temporary path with any library:
pyarrow, DuckDB, openpyxl); `write_bytes` and `write_text` are the common cases. `mode`, when given,
is set on the temporary file before the rename, whatever the umask; without it the file keeps what
the process umask gives.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".tmp"
HASH_CHUNK = 1 << 20  # bytes read at a time when a file is hashed


def temp_path(target: Path) -> Path:
    """A fresh temporary name beside `target` that no `*.parquet`/`*.json` glob matches."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (the renames into it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_dirs(folders: set[Path]) -> None:
    """fsync each folder once (the renames into them become durable), then forget them."""
    for folder in sorted(folders):
        fsync_dir(folder)
    folders.clear()


def commit(
    temp: Path, target: Path, *, mode: int | None = None, pending_dirs: set[Path] | None = None
) -> Path:
    """Flush `temp`, set its `mode` (when given), rename it over `target`, flush the folder.

    With `pending_dirs`, the folder is added to that set instead of being flushed now: a caller
    committing many files calls `sync_dirs` once before it records them, one fsync per folder
    instead of one per file.
    """
    fd = os.open(temp, os.O_RDONLY)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        os.fdatasync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    if pending_dirs is None:
        fsync_dir(target.parent)
    else:
        pending_dirs.add(target.parent)
    return target


@contextmanager
def atomic_path(
    target: Path, *, mode: int | None = None, pending_dirs: set[Path] | None = None
) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block ends without an error, commit it
    over `target` (see `commit`); otherwise remove it and leave `target` as it was."""
    temp = temp_path(target)
    try:
        yield temp
        commit(temp, target, mode=mode, pending_dirs=pending_dirs)
    finally:
        temp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Replace `target` with `data`, all or nothing."""
    with atomic_path(target, mode=mode) as temp:
        temp.write_bytes(data)
    return target


def write_text(target: Path, text: str, *, mode: int | None = None) -> Path:
    """Replace `target` with `text` (UTF-8), all or nothing."""
    return write_bytes(target, text.encode("utf-8"), mode=mode)
