"""Locks: one writer at a time for the build database, one run at a time per data directory.

Every lock of rcm is an exclusive `flock` taken by `exclusive_flock`, the one lock loop: try at
once, then poll until a deadline (no deadline: refuse at once); the kernel drops the lock when the
holder exits, however it dies. Three locks use it: `writer_lock` (below), `run_lock` (below) and
ingest's `ingest_lock` (`raw/_manifest/ingest.lock`).

DuckDB allows one writer process per database file. Every step that writes
`warehouse/build.duckdb` (the gates' result writer, `dbt build`, publish's checkpoint) runs inside
`writer_lock`, an exclusive `flock` on `warehouse/.writer.lock`. The Airflow DAG adds a pool of one
slot on top, so the scheduler never even starts two writers; the lock is what makes the CLI, cron and
Airflow safe together.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from transforms.errors import RcmError

POOL_NAME = "rcm_warehouse_writer"


class WriterBusy(RcmError):
    """Another process holds the build database's writer lock."""


PUBLISHED_NAME = "analytics.duckdb"  # its mode is publish's to set (RCM_PUBLISHED_FILE_MODE)


def _owner_only(warehouse_dir: Path) -> None:
    """Whatever a writer created (build.duckdb from dbt-duckdb under the process umask, its WAL,
    DuckDB's spill folder) holds patient identifiers: make it owner-only."""
    for path in warehouse_dir.iterdir():
        if path.name == PUBLISHED_NAME:
            continue
        with suppress(FileNotFoundError):
            path.chmod(0o700 if path.is_dir() else 0o600)


@contextmanager
def exclusive_flock(
    lock_path: Path,
    busy: Callable[[], Exception],
    *,
    timeout: float = 0.0,
    poll: float = 0.2,
) -> Iterator[int]:
    """Hold an exclusive `flock` on `lock_path` (created 0o600) and yield its descriptor.

    Waits up to `timeout` seconds (0: not at all), polling every `poll` seconds; then raises
    `busy()`. The lock is released when the block ends (explicitly, so a forked child that
    inherited the descriptor does not keep it)."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise busy() from None
                time.sleep(poll)
        try:
            yield fd
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def writer_lock(warehouse_dir: Path, timeout: float = 3600.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the exclusive writer lock for the build database; wait up to `timeout` seconds."""
    if not warehouse_dir.exists():
        warehouse_dir.mkdir(parents=True, exist_ok=True)
        warehouse_dir.chmod(0o700)  # the warehouse holds patient identifiers: owner-only
    lock_path = warehouse_dir / ".writer.lock"

    def busy() -> WriterBusy:
        return WriterBusy(
            f"another run holds the warehouse writer lock {lock_path} (waited {timeout:.0f}s)"
        )

    with exclusive_flock(lock_path, busy, timeout=timeout, poll=poll) as fd:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
        _owner_only(warehouse_dir)


RUN_LOCK_NAME = ".run.lock"
_runs_held: set[Path] = set()  # data directories whose run lock this process holds (re-entrant)


def run_holder(data_dir: Path) -> dict:
    """What the current holder wrote into the run lock (pid, started_at, as_of, command)."""
    import json

    try:
        return json.loads((Path(data_dir) / RUN_LOCK_NAME).read_text() or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def run_lock(data_dir: Path, *, as_of: object = None, command: str = "run") -> Iterator[None]:
    """One run at a time per data directory: an exclusive `flock` on `<data_dir>/.run.lock`, taken
    at once or refused with who holds it (never a wait that ends in a DuckDB lock error).

    Re-entrant within a process (`rcm run` holds it and calls the stages, which take it too). The
    lock file keeps the holder's pid, start time, as-of date and command as JSON for the message;
    the kernel drops the lock when the holder exits, however it dies.
    """
    import datetime as dt
    import json

    from transforms.errors import RunBusy

    data_dir = Path(data_dir).resolve()
    if data_dir in _runs_held:
        yield
        return
    data_dir.mkdir(parents=True, exist_ok=True)

    def busy() -> RunBusy:
        holder = run_holder(data_dir)
        return RunBusy(
            f"another run (pid {holder.get('pid', '?')}, {holder.get('command', 'run')}, "
            f"started at {holder.get('started_at', '?')}, as-of {holder.get('as_of', '?')}) "
            f"holds the data directory {data_dir}; try again when it has finished"
        )

    with exclusive_flock(data_dir / RUN_LOCK_NAME, busy) as fd:
        record = {
            "pid": os.getpid(),
            "command": command,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "as_of": str(as_of) if as_of is not None else None,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        _runs_held.add(data_dir)
        try:
            yield
        finally:
            _runs_held.discard(data_dir)
