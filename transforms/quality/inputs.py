"""What the gates validate is dbt models (`models/quality/`); this module builds and reads them.

Every GX asset has one view in the schema `quality_input` of the build database (DuckDB only; never
published). The nightly `dbt build` creates them all; before it validates, the ingestion gate
re-creates `models/quality/ingestion` with the batch's files:

    dbt build --select +path:models/quality/ingestion --exclude-resource-type test ...
              --vars '{"as_of_date": ..., "gate_files": [<sha256>, ...]}'

(`+` also loads the procedure seeds the coding rules read, so a fixed seed counts at once; see
macros/gate_batch.sql for how the var keeps the views to the batch's files). dbt runs in process
with its own target and log folders (`<data_dir>/dbt/target-quality`, `<data_dir>/logs/dbt-quality`),
so the warehouse build's run results stay its own, under the warehouse writer lock. The gate then
reads each view with one select (`select_model`), in chunks, on a read-only connection.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterable
from pathlib import Path

from transforms import log, settings
from transforms.locking import writer_lock
from transforms.settings import Paths

LOG = log.get_logger("quality")

SCHEMA = "quality_input"
SELECTORS = {
    "ingestion": "+path:models/quality/ingestion",
    "publish": "path:models/quality/publish",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FAILED = frozenset({"error", "fail", "runtime error", "skipped"})


class InputsNotBuilt(Exception):
    """dbt could not run at all (the project does not parse, the database cannot be opened)."""


def select_model(model: str) -> str:
    """The one query a gate runs per asset."""
    return f"select * from {SCHEMA}.{model}"


def dbt_dirs(data_dir: Path) -> tuple[Path, Path]:
    """The gates' own dbt target and log folders (apart from the warehouse build's)."""
    root = Path(data_dir).resolve()
    return root / "dbt" / "target-quality", root / "logs" / "dbt-quality"


def _args(gate: str, data_dir: Path, as_of: dt.date, files: list[str]) -> list[str]:
    target_dir, log_dir = dbt_dirs(data_dir)
    project = str(settings.PROJECT_ROOT)
    variables: dict[str, object] = {"as_of_date": as_of.isoformat()}
    if gate == "ingestion":
        variables["gate_files"] = files
    return [
        "build",
        "--select",
        SELECTORS[gate],
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
        "--quiet",
        "--project-dir",
        project,
        "--profiles-dir",
        project,
        "--target-path",
        str(target_dir),
        "--log-path",
        str(log_dir),
        "--vars",
        json.dumps(variables),
    ]


def build(data_dir: Path, as_of: dt.date, gate: str, files: Iterable[str] = ()) -> dict[str, str]:
    """Build the gate's input views in the build database; {model: dbt's message} of those that
    failed (empty when every one was built). Raises InputsNotBuilt when dbt cannot run."""
    from dbt.cli.main import dbtRunner

    from transforms import warehouse
    from transforms.ingest import ensure_raw_layout

    data_dir = Path(data_dir).resolve()
    shas = sorted(set(files))
    bad = [sha for sha in shas if not _SHA256.fullmatch(sha)]
    if bad:
        raise ValueError(f"not a sha256: {bad[0]!r}")
    ensure_raw_layout(data_dir)  # every raw folder has a file, so the sources' globs match
    paths = Paths(data_dir)
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with (
        writer_lock(paths.warehouse),
        warehouse._environment(warehouse.dbt_env(data_dir)),  # noqa: SLF001 - one home for the env
    ):
        try:
            outcome = dbtRunner(callbacks=[warehouse.log_node_result]).invoke(
                _args(gate, data_dir, as_of, shas)
            )
        finally:
            warehouse._release_database()  # noqa: SLF001 - the gate reopens the file read-only
    if outcome.exception is not None:
        raise InputsNotBuilt(f"dbt could not build the {gate} gate's inputs: {outcome.exception}")
    failed = {
        result.node.name: str(result.message or result.status)
        for result in outcome.result or []
        if str(getattr(result.status, "value", result.status)) in _FAILED
    }
    LOG.info(
        "%s gate inputs: %d node(s), %d failed, in %.1fs",
        gate,
        len(outcome.result or []),
        len(failed),
        time.monotonic() - started,
    )
    return failed
