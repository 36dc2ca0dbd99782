"""The one atomic-write helper: a reader sees the old file or the new one, never a part.

GIVEN a target file WHEN it is replaced through `transforms.fsio` THEN the new bytes are there with
the mode asked for and no temporary file is left; WHEN the writer fails THEN the old file is
untouched and no temporary file is left.
"""

from __future__ import annotations

import pytest

from transforms import fsio


def test_write_bytes_replaces_the_file_and_sets_the_mode(tmp_path):
    target = tmp_path / "ledger.json"
    target.write_text("old")
    fsio.write_bytes(target, b"new", mode=0o400)
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o400
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "table.parquet"
    target.write_text("old")
    with pytest.raises(RuntimeError), fsio.atomic_path(target) as temp:
        temp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_pending_dirs_defer_the_folder_flush(tmp_path):
    pending: set = set()
    with fsio.atomic_path(tmp_path / "a.txt", pending_dirs=pending) as temp:
        temp.write_text("a")
    assert pending == {tmp_path}
    fsio.sync_dirs(pending)
    assert pending == set() and (tmp_path / "a.txt").read_text() == "a"


def test_temporary_names_match_no_data_glob(tmp_path):
    temp = fsio.temp_path(tmp_path / "x.parquet")
    assert temp.name.startswith(".") and temp.name.endswith(fsio.TEMP_SUFFIX)
    assert temp.parent == tmp_path
