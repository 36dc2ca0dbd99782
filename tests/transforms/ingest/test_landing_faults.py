"""Landing faults: files still being written, compressed or oversized files.

- A file that changes while it is read is deferred to the next run: nothing of it is loaded or
  quarantined, and the complete delivery then loads in full (it used to be quarantined under the
  complete file's hash, so the good re-delivery was refused forever as already known).
- A file modified within RCM_SETTLE_SECONDS is looked at again after the window; still changing,
  it waits for the next run.
- A zipped (gzip, ...) file is quarantined saying it is compressed, not "unknown kind".
- A file over RCM_MAX_FILE_BYTES is refused with its size and the setting, and never copied (a 2 GiB
  sparse file used to become 2 GiB of real disk in quarantine).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import pyarrow.parquet as pq

from transforms.harness.x12_synth import interchange, payment_835
from transforms.ingest import ingest
from transforms.ingest import run as run_module


def _claims(count: int) -> list:
    return [
        [
            ["CLP", f"P{i}", "1", "1000", "1000", "", "12", f"ICN{i}"],
            ["CAS", "CO", "45", "0"],
        ]
        for i in range(count)
    ]


def _file_835(count: int) -> bytes:
    claims = _claims(count)
    body = payment_835([seg for c in claims for seg in [c]], payment=f"{1000 * count}")
    return interchange([body]).encode()


def _land(data: Path, name: str, payload: bytes) -> Path:
    path = data / "landing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


def _paid(data: Path) -> int:
    files = list((data / "raw" / "x835_claims").glob("*.parquet"))
    return sum(pq.read_table(f).num_rows for f in files)


def test_a_file_truncated_while_read_is_deferred_then_loads_in_full(tmp_path, monkeypatch):
    # GIVEN an 835 of 30 claims ($30,000) whose sender rewrites it while ingest reads it: the
    # reader sees only the first part
    data = tmp_path / "data"
    full = _file_835(30)
    path = _land(data, "remit.835", full)
    real = run_module._load_new_file

    def read_while_rewritten(run, landed, sha):
        path.write_bytes(full[: len(full) // 2])  # the half the sender has written so far
        try:
            return real(run, landed, sha)
        finally:
            path.write_bytes(full)  # ...and the rest arrives

    monkeypatch.setattr(run_module, "_load_new_file", read_while_rewritten)
    first = ingest(data)
    # THEN it is deferred: not in the manifest, nothing loaded, nothing quarantined
    assert first["deferred"] == ["remit.835"] and first["files"] == []
    assert first["totals"]["files_deferred"] == 1
    assert _paid(data) == 0
    assert not any((data / "quarantine").iterdir())
    # WHEN the next run reads the complete, unchanged file
    monkeypatch.setattr(run_module, "_load_new_file", real)
    second = ingest(data)
    # THEN it loads in full, once
    assert [f["status"] for f in second["files"]] == ["loaded"]
    assert _paid(data) == 30
    assert ingest(data)["totals"]["files_already_known"] == 1


def test_a_file_still_growing_after_the_settle_window_waits_for_the_next_run(tmp_path, monkeypatch):
    # GIVEN a 1-second settle window, a settled file and one a sender keeps appending to
    monkeypatch.setenv("RCM_SETTLE_SECONDS", "1")
    data = tmp_path / "data"
    old = _land(data, "old.835", _file_835(2))
    os.utime(old, (time.time() - 60, time.time() - 60))
    growing = _land(data, "growing.835", _file_835(3)[:100])
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with growing.open("ab") as handle:
                handle.write(b" ")
            time.sleep(0.1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = ingest(data)
    finally:
        stop.set()
        thread.join()
    # THEN the settled file loads and the growing one is deferred, neither quarantined
    assert [f["file_name"] for f in result["files"]] == ["old.835"]
    assert result["deferred"] == ["growing.835"]
    assert not (data / "quarantine").exists() or not any((data / "quarantine").iterdir())


def test_a_corrected_copy_of_a_quarantined_file_loads(tmp_path):
    # GIVEN a file quarantined as unreadable, then a corrected copy landed under the same name
    data = tmp_path / "data"
    _land(data, "remit.835", b"ISA*garbage")
    first = ingest(data)
    assert [f["status"] for f in first["files"]] == ["quarantined"]
    _land(data, "remit.835", _file_835(4))
    # WHEN the next run reads it  THEN the corrected bytes load (no release step is needed)
    second = ingest(data)
    assert [f["status"] for f in second["files"]] == ["loaded"]
    assert _paid(data) == 4


def _reason(data: Path, name: str) -> dict:
    for path in (data / "quarantine").rglob("reason.json"):
        reason = json.loads(path.read_text())
        if reason["file"] == name:
            return reason
    raise AssertionError(f"no reason for {name}")


def test_compressed_files_are_named_as_compressed(tmp_path):
    data = tmp_path / "data"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("remit.835", _file_835(1))
    _land(data, "remit.zip", packed.getvalue())
    _land(data, "remit.835.gz", gzip.compress(_file_835(1)))
    result = ingest(data)
    assert {f["status"] for f in result["files"]} == {"quarantined"}
    for name, kind in (("remit.zip", "zip"), ("remit.835.gz", "gzip")):
        reason = _reason(data, name)
        assert reason["rule"] == "compressed_file"
        assert f"the file is compressed ({kind}); unpack it" in reason["message"]


def test_an_oversized_sparse_file_is_refused_without_a_copy(tmp_path, monkeypatch):
    # GIVEN a 2 GiB sparse file (a few blocks on disk) and a 1 GiB limit
    monkeypatch.setenv("RCM_MAX_FILE_BYTES", str(1 << 30))
    data = tmp_path / "data"
    path = _land(data, "huge.835", b"ISA")
    with path.open("r+b") as handle:
        handle.truncate(2 << 30)
    result = ingest(data)
    # THEN it is quarantined with its size and the setting, and its bytes are not copied
    assert [f["status"] for f in result["files"]] == ["quarantined"]
    reason = _reason(data, "huge.835")
    assert reason["rule"] == "file_too_large"
    assert "2147483648 bytes, more than RCM_MAX_FILE_BYTES=1073741824" in reason["message"]
    blocks = sum(p.stat().st_blocks for p in (data / "quarantine").rglob("*") if p.is_file())
    assert blocks * 512 < 1 << 20  # the reason only, not gigabytes
    assert path.exists()  # it stays in landing/ for someone to split


def test_a_quarantined_file_is_released_by_command_and_loads_once(tmp_path, monkeypatch):
    # GIVEN an 835 quarantined for its size, then the limit raised: its bytes are "already known"
    from click.testing import CliRunner

    from transforms import cli

    data = tmp_path / "data"
    payload = _file_835(5)
    _land(data, "era/remit.835", payload)
    monkeypatch.setenv("RCM_MAX_FILE_BYTES", "100")
    assert [f["status"] for f in ingest(data)["files"]] == ["quarantined"]
    monkeypatch.setenv("RCM_MAX_FILE_BYTES", str(1 << 30))
    assert ingest(data)["files"] == [] and _paid(data) == 0
    # WHEN it is released by its name under landing/
    released = CliRunner().invoke(
        cli.main, ["quarantine", "release", "--data-dir", str(data), "era/remit.835"]
    )
    assert released.exit_code == 0, released.output
    # THEN the next run loads it, once; a rerun adds nothing
    assert [f["status"] for f in ingest(data)["files"]] == ["loaded"]
    assert _paid(data) == 5
    assert ingest(data)["files"] == [] and _paid(data) == 5
    # AND a loaded file cannot be released (its rows would load twice)
    again = CliRunner().invoke(
        cli.main, ["quarantine", "release", "--data-dir", str(data), "era/remit.835"]
    )
    assert again.exit_code == 1
    assert "only files of which nothing was loaded can be released" in again.output


def test_quarantine_keeps_the_holes_of_a_sparse_file(tmp_path):
    # GIVEN a 256 MiB sparse file that starts like X12 but is not (quarantined whole, copied)
    data = tmp_path / "data"
    path = _land(data, "sparse.835", b"ISA*00*")
    with path.open("r+b") as handle:
        handle.truncate(256 << 20)
    result = ingest(data)
    assert [f["status"] for f in result["files"]] == ["quarantined"]
    # THEN its copy holds the same bytes but takes no more disk than the original's few blocks
    copies = [p for p in (data / "quarantine").rglob("file*") if p.is_file()]
    assert len(copies) == 1 and copies[0].stat().st_size == 256 << 20
    assert copies[0].stat().st_blocks * 512 < 1 << 20
    with copies[0].open("rb") as handle:
        assert handle.read(7) == b"ISA*00*"
