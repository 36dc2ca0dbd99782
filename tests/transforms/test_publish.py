"""Publish: atomic replacement of analytics.duckdb; failures leave the published file untouched."""

from __future__ import annotations

import hashlib
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
    assert (paths.analytics_db.stat().st_mode & 0o777) == 0o600
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
    assert (paths.analytics_db.stat().st_mode & 0o777) == 0o640
    monkeypatch.setenv("RCM_PUBLISHED_FILE_MODE", "0644")  # world-readable is refused
    with pytest.raises(RcmError, match="only owner read/write and group read"):
        publish_mod.publish(tmp_path)


def test_published_sha256_is_the_published_files(tmp_path):
    # GIVEN a build database
    paths = Paths(tmp_path)
    _make_build(paths, 7)
    # WHEN it is published (hashed while the kernel copies it)
    out = publish_mod.publish(tmp_path)
    # THEN the reported SHA-256 is that of the file analysts open, byte for byte the build's
    assert out["sha256"] == _sha(paths.analytics_db) == _sha(paths.build_db)


def test_buffered_copy_when_the_kernel_cannot_copy(tmp_path, monkeypatch):
    # GIVEN a kernel or file system without copy_file_range for these files
    import errno

    paths = Paths(tmp_path)
    _make_build(paths, 3)

    def unsupported(*args, **kwargs):
        raise OSError(errno.EXDEV, "cross-device")

    monkeypatch.setattr(publish_mod.os, "copy_file_range", unsupported)
    # WHEN publishing  THEN the buffered copy publishes the same bytes, owner-only, readable
    out = publish_mod.publish(tmp_path)
    assert out["sha256"] == _sha(paths.analytics_db) == _sha(paths.build_db)
    assert (paths.analytics_db.stat().st_mode & 0o777) == 0o600
    reader = duckdb.connect(str(paths.analytics_db), read_only=True)
    assert reader.execute("select v from marts.t").fetchone() == (3,)
    reader.close()


def test_a_copy_shorter_than_the_build_is_never_published(tmp_path, monkeypatch):
    # GIVEN a published version 1, then a version 2 whose copy comes out shorter than the build
    paths = Paths(tmp_path)
    _make_build(paths, 1)
    publish_mod.publish(tmp_path)
    before = _sha(paths.analytics_db)
    _make_build(paths, 2)
    real_copy = publish_mod.copy_file

    def short_copy(src, dst_fd):
        size = real_copy(src, dst_fd)
        publish_mod.os.ftruncate(dst_fd, size - 4096)
        return size - 4096

    monkeypatch.setattr(publish_mod, "copy_file", short_copy)
    # WHEN publishing  THEN it fails naming the size mismatch, version 1 stays, no copy is left
    with pytest.raises(RcmError, match="the copy holds"):
        publish_mod.publish(tmp_path)
    assert _sha(paths.analytics_db) == before
    assert not list(paths.warehouse.glob(".*.tmp"))
