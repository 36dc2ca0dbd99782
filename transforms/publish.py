"""Write-audit-publish: replace the analysts' warehouse atomically, only after the publish gate.

`build.duckdb` is private to the nightly job: it holds staging and intermediate models with the
patients' identifiers. Publishing writes a *new* DuckDB file beside `analytics.duckdb` that holds
only what analysts need -- the schemas `marts`, `audit`, `quality` and `ref`, every view
materialised, with the build's table and column comments (the models' YAML descriptions), no
column that identifies a patient (`transforms.phi`) -- flushes it to disk, then
renames it over the old file. A rename within one folder is atomic on POSIX: a reader opening the
path sees either the old or the new file, never a mix, and a reader that already has the old file
open keeps reading it (its inode lives on until closed). If anything fails before the rename, the
published file is untouched.

The published file is read-only on disk (0400, or 0440 with `RCM_PUBLISHED_FILE_MODE`): analysts
connect with `read_only=True`. A session that opened it read-write anyway (root ignores file modes)
and died leaves `analytics.duckdb.wal` beside it; DuckDB would replay that log onto whatever file
next carries the name -- the new version -- and readers would see a corrupted warehouse. So before
the rename, publish asks the kernel who holds the file: a live read-write holder makes publish
refuse (naming its pid); a log left by a dead session is moved to `warehouse/.stale/` and never
replayed. Read-only readers never block a publish.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import struct
from pathlib import Path

from transforms import log
from transforms.errors import AsOfRegression, RcmError
from transforms.fsio import HASH_CHUNK, atomic_path
from transforms.locking import writer_lock
from transforms.phi import is_identifier
from transforms.raw import built_as_of
from transforms.settings import Paths, published_file_mode

LOG = log.get_logger("publish")


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


PUBLISHED_SCHEMAS = ("marts", "audit", "quality", "ref")
# the claim's account number is how an analyst finds a claim; every other identifier stays private
KEPT_IDENTIFIERS = frozenset({"patient_control_number"})
STALE_FOLDER = ".stale"


class PublishedFileHeld(RcmError):
    """A live process holds the published file read-write."""


def _lock_holder(path: Path) -> tuple[str, int] | None:
    """('write' | 'read', pid) of a process holding a POSIX lock on `path` (DuckDB locks its
    database file: a write lock read-write, a read lock read-only), else None."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    finally:
        os.close(fd)
    if kind == fcntl.F_WRLCK:
        return "write", pid
    if kind == fcntl.F_RDLCK:
        return "read", pid
    return None


def _process_text(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:80]


def clear_published_wal(target: Path) -> Path | None:
    """Refuse while a live process holds `target` read-write; move a dead session's WAL aside.

    Returns where the stale log was moved, or None when there was none."""
    holder = _lock_holder(target)
    if holder and holder[0] == "write":
        pid = holder[1]
        command = _process_text(pid)
        raise PublishedFileHeld(
            f"{target} is open read-write by process {pid}"
            + (f" ({command})" if command else "")
            + "; analysts must connect with read_only=True -- close that session, then rerun "
            "`rcm publish` (nothing was published)"
        )
    wal = target.with_name(target.name + ".wal")
    if not wal.exists():
        return None
    stale = target.parent / STALE_FOLDER
    stale.mkdir(mode=0o700, exist_ok=True)
    moved = stale / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}.{wal.name}"
    os.replace(wal, moved)
    moved.chmod(0o600)
    LOG.warning(
        "moved %s aside to %s: a session that opened the published warehouse read-write died "
        "and left its log; it is not replayed onto the new version",
        wal.name,
        moved.relative_to(target.parent.parent),
    )
    return moved


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_published_copy(build_db: Path, tmp: Path) -> int:
    """Write the analysts' warehouse into the new file `tmp`: the published schemas of build.duckdb
    as tables, without identifier columns, with the build's comments. Returns the number of mart
    tables."""
    import duckdb

    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach {_literal(build_db)} as build (read_only)")
        relations, columns = _published_catalog(con)
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema if not exists {_quoted(schema)}")
        for schema, table, _ in relations:
            kept = columns.get((schema, table), [])
            if not kept:
                continue
            source = con.table(f"build.{_quoted(schema)}.{_quoted(table)}")
            source.select(*(duckdb.ColumnExpression(c) for c, _ in kept)).create(
                f"{_quoted(schema)}.{_quoted(table)}"
            )
        _copy_comments(con, relations, columns)
        con.execute("detach build")
        con.execute("checkpoint")
        return sum(1 for schema, _, _ in relations if schema == "marts")
    finally:
        con.close()


Catalog = tuple[
    list[tuple[str, str, str | None]], dict[tuple[str, str], list[tuple[str, str | None]]]
]


def _published_catalog(con) -> Catalog:
    """The build's tables and views in the published schemas, (schema, name, comment) sorted, and
    their columns in order, (column, comment), without the identifier columns (introspection of
    DuckDB's catalog functions)."""
    in_build = "database_name = 'build' and schema_name in ({})".format(
        ", ".join(_text(schema) for schema in PUBLISHED_SCHEMAS)
    )
    tables = con.table_function("duckdb_tables").filter(in_build)
    views = con.table_function("duckdb_views").filter(in_build).filter("not internal")
    relations = (
        tables.select("schema_name, table_name, comment")
        .union(views.select("schema_name, view_name, comment"))
        .order("schema_name, table_name")
        .fetchall()
    )
    columns: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for schema, table, column, comment in (
        con.table_function("duckdb_columns")
        .filter(in_build)
        .order("schema_name, table_name, column_index")
        .select("schema_name, table_name, column_name, comment")
        .fetchall()
    ):
        if is_identifier(column) and column.lower() not in KEPT_IDENTIFIERS:
            continue
        columns.setdefault((schema, table), []).append((column, comment))
    return relations, columns


def _copy_comments(con, relations, columns) -> None:
    """Carry the build's table and column comments (dbt `persist_docs`: the models' YAML
    descriptions) onto the published tables; a copied table carries data, not comments."""
    for schema, table, comment in relations:
        kept = columns.get((schema, table))
        if not kept:
            continue
        name = f"{_quoted(schema)}.{_quoted(table)}"
        if comment is not None:
            con.execute(f"comment on table {name} is {_text(comment)}")
        for column, column_comment in kept:
            if column_comment is not None:
                con.execute(
                    f"comment on column {name}.{_quoted(column)} is {_text(column_comment)}"
                )


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def publish(data_dir: Path, *, target: Path | None = None, replace_newer: bool = False) -> dict:
    """Publish the analysts' part of build.duckdb as analytics.duckdb (new file, flushed, renamed).

    A build for an as-of date earlier than the published warehouse's is refused unless
    `replace_newer`: it would silently replace the current warehouse by an older, smaller one.
    `target` publishes elsewhere (a backfill beside the current warehouse)."""
    import duckdb

    paths = Paths(data_dir)
    build_db = paths.build_db
    target = target or paths.analytics_db
    if not build_db.exists():
        raise RcmError(f"nothing to publish: {build_db} does not exist (run `rcm build` first)")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with writer_lock(paths.warehouse):
        new_as_of, current_as_of = built_as_of(build_db), built_as_of(target)
        if new_as_of and current_as_of and new_as_of < current_as_of and not replace_newer:
            raise AsOfRegression(
                f"the build is for as-of {new_as_of}, earlier than the published warehouse's "
                f"{current_as_of}; nothing was published (`rcm publish --publish-backfill` "
                "replaces the current warehouse with it)"
            )
        # a publish killed mid-copy leaves its temporary copy; under the lock no other publish runs,
        # so every such file is a dead run's
        for stale in target.parent.glob(f".{target.name}.*.tmp*"):
            stale.unlink(missing_ok=True)
        con = duckdb.connect(str(build_db))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        mode = published_file_mode()
        # the mode is set whatever the umask, the copy flushed, renamed and its folder flushed
        with atomic_path(target, mode=mode) as tmp:
            tables = write_published_copy(build_db, tmp)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
            sha256, _ = _sha256_of(tmp)
            # Sanity-open the copy read-only before it becomes visible to analysts.
            check = duckdb.connect(str(tmp), read_only=True)
            try:
                check.table("information_schema.tables").aggregate("count(*)").fetchall()
            finally:
                check.close()
            clear_published_wal(target)
    LOG.info("published %s (%d mart tables)", target, tables)
    return {"published": str(target), "mart_tables": tables, "sha256": sha256}
