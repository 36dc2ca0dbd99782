"""The single-writer lock: two processes never hold the build database's writer lock at once."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import pytest

from transforms.locking import WriterBusy, writer_lock


def _hold(folder: str, log: str, hold: float) -> None:
    with writer_lock(Path(folder), timeout=30):
        with open(log, "a") as fh:
            fh.write(f"enter {time.monotonic():.6f}\n")
        time.sleep(hold)
        with open(log, "a") as fh:
            fh.write(f"exit {time.monotonic():.6f}\n")


def test_writers_never_overlap(tmp_path):
    # GIVEN four processes that each want the writer lock for 0.3 s
    log = tmp_path / "events.log"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_hold, args=(str(tmp_path), str(log), 0.3)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    # THEN the enter/exit events strictly alternate: no two writers were ever inside together
    events = [line.split() for line in log.read_text().splitlines()]
    assert [e[0] for e in events] == ["enter", "exit"] * 4
    times = [float(e[1]) for e in events]
    assert times == sorted(times)


def test_second_writer_times_out_with_clear_error(tmp_path):
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=_hold, args=(str(tmp_path), str(tmp_path / "log"), 2.0))
    p.start()
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "log").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(WriterBusy, match="writer lock"), writer_lock(tmp_path, timeout=0.3):
            pass
    finally:
        p.join(30)


def test_the_one_lock_loop_waits_then_names_the_busy_lock(tmp_path):
    # GIVEN a lock held through one descriptor
    from transforms.locking import exclusive_flock

    lock = tmp_path / "x.lock"
    with exclusive_flock(lock, lambda: RuntimeError("held")):
        # WHEN a second open of the same file asks for it, waiting 0.3 s
        started = time.monotonic()
        with (
            pytest.raises(RuntimeError, match="held"),
            exclusive_flock(lock, lambda: RuntimeError("held"), timeout=0.3, poll=0.05),
        ):
            pass
        # THEN it waited its timeout and raised the caller's error
        assert time.monotonic() - started >= 0.3
    # AND once released, the lock is free at once
    with exclusive_flock(lock, lambda: RuntimeError("held")):
        pass
