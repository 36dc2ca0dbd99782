"""The ingestion gate's ledger: which ingest runs a gate has passed.

`raw/_manifest/ingestion_gate_ledger.json` holds `{"passed": [ingest_run_id, ...]}`. An ingest run
that loaded files (its manifest rows say `loaded` or `partially_quarantined`) and is not in the
ledger is pending: the next ingestion gate validates it, so a run killed between ingest and gate, or
a batch that failed a blocking check, is never built unchecked.

Installs made before the ledger moved into the raw layer kept it at
`warehouse/ingestion_gate_ledger.json`; that file is read while the new one does not exist, and its
runs are carried into the new file the first time a gate records one.
"""

from __future__ import annotations

import json
from pathlib import Path

from transforms import fsio
from transforms.raw.layout import secure_dir
from transforms.raw.manifest import MANIFEST_FOLDER, loaded_ingest_runs
from transforms.settings import Paths

LEDGER_FILE = "ingestion_gate_ledger.json"


def ledger_path(data_dir: Path) -> Path:
    return Paths(data_dir).manifest / LEDGER_FILE


def legacy_ledger_path(data_dir: Path) -> Path:
    """Where installs before the raw-layer package kept the ledger (read, never written)."""
    return Paths(data_dir).warehouse / LEDGER_FILE


def _read(path: Path) -> set[str] | None:
    try:
        return set(json.loads(path.read_text())["passed"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def gated_ingest_runs(data_dir: Path) -> set[str]:
    """Ingest runs whose batch has passed an ingestion gate (no blocking failure; files of the batch
    that failed a critical row check are held back, and re-validated, on their own)."""
    passed = _read(ledger_path(data_dir))
    if passed is None:
        passed = _read(legacy_ledger_path(data_dir)) or set()
    return passed


def pending_ingest_runs(data_dir: Path) -> list[str]:
    """Every ingest run that loaded files and that no ingestion gate has passed yet, oldest first."""
    done = gated_ingest_runs(data_dir)
    return [run for run in loaded_ingest_runs(Paths(data_dir).raw) if run not in done]


def record_gated(data_dir: Path, run_ids: list[str]) -> Path:
    """Add `run_ids` to the ledger (all or nothing)."""
    path = ledger_path(data_dir)
    secure_dir(Paths(data_dir).raw / MANIFEST_FOLDER)
    passed = sorted(gated_ingest_runs(data_dir) | set(run_ids))
    return fsio.write_text(path, json.dumps({"passed": passed}, indent=1))
