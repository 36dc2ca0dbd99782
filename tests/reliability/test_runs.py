"""Overlapping runs, time travel and a full disk: each refused or reported in one sentence.

- Two runs started in the same second get different run ids (they used to share one, and the second
  crashed on a raw FileNotFoundError).
- A second run on a data directory exits at once (code 75) naming the run that holds it, instead of
  waiting and failing on a DuckDB lock error; a stage started by hand is refused the same way.
- An as-of date earlier than the published warehouse's is refused (code 2); with --backfill the
  run builds, checks and reports that date into warehouse/backfill/ and leaves the published
  warehouse byte for byte as it was.
- A full disk is one sentence, no traceback.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from reliability_support import AS_OF_1, child_env, copy_tree, rcm

from transforms import cli
from transforms.pipeline import make_run_id
from transforms.raw import built_as_of
from transforms.settings import Paths


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*args: str | Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        rcm(*args), env=child_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def test_run_ids_started_in_the_same_second_differ():
    day = dt.date(2026, 8, 31)
    ids = {make_run_id(day) for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("2026-08-31__") for i in ids)  # still sorted by as-of date first


def test_a_second_run_is_refused_at_once_naming_the_holder(tmp_path):
    # GIVEN a run holding the data directory (a child process in the middle of its work)
    data = tmp_path / "data"
    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time, pathlib, datetime\n"
                "from transforms.locking import run_lock\n"
                "with run_lock(pathlib.Path(sys.argv[1]), as_of=datetime.date(2026, 8, 31)):\n"
                "    pathlib.Path(sys.argv[2]).touch()\n"
                "    time.sleep(120)\n"
            ),
            str(data),
            str(ready),
        ],
        env=child_env(),
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        # WHEN a second run, and a stage by hand, start on the same data directory
        start = time.monotonic()
        second = _run("run", "--data-dir", data, "--as-of", "2026-08-31", timeout=120)
        by_hand = _run("ingest", "--data-dir", data, timeout=120)
        elapsed = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    # THEN both exit at once with EX_TEMPFAIL and one sentence naming the holder
    for refused in (second, by_hand):
        assert refused.returncode == 75, refused.stderr
        assert f"another run (pid {holder.pid}" in refused.stderr
        assert "as-of 2026-08-31" in refused.stderr and str(data.resolve()) in refused.stderr
        assert "Traceback" not in refused.stderr
    assert elapsed < 60  # no waiting on a lock until a timeout
    assert not (data / "warehouse").exists()  # nothing was started


def test_disk_full_is_one_sentence(tmp_path, monkeypatch):
    # GIVEN a build to publish and a disk that fills while the published copy is written
    from transforms import publish

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    data = tmp_path / "data"
    Paths(data).warehouse.mkdir(parents=True)
    import duckdb

    duckdb.connect(str(Paths(data).build_db)).close()
    monkeypatch.setattr(publish, "write_published_copy", full)
    # WHEN publishing  THEN the error says disk full in one line, without a traceback
    result = CliRunner().invoke(cli.main, ["publish", "--data-dir", str(data)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: disk full (no space left on device)")
    assert "Traceback" not in result.output
    assert not Paths(data).analytics_db.exists()


def test_an_earlier_as_of_is_refused_and_a_backfill_keeps_the_published_warehouse(
    night1_tree, tmp_path
):
    # GIVEN night 1 published for as-of 2026-03-12
    tree = copy_tree(night1_tree, tmp_path / "data")
    paths = Paths(tree)
    before = _sha(paths.analytics_db)
    earlier = AS_OF_1 - dt.timedelta(days=20)
    # WHEN a run asks for an earlier as-of without --backfill
    refused = _run("run", "--data-dir", tree, "--as-of", earlier.isoformat())
    # THEN it is refused in one sentence, and the published warehouse is untouched
    assert refused.returncode == 2, refused.stderr
    assert (
        f"as-of {earlier} is earlier than the published warehouse's as-of {AS_OF_1}"
        in refused.stderr
    )
    assert _sha(paths.analytics_db) == before
    # WHEN the same date is asked as a backfill
    backfill = _run("run", "--data-dir", tree, "--as-of", earlier.isoformat(), "--backfill")
    assert backfill.returncode == 0, backfill.stderr[-3000:]
    # THEN it is built, checked, published beside the current warehouse and reported,
    # and the current warehouse is byte for byte the same
    side = paths.warehouse / "backfill" / f"analytics_{earlier.isoformat()}.duckdb"
    assert built_as_of(side) == earlier
    assert built_as_of(paths.analytics_db) == AS_OF_1
    assert _sha(paths.analytics_db) == before
    assert (paths.reports / earlier.isoformat() / "denial_report.html").is_file()
