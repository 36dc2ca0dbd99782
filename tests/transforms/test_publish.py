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
