"""Read X12 files on every core: worker processes load files ahead of the run's serial loop.

`rcm ingest` accounts for files one at a time, in landing order (duplicates, manifest, quarantine
all depend on that order). Parsing is the costly part and needs no order, so `Prefetcher` hands the
X12 files the run will load to a pool of worker processes as soon as the run starts; when the serial
loop reaches a file it takes the worker's `X12FileLoad` instead of loading the file itself. Nothing
else changes: the workers write the same `raw/<table>/<sha256>.parquet` files, committed the same
way (temp, fsync, rename, folder fsync'd before the result is returned), and the manifest is still
the run's commit record, written last by the parent.

A run that stops early (an error, SIGKILL) leaves at most some committed raw files that no manifest
accounts for: exactly the state a crash of the serial loop leaves, which the next run rewrites under
the same names. Workers die with the parent (`PR_SET_PDEATHSIG` on Linux) and hold the parent's
ingest lock while they live (fork shares the locked file description), so no next run can start
beside an orphan.

Workers: `RCM_INGEST_WORKERS` (default: the usable cores, at most 4; 1 turns the pool off). The pool
is used only when the batch has at least two X12 files and `PARALLEL_MIN_BYTES` of them (a night's
few small files are read in-process, where starting workers would cost more than it saves), and only
in a single-threaded process, because workers are forked (instant, and they share what the parent
imported): `rcm ingest` forks, an Airflow task (which runs other threads) reads in-process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Self

from transforms import log, settings
from transforms.errors import RcmError
from transforms.fsio import sync_dirs
from transforms.ingest.x12_load import X12FileLoad, load_x12

LOG = log.get_logger("ingest")
WORKERS_ENV = settings.ENV_INGEST_WORKERS
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
_PR_SET_PDEATHSIG = 1


class WorkerLost(RcmError):
    """A worker process died (killed, out of memory): the run stops; no file is blamed for it."""


def worker_count() -> int:
    """Worker processes to use: `RCM_INGEST_WORKERS`, else the usable cores (at most 4)."""
    chosen = settings.ingest_workers()
    if chosen is not None:
        return chosen
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, settings.MAX_DEFAULT_INGEST_WORKERS))


def _can_fork() -> bool:
    """Fork only a single-threaded process (`rcm ingest`): a lock another thread holds at fork
    time stays locked in the child. Elsewhere (an Airflow task) files are read in-process."""
    return threading.active_count() == 1 and hasattr(os, "fork")


def _die_with_parent(parent: int) -> None:
    """Worker initializer: SIGKILL this worker when the ingest process dies (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: workers end when their queue closes
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _load(source: str, file_name: str, file_sha256: str, raw_dir: str) -> X12FileLoad:
    """Worker side: load one file and make its renames durable before reporting them."""
    pending: set[Path] = set()
    loaded = load_x12(
        Path(source),
        file_name=file_name,
        file_sha256=file_sha256,
        raw_dir=Path(raw_dir),
        pending_dirs=pending,
    )
    sync_dirs(pending)
    return loaded


class Prefetcher:
    """Loads the given X12 files in worker processes; `take(sha)` gives a file's result, in any order.

    Use as a context manager: leaving it cancels what has not started and waits for the rest.
    `take` returns None for a file that was not handed to the pool (the caller loads it itself).
    """

    def __init__(
        self, files: Iterable[tuple[Path, str, str]], raw_dir: Path, workers: int | None = None
    ) -> None:
        self._files = list(files)  # (path, file name, sha256), in the order they will be taken
        self._raw_dir = raw_dir
        self._workers = worker_count() if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[str, Future[X12FileLoad]] = {}

    @property
    def active(self) -> bool:
        return self._pool is not None

    def __enter__(self) -> Self:
        total = sum(path.stat().st_size for path, _, _ in self._files)
        if self._workers < 2 or len(self._files) < 2 or total < PARALLEL_MIN_BYTES:
            return self
        if not _can_fork():
            LOG.info("ingest: other threads are running here; reading files in-process")
            return self
        workers = min(self._workers, len(self._files))
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            for path, name, sha in self._files:
                self._futures[sha] = self._pool.submit(
                    _load, str(path), name, sha, str(self._raw_dir)
                )
        except (OSError, RuntimeError, AssertionError) as exc:  # no pool here: read in-process
            LOG.warning(
                "ingest: worker processes unavailable (%s); reading files in-process",
                type(exc).__name__,
            )
            self._shutdown()
            return self
        LOG.info(
            "ingest: %d X12 file(s) (%.1f MiB) read by %d worker process(es)",
            len(self._files),
            total / 2**20,
            workers,
        )
        return self

    def take(self, sha: str) -> X12FileLoad | None:
        """The worker's result for the file with this hash (re-raises its exception), or None."""
        future = self._futures.pop(sha, None)
        if future is None:
            return None
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerLost(
                f"an ingest worker process died ({exc}); rerun to load the rest"
            ) from None

    def __exit__(self, *exc: object) -> None:
        self._shutdown()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._futures.clear()
