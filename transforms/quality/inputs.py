"""What the gates validate is dbt models (`models/quality/`); this module builds and reads them.

Every GX asset has one view in the schema `quality_input` of the build database (DuckDB only; never
published). The nightly `dbt build` creates them all. An ingestion-gate view reads the raw rows of
the files named by the DuckDB session variable `gate_files` (macros/gate_batch.sql: DuckDB prunes
every other file); the gate sets it on its read-only connection (`connect`), so a new batch needs
no dbt run. dbt runs only when the views are missing or their definitions may have changed: a
fingerprint of the files they are made from (models/quality, macros, seeds, the sources, the
project and profile files, dbt's version) is kept beside the gate's dbt target, written by the
gate's own dbt run and by every successful warehouse build (which makes the same views and seeds
from the same files); a different one builds them again, with the seeds the coding rules read (a
fixed seed counts at once):

    dbt build --select +path:models/quality/ingestion --exclude-resource-type test ...

dbt then runs in process with its own target and log folders (`<data_dir>/dbt/target-quality`,
`<data_dir>/logs/dbt-quality`), so the warehouse build's run results stay its own, under the
warehouse writer lock. The gate reads each view with one select (`select_model`), in chunks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

import duckdb

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


def _args(gate: str, data_dir: Path, as_of: dt.date) -> list[str]:
    target_dir, log_dir = dbt_dirs(data_dir)
    project = str(settings.PROJECT_ROOT)
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
        json.dumps({"as_of_date": as_of.isoformat()}),
    ]


# What the views are made from: a change to any of these builds them again.
_DEFINITION_GLOBS = (
    "models/quality/**/*",
    "models/**/_*sources.yml",
    "macros/**/*.sql",
    "seeds/**/*.csv",
    "seeds/**/*.yml",
    "dbt_project.yml",
    "profiles.yml",
)


def fingerprint() -> str:
    """A hash of every file the gates' views and seeds are made from, and of dbt's version."""
    root = settings.PROJECT_ROOT
    digest = hashlib.sha256(f"dbt-core {version('dbt-core')}\n".encode())
    files = sorted({p for pattern in _DEFINITION_GLOBS for p in root.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _fingerprint_file(data_dir: Path, gate: str) -> Path:
    return dbt_dirs(data_dir)[0] / f"{gate}-inputs.fingerprint"


def _views_present(data_dir: Path, models: Iterable[str]) -> bool:
    path = Paths(data_dir).build_db
    if not path.is_file():
        return False
    con = duckdb.connect(str(path), read_only=True)
    try:
        return set(models) <= relations(con, SCHEMA)
    finally:
        con.close()


def relations(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """The tables and views of `schema` in the connection's database."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {r[0] for r in rows}


def build(
    data_dir: Path,
    as_of: dt.date,
    gate: str,
    models: Iterable[str] | None = None,
    *,
    force: bool = False,
) -> dict[str, str]:
    """Make sure the gate's input views (`models`, by name; default: every model of
    models/quality/<gate>) exist as the project defines them: dbt builds them when one is missing,
    when the fingerprint of their definitions differs from the one recorded at their last build
    here, or when `force`. {model: dbt's message} of those that failed (empty when every one is
    there). Raises InputsNotBuilt when dbt cannot run."""
    data_dir = Path(data_dir).resolve()
    if models is None:
        folder = settings.PROJECT_ROOT / "models" / "quality" / gate
        models = [path.stem for path in folder.glob("*.sql")]
    current = fingerprint()
    recorded = _fingerprint_file(data_dir, gate)
    fresh = recorded.is_file() and recorded.read_text().strip() == current
    if fresh and not force and _views_present(data_dir, models):
        LOG.info("%s gate inputs: views current, dbt not run", gate)
        return {}
    failed = _run_dbt(data_dir, as_of, gate)
    if not failed:
        _record(data_dir, gate, current)
    return failed


def mark_current(data_dir: Path) -> None:
    """After a successful warehouse build (which creates every gate view and loads every seed
    from the project as it is): the views are current, so the next gate runs no dbt."""
    current = fingerprint()
    for gate in SELECTORS:
        _record(Path(data_dir).resolve(), gate, current)


def _record(data_dir: Path, gate: str, current: str) -> None:
    recorded = _fingerprint_file(data_dir, gate)
    recorded.parent.mkdir(parents=True, exist_ok=True)
    recorded.write_text(current + "\n")


def _run_dbt(data_dir: Path, as_of: dt.date, gate: str) -> dict[str, str]:
    from dbt.cli.main import dbtRunner

    from transforms import warehouse
    from transforms.ingest import ensure_raw_layout

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
                _args(gate, data_dir, as_of)
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


def connect(
    data_dir: Path, files: Iterable[str] = (), config: dict[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the build database whose ingestion views read the raw rows of
    `files` (sha256 each, checked: they are written into the session variable `gate_files`)."""
    shas = sorted(set(files))
    bad = [sha for sha in shas if not _SHA256.fullmatch(sha)]
    if bad:
        raise ValueError(f"not a sha256: {bad[0]!r}")
    con = duckdb.connect(str(Paths(data_dir).build_db), read_only=True, config=config or {})
    listed = ", ".join(f"'{sha}'" for sha in shas)
    con.execute(f"set variable gate_files = [{listed}]::varchar[]")
    return con
