"""`transforms.harness.bench` helpers: the raw-layer scan that gives the warehouse's scale."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.harness.bench import file_date, run_measured, scan_raw


def test_scan_raw_reads_every_row_of_every_table(tmp_path: Path, capsys):
    # GIVEN two raw tables, one split over two files, and an empty folder
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "empty").mkdir()
    pq.write_table(pa.table({"x": [1, 2, 3], "s": ["p", None, "q"]}), tmp_path / "a" / "1.parquet")
    pq.write_table(pa.table({"x": [4], "s": ["r"]}), tmp_path / "a" / "2.parquet")
    pq.write_table(pa.table({"d": [dt.date(2026, 1, 1)] * 5}), tmp_path / "b" / "1.parquet")
    # WHEN scanned  THEN every row is counted once and the count is printed
    assert scan_raw(tmp_path) == 9
    assert capsys.readouterr().out.strip() == "9"


def test_file_date_reads_the_delivery_date_from_a_generated_name():
    assert file_date(Path("835_51001_20260316_20260316510010001.835")) == dt.date(2026, 3, 16)
    assert file_date(Path("no-date.835")) is None


def test_a_child_s_peak_memory_is_its_own_not_the_bench_s():
    """Linux starts a child's ru_maxrss at the RSS of the image it was spawned from; the bench
    holding 400 MiB must still see a small child as small (the launcher in between)."""
    ballast = bytearray(400 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: it is resident
    seconds, peak_mib, status = run_measured([sys.executable, "-c", "x = bytearray(64 * 2**20)"])
    assert status == 0 and seconds > 0
    assert 64 <= peak_mib < 200, peak_mib
    del ballast
