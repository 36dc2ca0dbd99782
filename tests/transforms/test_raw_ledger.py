"""The raw layer owns the run state: the gate ledger lives under raw/_manifest/.

GIVEN ingest runs recorded in the manifest WHEN a gate records the runs it passed THEN the ledger is
`raw/_manifest/ingestion_gate_ledger.json` and the other runs stay pending; GIVEN an install whose
ledger is still at the old place (`warehouse/`) THEN its runs count as passed, and the first record
carries them into the new file.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from transforms import raw
from transforms.raw.manifest import write_records
from transforms.settings import Paths


def _manifest(data_dir, run_id: str, status: str) -> None:
    row = {name: None for name in raw.columns(raw.MANIFEST_TABLE)}
    row.update(
        file_name=f"{run_id}.835",
        file_sha256=run_id * 4,
        status=status,
        ingest_run_id=run_id,
        loaded_at=dt.datetime(2026, 1, 1),
    )
    write_records(Paths(data_dir).raw, raw.MANIFEST_TABLE, run_id, [row])


def test_the_ledger_lives_in_the_raw_manifest_folder(tmp_path):
    raw.ensure_raw_layout(tmp_path)
    _manifest(tmp_path, "r1", raw.STATUS_LOADED)
    _manifest(tmp_path, "r2", raw.STATUS_PARTIAL)
    _manifest(tmp_path, "r3", raw.STATUS_QUARANTINED)
    assert raw.pending_ingest_runs(tmp_path) == ["r1", "r2"]
    written = raw.record_gated(tmp_path, ["r1"])
    assert written == Paths(tmp_path).manifest / "ingestion_gate_ledger.json"
    assert raw.pending_ingest_runs(tmp_path) == ["r2"]
    assert not (Paths(tmp_path).warehouse / "ingestion_gate_ledger.json").exists()


def test_an_old_install_keeps_its_ledger(tmp_path):
    raw.ensure_raw_layout(tmp_path)
    for run in ("r1", "r2", "r3"):
        _manifest(tmp_path, run, raw.STATUS_LOADED)
    legacy = Paths(tmp_path).warehouse / "ingestion_gate_ledger.json"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps({"passed": ["r1"]}))
    assert raw.pending_ingest_runs(tmp_path) == ["r2", "r3"]
    raw.record_gated(tmp_path, ["r2"])
    new = json.loads((Paths(tmp_path).manifest / "ingestion_gate_ledger.json").read_text())
    assert new["passed"] == ["r1", "r2"]
    assert raw.pending_ingest_runs(tmp_path) == ["r3"]


def test_built_as_of_reads_the_newest_watermark(tmp_path):
    import duckdb

    database = tmp_path / "w.duckdb"
    assert raw.built_as_of(database) is None
    con = duckdb.connect(str(database))
    con.execute("create schema audit")
    con.execute("create table audit.build_watermarks (as_of_date date, built_at timestamp)")
    assert raw.built_as_of(database) is None  # no build recorded yet
    con.execute(
        "insert into audit.build_watermarks values "
        "('2026-01-31', '2026-02-01 02:00'), ('2026-01-15', '2026-02-02 02:00')"
    )
    con.close()
    assert raw.built_as_of(database) == dt.date(2026, 1, 15)


def test_the_raw_package_does_not_import_ingestion():
    import subprocess
    import sys

    code = "import sys, transforms.raw; print('transforms.ingest' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert isinstance(raw.arrow_schema("file_manifest"), pa.Schema)
