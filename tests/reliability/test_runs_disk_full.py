"""A disk that fills while the publish gate stores its results: the first error, said plainly.

No root and no tiny file system needed: DuckDB writes a transaction to `<database>.wal` at commit,
and `/dev/full` fails every write with ENOSPC, so a `build.duckdb.wal` that is a symbolic link to
`/dev/full` is a disk that fills exactly when the gate commits its rows. Before the fix, the
result writer's rollback after the failed commit raised DuckDB's "cannot rollback - no transaction
is active" and hid the real error; the CLI's sentence then named no file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from reliability_support import AS_OF_1, copy_tree

from transforms import cli, locking
from transforms.quality import store
from transforms.settings import Paths

DEV_FULL = Path("/dev/full")
pytestmark = pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill_disk_at_commit(database: Path) -> Path:
    """Make every WAL write of `database` fail with ENOSPC; return the WAL's path."""
    wal = database.with_name(database.name + ".wal")
    wal.unlink(missing_ok=True)
    wal.symlink_to(DEV_FULL)
    return wal


@pytest.fixture
def dev_full_untouched():
    """Guard: nothing may change /dev/full through the link (e.g. a chmod that follows it)."""
    before = DEV_FULL.stat().st_mode
    yield
    assert DEV_FULL.stat().st_mode == before


def test_a_failed_commit_of_gate_results_raises_the_disk_full_error(tmp_path, dev_full_untouched):
    # GIVEN a build database holding the quality tables, whose disk fills when a transaction
    # commits
    db = tmp_path / "build.duckdb"
    con = duckdb.connect(str(db))
    store.ensure_tables(con)
    con.close()
    wal = _fill_disk_at_commit(db)
    stamp = {"run_id": "r1", "as_of_date": dt.date(2026, 8, 31)}
    # WHEN the gate's result writer stores a run's rows
    with pytest.raises(Exception) as raised:
        store.write_results(
            db,
            run_id="r1",
            suites=["publish_checks"],
            runs=[{**stamp, "gate": "publish", "suite": "publish_checks", "success": True}],
            results=[],
            failures=[],
        )
    # THEN the error raised is the full disk, naming the file, not the failed rollback after it
    text = str(raised.value)
    assert "No space left on device" in text and str(wal) in text
    assert "cannot rollback" not in text


def test_disk_full_at_the_publish_gate_is_one_sentence_naming_the_file(
    night1_tree, tmp_path, monkeypatch, dev_full_untouched
):
    # GIVEN night 1 built and published, and a disk that fills when the gate commits its results
    tree = copy_tree(night1_tree, tmp_path / "data")
    paths = Paths(tree)
    published = _sha(paths.analytics_db)
    wal = _fill_disk_at_commit(paths.build_db)
    # the writer lock makes what it leaves in warehouse/ owner-only: never follow the link there
    monkeypatch.setattr(locking, "_owner_only", lambda folder: None)
    # WHEN the publish gate runs
    result = CliRunner().invoke(
        cli.main,
        ["validate", "--gate", "publish", "--data-dir", str(tree), "--as-of", str(AS_OF_1)],
    )
    # THEN one line says the disk is full, which file and where to free space; no traceback
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1, result.output[-2000:]
    expected = (
        f"error: disk full (no space left on device) while writing {wal}: free space in "
        f"{paths.warehouse} and rerun; a stopped run never leaves the published warehouse "
        "half-written"
    )
    assert lines == [expected]
    assert "cannot rollback" not in result.output and "Traceback" not in result.output
    # AND the published warehouse is byte for byte what it was
    assert _sha(paths.analytics_db) == published
    assert os.path.islink(wal)


def test_a_failed_insert_of_gate_results_raises_its_own_error(tmp_path):
    # GIVEN the quality tables, and a run row that breaks a rule of its table (no gate)
    db = tmp_path / "build.duckdb"
    stamp = {"run_id": "r1", "as_of_date": dt.date(2026, 8, 31)}
    # WHEN the result writer inserts it
    with pytest.raises(Exception) as raised:
        store.write_results(
            db,
            run_id="r1",
            suites=["publish_checks"],
            runs=[{**stamp, "suite": "publish_checks", "success": True}],
            results=[],
            failures=[],
        )
    # THEN the error is the insert's own, not the aborted transaction's after it
    assert "NOT NULL constraint failed: validation_runs.gate" in str(raised.value)
    assert "transaction is aborted" not in str(raised.value)
