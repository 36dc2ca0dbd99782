"""The raw layer on disk: folders, owner-only permissions, and writes that are all-or-nothing.

Every file under `raw/` and `quarantine/` is written with `transforms.fsio` (a temporary name in
its final folder, flushed, renamed into place, the folder flushed): a reader sees the whole file or
no file. Files are created owner-only and end up 0o600
and folders 0o700. `ensure_raw_layout` gives every raw table a zero-row `_schema.parquet` with the
exact Arrow schema, so dbt's `raw/<table>/*.parquet` globs always match something.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from transforms import fsio
from transforms.errors import RcmError
from transforms.fsio import TEMP_SUFFIX, temp_path
from transforms.raw.arrow import arrow_schema, rows_to_batch
from transforms.raw.contract import RAW_TABLES
from transforms.settings import Paths

DIR_MODE = 0o700
FILE_MODE = 0o600
SCHEMA_FILE = "_schema.parquet"
PARQUET_COMPRESSION = "zstd"


class RawLayoutError(RcmError):
    """The raw folder disagrees with the contract (for example a stale `_schema.parquet`)."""


def secure_dir(path: Path) -> Path:
    """Create `path` (and missing parents) with mode 0o700; tighten it if it already exists."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def _open_private(path: Path) -> BinaryIO:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb")


def commit(temp: Path, target: Path, *, pending_dirs: set[Path] | None = None) -> Path:
    """`fsio.commit` with the raw layer's file mode (0o600); see there for `pending_dirs` (ingest
    flushes the folders once, before writing its manifest)."""
    return fsio.commit(temp, target, mode=FILE_MODE, pending_dirs=pending_dirs)


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    """Write `data` to `target` all-or-nothing (owner-only)."""
    secure_dir(target.parent)
    temp = temp_path(target)
    try:
        with _open_private(temp) as handle:
            handle.write(data)
        return commit(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def copy_atomic(source: Path, target: Path) -> Path:
    """Copy a file's bytes to `target` all-or-nothing (streamed, owner-only).

    Holes stay holes: only the data extents (`SEEK_DATA`/`SEEK_HOLE`) are copied and the copy is
    extended to the source's size, so a sparse file takes no more disk in its copy than in itself.
    """
    secure_dir(target.parent)
    temp = temp_path(target)
    try:
        with source.open("rb") as src, _open_private(temp) as dst:
            size = os.fstat(src.fileno()).st_size
            for start, end in _data_extents(src.fileno(), size):
                src.seek(start)
                dst.seek(start)
                remaining = end - start
                while remaining > 0 and (chunk := src.read(min(1 << 20, remaining))):
                    dst.write(chunk)
                    remaining -= len(chunk)
            dst.truncate(size)
        return commit(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _data_extents(fd: int, size: int) -> list[tuple[int, int]]:
    """[start, end) ranges of `fd` that hold data (the whole file where holes cannot be asked)."""
    if not hasattr(os, "SEEK_DATA"):
        return [(0, size)]
    extents: list[tuple[int, int]] = []
    offset = 0
    try:
        while offset < size:
            try:
                start = os.lseek(fd, offset, os.SEEK_DATA)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # only a hole from here to the end
                    break
                raise
            end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
            extents.append((start, end))
            offset = end
    except OSError:  # the file system cannot tell: copy everything
        return [(0, size)]
    return extents


def write_table_atomic(target: Path, table: pa.Table) -> Path:
    """Write an Arrow table as Parquet to `target` all-or-nothing (owner-only)."""
    secure_dir(target.parent)
    temp = temp_path(target)
    try:
        with _open_private(temp) as handle:
            pq.write_table(table, handle, compression=PARQUET_COMPRESSION)
        return commit(temp, target)
    finally:
        temp.unlink(missing_ok=True)


class ParquetSink:
    """Stream row batches of one raw table into `target`; nothing is visible until `commit()`.

    Rows are buffered and written `batch_rows` at a time (bulk Arrow conversion, one row group per
    batch); the temporary file is opened only when the first row arrives.
    """

    def __init__(
        self,
        table: str,
        target: Path,
        *,
        batch_rows: int = 16_384,
        pending_dirs: set[Path] | None = None,
    ) -> None:
        self.table = table
        self.target = target
        self._pending_dirs = pending_dirs
        self.rows_written = 0
        self._batch_rows = batch_rows
        self._buffer: list[tuple] = []
        self._batches: list[pa.RecordBatch] = []  # Arrow batches waiting (`extend_batch`)
        self._batched_rows = 0
        self._temp: Path | None = None
        self._handle: BinaryIO | None = None
        self._writer: pq.ParquetWriter | None = None

    def extend(self, rows: Iterable[tuple]) -> None:
        self._buffer.extend(rows)
        if len(self._buffer) >= self._batch_rows:
            self._flush()

    def extend_batch(self, batch: pa.RecordBatch) -> None:
        """Rows already in Arrow form (the table's exact schema), e.g. from the native reader."""
        self._batches.append(batch)
        self._batched_rows += batch.num_rows
        if self._batched_rows >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer and not self._batches:
            return
        if self._writer is None:
            secure_dir(self.target.parent)
            self._temp = temp_path(self.target)
            self._handle = _open_private(self._temp)
            # plain encoding + zstd: less write time than dictionary pages, and smaller files
            self._writer = pq.ParquetWriter(
                self._handle,
                arrow_schema(self.table),
                compression=PARQUET_COMPRESSION,
                use_dictionary=False,
            )
        if self._batches:  # one row group, as a buffer of row tuples makes
            table = pa.Table.from_batches(self._batches, schema=arrow_schema(self.table))
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
            self.rows_written += table.num_rows
            self._batches, self._batched_rows = [], 0
        if self._buffer:
            batch = rows_to_batch(self.table, self._buffer)
            self._writer.write_batch(batch)
            self.rows_written += batch.num_rows
            self._buffer = []

    def finish(self) -> None:
        """Write the buffered rows and close the temporary file (still invisible)."""
        self._flush()
        self._close()

    def publish(self) -> Path | None:
        """Rename the finished file to its final name; None when no row was ever written."""
        if self._temp is None:
            return None
        commit(self._temp, self.target, pending_dirs=self._pending_dirs)
        self._temp = None
        return self.target

    def commit(self) -> Path | None:
        """`finish` then `publish`."""
        self.finish()
        return self.publish()

    def abort(self) -> None:
        """Drop everything written so far."""
        self._buffer = []
        self._batches, self._batched_rows = [], 0
        self._close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None
        self.rows_written = 0

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def table_dir(data_dir: Path, table: str) -> Path:
    return Paths(data_dir).raw / table


def ensure_raw_layout(data_dir: Path) -> dict[str, str]:
    """Give every raw table a folder and a zero-row `_schema.parquet` with its exact Arrow schema.

    Created on the first run. When the contract grew compatibly since (columns added, a decimal
    widened without losing digits; see `compatible_growth`), the schema file is rewritten and the
    Parquet files already there stay as they are: dbt reads each table with `union_by_name`, so
    older files show the new columns as null. Any other difference raises `RawLayoutError` (migrate,
    do not overwrite silently). Returns {table: 'created' | 'present' | 'migrated'}. Also tightens
    raw/ and quarantine/ to 0o700.
    """
    paths = Paths(Path(data_dir))
    secure_dir(paths.raw)
    secure_dir(paths.quarantine)
    status: dict[str, str] = {}
    for table in RAW_TABLES:
        folder = secure_dir(paths.raw / table)
        target = folder / SCHEMA_FILE
        expected = arrow_schema(table)
        if target.exists():
            found = pq.read_schema(target)
            if found.equals(expected, check_metadata=False):
                status[table] = "present"
                continue
            if compatible_growth(found, expected):
                write_table_atomic(target, expected.empty_table())
                status[table] = "migrated"
                continue
            raise RawLayoutError(
                f"{target} does not match the raw contract for {table}; the contract changed "
                "since it was created: migrate the raw layer before ingesting"
            )
        write_table_atomic(target, expected.empty_table())
        status[table] = "created"
    return status


def compatible_growth(old: pa.Schema, new: pa.Schema) -> bool:
    """Every old column is still there (by name) with the same type or a decimal that holds every
    value the old one could; new columns may appear anywhere. Files written under `old` then read
    correctly next to files written under `new` (DuckDB `union_by_name`)."""
    for field in old:
        if new.get_field_index(field.name) < 0:
            return False
        target = new.field(field.name).type
        if target == field.type:
            continue
        if not (pa.types.is_decimal(field.type) and pa.types.is_decimal(target)):
            return False
        if (
            target.scale < field.type.scale
            or target.precision - target.scale < field.type.precision - field.type.scale
        ):
            return False
    return True


def remove_stale_temporaries(data_dir: Path) -> int:
    """Delete temporary files a crashed run left in raw table folders (call under the ingest lock)."""
    removed = 0
    raw = Paths(Path(data_dir)).raw
    for table in RAW_TABLES:
        folder = raw / table
        if not folder.is_dir():
            continue
        for leftover in folder.glob(f".*{TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def rows_table(table: str, rows: list[tuple]) -> pa.Table:
    """Rows (contract order) as an Arrow table with the table's exact schema."""
    return pa.Table.from_batches([rows_to_batch(table, rows)], schema=arrow_schema(table))
