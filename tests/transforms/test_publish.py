"""Publish: atomic replacement of analytics.duckdb; failures leave the published file untouched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from transforms import publish as publish_mod
from transforms.errors import RcmError
from transforms.settings import Paths


def _make_build(paths: Paths, value: int) -> None:
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.t as select ? as v", [value])
    con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_copies_build_and_readers_keep_working(tmp_path):
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    first = publish_mod.publish(tmp_path)
    assert first["mart_tables"] == 1
    # GIVEN an analyst connected read-only to version 1
    reader = duckdb.connect(str(paths.analytics_db), read_only=True)
    assert reader.execute("select v from marts.t").fetchone() == (1,)
    # WHEN version 2 is published
    _make_build(paths, 2)
    publish_mod.publish(tmp_path)
    # THEN the open connection still reads its complete version, new ones see version 2
    assert reader.execute("select v from marts.t").fetchone() == (1,)
    reader.close()
    fresh = duckdb.connect(str(paths.analytics_db), read_only=True)
    assert fresh.execute("select v from marts.t").fetchone() == (2,)
    fresh.close()
    assert (paths.analytics_db.stat().st_mode & 0o777) == 0o400
    assert not list(paths.warehouse.glob(".*.tmp"))


def test_failed_publish_leaves_published_file_byte_identical(tmp_path, monkeypatch):
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    publish_mod.publish(tmp_path)
    before = _sha(paths.analytics_db)
    _make_build(paths, 2)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(publish_mod.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        publish_mod.publish(tmp_path)
    assert _sha(paths.analytics_db) == before
    assert not list(paths.warehouse.glob(".*.tmp"))


def test_publish_without_build_is_a_clear_error(tmp_path):
    with pytest.raises(RcmError, match="nothing to publish"):
        publish_mod.publish(tmp_path)


def _reader_loop(db: str, stop_file: str, out: str) -> None:
    import os
    import time

    import duckdb

    seen, errors = set(), []
    open(out + ".ready", "w").close()
    while not os.path.exists(stop_file):
        try:
            con = duckdb.connect(db, read_only=True)
            try:
                # a complete version has exactly 1000 rows all carrying the same version number
                n, lo, hi = con.execute("select count(*), min(v), max(v) from marts.t").fetchone()
            finally:
                con.close()
            if n != 1000 or lo != hi:
                errors.append(f"incomplete version: n={n} lo={lo} hi={hi}")
            seen.add(lo)
        except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
            errors.append(repr(exc))
        time.sleep(0.005)
    with open(out, "w") as fh:
        fh.write(f"{sorted(seen)}\n{errors}\n")


def test_readers_in_a_loop_see_only_complete_versions_during_publishes(tmp_path):
    import multiprocessing as mp

    paths = Paths(tmp_path)

    def build(version: int) -> None:
        paths.warehouse.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(paths.build_db))
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.t as select ? as v, range as i from range(1000)",
            [version],
        )
        con.close()

    build(0)
    publish_mod.publish(tmp_path)
    ctx = mp.get_context("spawn")
    stop, out = tmp_path / "stop", tmp_path / "reader.txt"
    reader = ctx.Process(target=_reader_loop, args=(str(paths.analytics_db), str(stop), str(out)))
    reader.start()
    try:
        import time

        deadline = time.monotonic() + 60
        while not Path(str(out) + ".ready").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for version in range(1, 9):
            build(version)
            publish_mod.publish(tmp_path)
            time.sleep(0.05)
    finally:
        stop.touch()
        reader.join(60)
    seen_line, errors_line = out.read_text().splitlines()
    assert errors_line == "[]"
    assert len(eval(seen_line)) >= 2  # the reader really saw versions change under it


def test_published_file_mode_is_owner_only_unless_group_read_is_asked(tmp_path, monkeypatch):
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    monkeypatch.setenv("RCM_PUBLISHED_FILE_MODE", "0640")
    publish_mod.publish(tmp_path)
    assert (paths.analytics_db.stat().st_mode & 0o777) == 0o440  # group read, nobody writes
    monkeypatch.setenv("RCM_PUBLISHED_FILE_MODE", "0644")  # world-readable is refused
    with pytest.raises(RcmError, match="only owner read/write and group read"):
        publish_mod.publish(tmp_path)


def test_published_sha256_is_the_published_files(tmp_path):
    # GIVEN a build database
    paths = Paths(tmp_path)
    _make_build(paths, 7)
    # WHEN it is published  THEN the reported SHA-256 is that of the file analysts open
    out = publish_mod.publish(tmp_path)
    assert out["sha256"] == _sha(paths.analytics_db)


def _make_private_build(paths: Paths) -> None:
    """A build with private schemas and identifier columns next to what analysts need."""
    _make_build(paths, 1)
    con = duckdb.connect(str(paths.build_db))
    for schema in ("staging", "intermediate", "quality", "audit", "ref"):
        con.execute(f"create schema if not exists {schema}")
    con.execute("create table staging.stg_patients as select 'MRN1' as patient_id")
    con.execute(
        "create table intermediate.int_claims as select 'PCN1' as patient_control_number, "
        "date '1950-01-02' as patient_birth_date, 'W123' as subscriber_id"
    )
    con.execute(
        "create table marts.fct_claims as select 'PCN1' as patient_control_number, "
        "'W123' as subscriber_id, 'MRN1' as patient_id, cast(12.5 as decimal(18, 2)) as paid"
    )
    con.execute("create table quality.row_failures as select 'x' as check_name")
    con.execute("create table audit.file_manifest as select 'a.835' as file_name")
    con.execute("create table ref.codes as select '1' as code")
    con.execute("create view ref.code_view as select * from ref.codes")
    con.close()


def test_published_file_holds_only_the_analysts_schemas_and_no_identifier(tmp_path):
    # GIVEN a build whose staging/intermediate hold MRNs, birth dates and member ids, and whose
    # marts carry a member id and an MRN next to the claim number
    paths = Paths(tmp_path)
    _make_private_build(paths)
    # WHEN it is published
    out = publish_mod.publish(tmp_path)
    # THEN the published file has marts, audit, quality and ref only (views materialised)
    con = duckdb.connect(str(paths.analytics_db), read_only=True)
    relations = con.execute(
        "select table_schema || '.' || table_name, table_type from information_schema.tables "
        "order by 1"
    ).fetchall()
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'fct_claims'"
        ).fetchall()
    }
    paid = con.execute("select paid from marts.fct_claims").fetchone()[0]
    con.close()
    assert relations == [
        ("audit.file_manifest", "BASE TABLE"),
        ("marts.fct_claims", "BASE TABLE"),
        ("marts.t", "BASE TABLE"),
        ("quality.row_failures", "BASE TABLE"),
        ("ref.code_view", "BASE TABLE"),
        ("ref.codes", "BASE TABLE"),
    ]
    assert out["mart_tables"] == 2
    # AND no identifier column but the claim number analysts work claims by; money stays DECIMAL
    assert columns == {"patient_control_number", "paid"}
    assert str(paid) == "12.50"
    raw = paths.analytics_db.read_bytes()
    assert b"MRN1" not in raw and b"W123" not in raw and b"1950-01-02" not in raw


def _hold_read_write(db: Path, ready: Path, *, write: bool) -> subprocess.Popen:
    """A child that opens `db` read-write (as a careless analyst would), optionally writes without
    checkpointing, says so through `ready`, then waits to be killed."""
    code = (
        "import duckdb, sys, time, pathlib\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute(\"set checkpoint_threshold = '10GB'\")\n"
        + ("con.execute('delete from marts.t')\n" if write else "")
        + "pathlib.Path(sys.argv[2]).touch()\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(db), str(ready)])
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return child


def test_a_dead_read_write_sessions_log_is_never_replayed_onto_the_new_version(tmp_path):
    # GIVEN version 1 published, then an analyst session that opened it read-write, deleted rows
    # and died (SIGKILL) leaving analytics.duckdb.wal beside it
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    publish_mod.publish(tmp_path)
    child = _hold_read_write(paths.analytics_db, tmp_path / "ready", write=True)
    child.kill()
    child.wait()
    wal = paths.analytics_db.with_name("analytics.duckdb.wal")
    assert wal.exists() and wal.stat().st_size > 0
    # WHEN version 2 is published
    _make_build(paths, 2)
    publish_mod.publish(tmp_path)
    # THEN the log was moved aside (kept, owner-only), not replayed: readers see all of version 2
    assert not wal.exists()
    kept = list((paths.warehouse / ".stale").glob("*.analytics.duckdb.wal"))
    assert len(kept) == 1 and (kept[0].stat().st_mode & 0o777) == 0o600
    reader = duckdb.connect(str(paths.analytics_db), read_only=True)
    assert reader.execute("select count(*), max(v) from marts.t").fetchone() == (1, 2)
    reader.close()
    # AND the night after publishes again without anyone deleting anything by hand
    _make_build(paths, 3)
    publish_mod.publish(tmp_path)


def test_publish_refuses_while_a_live_session_holds_the_file_read_write(tmp_path):
    # GIVEN version 1 published and a live session holding it read-write
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    publish_mod.publish(tmp_path)
    before = _sha(paths.analytics_db)
    child = _hold_read_write(paths.analytics_db, tmp_path / "ready", write=False)
    try:
        _make_build(paths, 2)
        # WHEN publishing  THEN it refuses in one sentence naming the holder's pid
        with pytest.raises(
            publish_mod.PublishedFileHeld, match=f"read-write by process {child.pid}"
        ):
            publish_mod.publish(tmp_path)
        assert _sha(paths.analytics_db) == before
        assert not list(paths.warehouse.glob(".*.tmp"))
    finally:
        child.kill()
        child.wait()
    # AND once the session is gone, the publish goes through
    publish_mod.publish(tmp_path)
    reader = duckdb.connect(str(paths.analytics_db), read_only=True)
    assert reader.execute("select v from marts.t").fetchone() == (2,)
    reader.close()


def test_read_only_readers_never_block_a_publish(tmp_path):
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    publish_mod.publish(tmp_path)
    reader = duckdb.connect(str(paths.analytics_db), read_only=True)
    assert publish_mod._lock_holder(paths.analytics_db) is None  # same process: not visible
    _make_build(paths, 2)
    publish_mod.publish(tmp_path)
    reader.close()
