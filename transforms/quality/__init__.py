"""Data-quality gates with Great Expectations: what may reach the marts, and what analysts see.

    run_gate("ingestion", data_dir, as_of)  -- coding_quality + billing_quality on the raw batch
    run_gate("publish", data_dir, as_of)    -- publish_checks on the built marts

Results go to the build database (`quality.validation_runs`, `quality.expectation_results`,
`quality.row_failures`) and to Data Docs under `<data_dir>/reports/quality/`. A failed critical
check whose rows all come from known raw files holds back those files (`holds`, ingestion gate);
any other failed critical check raises `transforms.errors.GateFailed` after the results are
written. The GX project (file
context and suites) lives in `expectations/`; see `transforms.quality.suites` for every check.

Great Expectations itself is imported only when a gate runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any


def run_gate(
    gate: str,
    data_dir: Path,
    as_of: dt.date,
    run_id: str | None = None,
    *,
    ingest_run_id: str | list[str] | None = None,
    seeds_dir: Path | None = None,
    chunk_rows: int | None = None,
    data_docs: bool = True,
) -> dict[str, Any]:
    """Run the `ingestion` or `publish` gate and return its summary (see `gates.run_gate`).

    Raises `transforms.errors.GateFailed` (after recording) when a critical check fails that no
    file can be blamed for; file-level ones hold those files back (`held_files` in the summary).
    """
    from transforms.quality.gates import run_gate as _run_gate

    options: dict[str, Any] = {
        "ingest_run_id": ingest_run_id,
        "seeds_dir": seeds_dir,
        "data_docs": data_docs,
    }
    if chunk_rows is not None:
        options["chunk_rows"] = chunk_rows
    return _run_gate(gate, data_dir, as_of, run_id, **options)


__all__ = ["run_gate"]
