"""`rcm ingest`: load every new file under landing/ into the raw layer, once, and account for it.

For each regular file under `landing/` (sorted by relative name):

1. hash it (SHA-256, cached by size/mtime/ctime/inode) and skip it silently when the manifest already
   knows that name with those bytes;
2. the same bytes already delivered under another name -> status `duplicate`, `duplicate_of` set;
3. otherwise recognise it by content (`discover.sniff_kind`) and load it:
   X12 -> `x12_load.load_x12` (unit: transaction set), encounter or patient-payments extract ->
   `transforms.ingest.encounters.load_extract` with that extract's spec (unit: data row), anything
   else -> quarantined (unit: the file);
4. record it in this run's manifest; rejected units get quarantine records and their bytes under
   `quarantine/<sha256>/`.

Accounting, per file and for the run: units_in = units_loaded + units_duplicate + units_quarantined
(checked; a mismatch raises `IngestError`). A file rejected as a whole counts as one unit; a duplicate
counts the units of its original. Statuses: `loaded` (nothing rejected), `partially_quarantined`,
`quarantined` (nothing loaded), `duplicate`. The returned dict has `ingest_run_id`, `files` (one
summary per file handled) and `totals`: `in`/`loaded`/`duplicate`/`quarantined` (units, the identity
above), `files_*` counts by status, `files_already_known`, `units_*` and `rows_written` per table.

Runs are serialised by an exclusive lock on `raw/_manifest/ingest.lock`. A run's manifest is its
commit record, written after everything it accounts for: a run killed before it leaves raw files
that the next run rewrites under the same names (nothing is loaded twice) and quarantine records
that the next run drops (`manifest.remove_orphan_records`). An unexpected error (disk
full, a bug) stops the run after the manifest of the files already done is written; files are only
ever marked quarantined for what their content is. Logs carry file names and counts, never values.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from transforms import log, settings
from transforms.errors import RcmError
from transforms.fsio import sync_dirs, temp_path
from transforms.ingest import quarantine
from transforms.ingest.discover import (
    KIND_ENCOUNTERS,
    KIND_PATIENT_PAYMENTS,
    KIND_UNKNOWN,
    KIND_X12,
    HashCache,
    LandedFile,
    isa_problem,
    sniff_kind,
    walk_landing,
)
from transforms.ingest.parallel import Prefetcher
from transforms.ingest.x12_load import UNIT_FILE, X12FileLoad, extract_transactions, load_x12
from transforms.locking import exclusive_flock
from transforms.raw.contract import RAW_TABLES
from transforms.raw.layout import (
    commit,
    ensure_raw_layout,
    remove_stale_temporaries,
    secure_dir,
)
from transforms.raw.manifest import (
    FINDINGS_TABLE,
    MANIFEST_TABLE,
    QUARANTINE_TABLE,
    STATUS_DUPLICATE,
    STATUS_LOADED,
    STATUS_PARTIAL,
    STATUS_QUARANTINED,
    ManifestHistory,
    remove_orphan_records,
    write_records,
)
from transforms.settings import Paths

LOG = log.get_logger("ingest")
LOCK_TIMEOUT_SECONDS = 3600.0
CACHE_FILE = "landing_index.json"
LOCK_FILE = "ingest.lock"
UNIT_ROW = "row"
RULE_EMPTY_FILE = "empty_file"
RULE_UNKNOWN_KIND = "unknown_file_kind"
RULE_LOAD_ERROR = "load_error"
RULE_COMPRESSED = "compressed_file"
RULE_TOO_LARGE = "file_too_large"
# magic numbers of the archive and compression formats senders use
COMPRESSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"Rar!\x1a\x07", "rar"),
)
# extract kind -> (loader in transforms.ingest.encounters, raw table)
_EXTRACT_LOADERS: dict[str, tuple[str, str]] = {
    KIND_ENCOUNTERS: ("load_encounters", "encounter_lines"),
    KIND_PATIENT_PAYMENTS: ("load_patient_payments", "patient_payments"),
}


class IngestError(RcmError):
    """Ingestion could not run, or its counts do not reconcile."""


@dataclass
class FileResult:
    """What one run did with one landed file (counts and names only: safe to log and return)."""

    file_name: str
    file_sha256: str
    file_kind: str
    size_bytes: int
    received_at: dt.datetime
    status: str
    units_in: int
    units_loaded: int = 0
    units_quarantined: int = 0
    units_duplicate: int = 0
    duplicate_of: str | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)  # X12Finding.as_dict(), in file order
    x12_versions: list[str] = field(default_factory=list)

    def reconciles(self) -> bool:
        return self.units_in == self.units_loaded + self.units_duplicate + self.units_quarantined

    def manifest_record(self, run_id: str, loaded_at: dt.datetime) -> dict:
        return {
            "ingest_run_id": run_id,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "file_kind": self.file_kind,
            "size_bytes": self.size_bytes,
            "received_at": self.received_at,
            "loaded_at": loaded_at,
            "status": self.status,
            "duplicate_of": self.duplicate_of,
            "units_in": self.units_in,
            "units_loaded": self.units_loaded,
            "units_quarantined": self.units_quarantined,
            "row_counts": json.dumps(self.row_counts, sort_keys=True),
            "x12_versions": ",".join(self.x12_versions) or None,
            "finding_count": len(self.findings),
        }

    def finding_records(self, run_id: str, recorded_at: dt.datetime) -> list[dict]:
        """Rows of raw/ingest_findings for this file."""
        return [
            {
                "ingest_run_id": run_id,
                "file_name": self.file_name,
                "file_sha256": self.file_sha256,
                "position": finding["position"],
                "segment_id": finding["segment"],
                "element": finding["element"],
                "transaction_control_number": finding["transaction_control_number"],
                "scope": finding["scope"],
                "rule": finding["rule"],
                "severity": finding["severity"],
                "message": finding["message"],
                "recorded_at": recorded_at,
            }
            for finding in self.findings
        ]

    def summary(self) -> dict:
        return {
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "file_kind": self.file_kind,
            "status": self.status,
            "duplicate_of": self.duplicate_of,
            "units_in": self.units_in,
            "units_loaded": self.units_loaded,
            "units_duplicate": self.units_duplicate,
            "units_quarantined": self.units_quarantined,
            "row_counts": self.row_counts,
            "quarantine_rules": sorted(set(self.rules)),
            "x12_versions": self.x12_versions,
            "findings": self.findings,
        }


def status_for(units_loaded: int, units_quarantined: int) -> str:
    if units_quarantined == 0:
        return STATUS_LOADED
    return STATUS_QUARANTINED if units_loaded == 0 else STATUS_PARTIAL


@dataclass
class _Run:
    """One ingest run's context: where things go, its id and clock, what it has produced."""

    data_dir: Path
    paths: Paths
    run_id: str
    started: dt.datetime
    results: list[FileResult] = field(default_factory=list)
    quarantine_rows: list[dict] = field(default_factory=list)
    pending_dirs: set[Path] = field(default_factory=set)  # folders to fsync before the manifest
    prefetch: Prefetcher | None = None  # X12 files being read by worker processes
    deferred: list[str] = field(default_factory=list)  # still changing: left for the next run

    def quarantine_file(self, landed: LandedFile, sha: str, rows: list[dict]) -> None:
        """Copy the whole file aside and write its reason(s); add the records."""
        copy = quarantine.copy_file(self.data_dir, sha, landed.path, landed.name)
        where = quarantine.relative(self.data_dir, copy)
        for row in rows:
            row["quarantine_path"] = where
        payload = [quarantine.reason_payload(row) for row in rows]
        quarantine.write_reason(
            copy.parent / "reason.json", payload[0] if len(payload) == 1 else payload
        )
        self.quarantine_rows.extend(rows)

    def file_rejected(
        self,
        landed: LandedFile,
        sha: str,
        kind: str,
        rule: str,
        message: str,
        position: int | None = None,
        segment_id: str | None = None,
        element: str | None = None,
        copy: bool = True,
    ) -> FileResult:
        row = quarantine.record(
            run_id=self.run_id,
            file_name=landed.name,
            file_sha256=sha,
            unit=UNIT_FILE,
            rule=rule,
            message=message,
            recorded_at=self.started,
            quarantine_path="",
            position=position,
            segment_id=segment_id,
            element=element,
        )
        if copy:
            self.quarantine_file(landed, sha, [row])
        else:  # the reason alone, beside where the copy would be
            target = quarantine.folder(self.data_dir, sha) / "reason.json"
            row["quarantine_path"] = quarantine.relative(self.data_dir, target)
            quarantine.write_reason(target, quarantine.reason_payload(row))
            self.quarantine_rows.append(row)
        return FileResult(
            landed.name,
            sha,
            kind,
            landed.size,
            _mtime(landed),
            STATUS_QUARANTINED,
            units_in=1,
            units_quarantined=1,
            rules=[rule],
        )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _mtime(landed: LandedFile) -> dt.datetime:
    return dt.datetime.fromtimestamp(landed.mtime_ns / 1e9, dt.UTC).replace(tzinfo=None)


def new_run_id(now: dt.datetime) -> str:
    """Sortable and unique: UTC time to the microsecond plus 6 random hex digits."""
    return f"{now:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"


@contextmanager
def ingest_lock(paths: Paths, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """One ingest at a time per data directory (exclusive flock, waits up to `timeout`)."""
    lock_path = secure_dir(paths.manifest) / LOCK_FILE
    with exclusive_flock(
        lock_path, lambda: IngestError(f"another ingest holds {lock_path}"), timeout=timeout
    ):
        yield


# ---- loaders per kind ---------------------------------------------------------------------------
def _load_x12_file(run: _Run, landed: LandedFile, sha: str) -> FileResult:
    loaded: X12FileLoad | None = run.prefetch.take(sha) if run.prefetch is not None else None
    if loaded is None:
        loaded = load_x12(
            landed.path,
            file_name=landed.name,
            file_sha256=sha,
            raw_dir=run.paths.raw,
            pending_dirs=run.pending_dirs,
        )
    result = FileResult(
        landed.name,
        sha,
        loaded.kind,
        landed.size,
        _mtime(landed),
        status_for(loaded.units_loaded, loaded.units_quarantined),
        units_in=loaded.units_in,
        units_loaded=loaded.units_loaded,
        units_quarantined=loaded.units_quarantined,
        row_counts=loaded.row_counts,
        rules=[r.error.rule for r in loaded.rejections],
        findings=[finding.as_dict() for finding in loaded.findings],
        x12_versions=loaded.versions,
    )
    if not loaded.rejections:
        return result
    rows = [
        quarantine.x12_record(
            r.error,
            unit=r.unit,
            run_id=run.run_id,
            file_name=landed.name,
            file_sha256=sha,
            recorded_at=run.started,
            quarantine_path="",
        )
        for r in loaded.rejections
    ]
    if loaded.units_loaded == 0:  # nothing usable: keep the whole file
        run.quarantine_file(landed, sha, rows)
        return result
    folder = quarantine.folder(run.data_dir, sha)
    targets: dict[int, Path] = {}
    for rejection, row in zip(loaded.rejections, rows, strict=True):
        assert rejection.start is not None
        target = folder / f"transaction_{rejection.start:09d}.x12"
        targets[rejection.start] = target
        row["quarantine_path"] = quarantine.relative(run.data_dir, target)
        quarantine.write_reason(target.with_suffix(".json"), quarantine.reason_payload(row))
    extract_transactions(
        landed.path,
        [(r.start, r.end) for r in loaded.rejections if r.start is not None and r.end is not None],
        targets,
        run.pending_dirs,
    )
    run.quarantine_rows.extend(rows)
    return result


def _load_extract_file(run: _Run, landed: LandedFile, sha: str, kind: str) -> FileResult:
    """An encounter or patient-payments extract (one loader module, the kind's contract)."""
    loader_name, table = _EXTRACT_LOADERS[kind]
    load = getattr(importlib.import_module("transforms.ingest.encounters"), loader_name)
    target = run.paths.raw / table / f"{sha}.parquet"
    secure_dir(target.parent)
    pending = temp_path(target)
    try:
        outcome = load(landed.path, pending, file_name=landed.name, file_sha256=sha)
        records = [
            quarantine.record(
                run_id=run.run_id,
                file_name=landed.name,
                file_sha256=sha,
                unit=str(r.get("unit") or UNIT_ROW),
                rule=str(r.get("rule") or RULE_LOAD_ERROR),
                message=str(r.get("message") or ""),
                recorded_at=run.started,
                quarantine_path="",
                position=r.get("position"),
                segment_id=r.get("segment_id"),
                element=r.get("element"),
                column_name=r.get("column_name"),
            )
            for r in outcome.quarantine_records
        ]
        if outcome.file_rejected:
            if not records:
                records = [
                    quarantine.record(
                        run_id=run.run_id,
                        file_name=landed.name,
                        file_sha256=sha,
                        unit=UNIT_FILE,
                        rule=RULE_LOAD_ERROR,
                        message="the extract was rejected",
                        recorded_at=run.started,
                        quarantine_path="",
                    )
                ]
            run.quarantine_file(landed, sha, records)
            return FileResult(
                landed.name,
                sha,
                kind,
                landed.size,
                _mtime(landed),
                STATUS_QUARANTINED,
                units_in=1,
                units_quarantined=1,
                rules=[r["rule"] for r in records],
            )
        if outcome.rows_in != outcome.rows_loaded + outcome.rows_quarantined:
            raise IngestError(f"{landed.name}: extract loader counts do not reconcile")
        row_counts: dict[str, int] = {}
        if pending.exists() and (outcome.rows_loaded or not outcome.rows_quarantined):
            # a header-only extract loads as an empty file; one whose every row was rejected
            # leaves nothing in raw/ (like any quarantined file)
            commit(pending, target, pending_dirs=run.pending_dirs)
            row_counts[table] = outcome.rows_loaded
        if records:
            run.quarantine_file(landed, sha, records)
        return FileResult(
            landed.name,
            sha,
            kind,
            landed.size,
            _mtime(landed),
            status_for(outcome.rows_loaded, outcome.rows_quarantined),
            units_in=outcome.rows_in,
            units_loaded=outcome.rows_loaded,
            units_quarantined=outcome.rows_quarantined,
            row_counts=row_counts,
            rules=[r["rule"] for r in records],
        )
    finally:
        pending.unlink(missing_ok=True)


def compression_of(path: Path) -> str | None:
    """The archive/compression format a file starts with (zip, gzip, ...), else None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return next((name for magic, name in COMPRESSED_MAGIC if head.startswith(magic)), None)


def _load_new_file(run: _Run, landed: LandedFile, sha: str) -> FileResult:
    if landed.size == 0:
        return run.file_rejected(landed, sha, KIND_UNKNOWN, RULE_EMPTY_FILE, "the file is empty")
    limit = settings.max_file_bytes()
    if landed.size > limit:
        # never copied: a huge (or sparse) file would fill the disk twice; it stays in landing/
        return run.file_rejected(
            landed,
            sha,
            KIND_UNKNOWN,
            RULE_TOO_LARGE,
            f"the file holds {landed.size} bytes, more than {settings.ENV_MAX_FILE_BYTES}="
            f"{limit}; it was not copied to quarantine (it stays in landing/): split it, or "
            "raise the limit",
            copy=False,
        )
    kind = sniff_kind(landed)
    packed = compression_of(landed.path) if kind == KIND_UNKNOWN else None
    if packed is not None:
        return run.file_rejected(
            landed,
            sha,
            KIND_UNKNOWN,
            RULE_COMPRESSED,
            f"the file is compressed ({packed}); unpack it and land the files it holds "
            "under landing/ (835/837 anywhere, extracts under their folder)",
        )
    try:
        if kind == KIND_X12:
            return _load_x12_file(run, landed, sha)
        if kind in _EXTRACT_LOADERS:
            return _load_extract_file(run, landed, sha, kind)
    except (OSError, RcmError):
        raise
    except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the batch
        LOG.warning(
            "ingest: %s could not be loaded (%s); quarantined", landed.name, type(exc).__name__
        )
        for table in RAW_TABLES:  # nothing of a quarantined file stays in raw/
            (run.paths.raw / table / f"{sha}.parquet").unlink(missing_ok=True)
        return run.file_rejected(
            landed,
            sha,
            kind,
            RULE_LOAD_ERROR,
            f"the file could not be loaded ({type(exc).__name__})",
        )
    problem = isa_problem(landed)
    if problem is not None:  # starts with ISA, but its separators cannot be used
        return run.file_rejected(
            landed,
            sha,
            KIND_UNKNOWN,
            problem.rule,
            problem.message,
            position=problem.position,
            segment_id=problem.segment_id,
            element=problem.element,
        )
    return run.file_rejected(
        landed,
        sha,
        KIND_UNKNOWN,
        RULE_UNKNOWN_KIND,
        "neither X12 (no ISA) nor an extract (landing/encounters/*.csv|*.parquet, "
        "landing/patient_payments/*.csv|*.parquet)",
    )


def _x12_to_load(
    hashed: list[tuple[LandedFile, str | None]], history: ManifestHistory
) -> list[tuple[Path, str, str]]:
    """The X12 files this run will load (new bytes, first copy in the batch), in landing order."""
    chosen: list[tuple[Path, str, str]] = []
    seen: set[str] = set()
    for landed, sha in hashed:
        if sha is None or sha in seen or history.original(sha) is not None or landed.size == 0:
            continue
        seen.add(sha)
        if sniff_kind(landed) == KIND_X12:
            chosen.append((landed.path, landed.name, sha))
    return chosen


def _account(
    run: _Run, landed: LandedFile, sha: str | None, history: ManifestHistory
) -> FileResult | None:
    """Handle one landed file in order; None when the manifest already knows it (skipped)."""
    assert sha is not None
    if history.is_known(landed.name, sha):
        return None
    original = history.original(sha)
    if original is not None:
        units = history.units.get(sha, 0)
        result = FileResult(
            landed.name,
            sha,
            history.kinds.get(sha, KIND_UNKNOWN),
            landed.size,
            _mtime(landed),
            STATUS_DUPLICATE,
            units_in=units,
            units_duplicate=units,
            duplicate_of=original,
        )
    else:
        had_quarantine = (run.paths.quarantine / sha).exists()
        rows_before = len(run.quarantine_rows)
        result = _load_new_file(run, landed, sha)
        if _changed_since(landed):
            _forget(run, sha, rows_before, had_quarantine)
            run.deferred.append(landed.name)
            LOG.warning(
                "ingest: %s changed while it was read (still being written?); deferred to the "
                "next run, nothing of it was loaded or quarantined",
                landed.name,
            )
            return None
    if not result.reconciles():
        raise IngestError(f"{landed.name}: units do not reconcile")
    history.add(landed.name, sha, result.units_in, result.status, result.file_kind)
    run.results.append(result)
    LOG.info(
        "ingest: %s -> %s (%d unit(s) in, %d loaded, %d quarantined%s%s)",
        landed.name,
        result.status,
        result.units_in,
        result.units_loaded,
        result.units_quarantined,
        f", {len(result.findings)} finding(s): "
        + ", ".join(sorted({str(f["rule"]) for f in result.findings}))
        if result.findings
        else "",
        f", duplicate of {result.duplicate_of}" if result.duplicate_of else "",
    )
    return result


def _changed_since(landed: LandedFile) -> bool:
    """Whether the file's stat signature (size, mtime, ctime, inode) differs from the one it had
    when it was listed and hashed: any write, truncation or replacement changes it."""
    try:
        info = landed.path.lstat()
    except OSError:
        return True
    now = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    return now != landed.signature


def _forget(run: _Run, sha: str, rows_before: int, had_quarantine: bool) -> None:
    """Undo what loading one file wrote (its raw Parquet, its quarantine records and folder)."""
    for table in RAW_TABLES:
        (run.paths.raw / table / f"{sha}.parquet").unlink(missing_ok=True)
    del run.quarantine_rows[rows_before:]
    if not had_quarantine:
        shutil.rmtree(run.paths.quarantine / sha, ignore_errors=True)


def settled(landed_files: list[LandedFile], window: float) -> tuple[list[LandedFile], list[str]]:
    """The files that have not changed for `window` seconds, and the names of those still changing.

    A file last modified longer ago than the window is settled at once. Younger files are looked
    at again once the youngest is `window` seconds old (one wait per run, at most `window`): a
    file whose size, mtime or inode changed meanwhile is still being written and waits for the
    next run."""
    if window <= 0:
        return landed_files, []
    now = time.time_ns()
    young = [f for f in landed_files if now - f.mtime_ns < window * 1e9]
    if not young:
        return landed_files, []
    wait = (max(f.mtime_ns for f in young) + window * 1e9 - now) / 1e9
    LOG.info("ingest: %d file(s) modified in the last %gs; waiting %.1fs", len(young), window, wait)
    time.sleep(max(0.0, wait))
    changing = {f.name for f in young if _changed_since(f)}
    for name in sorted(changing):
        LOG.warning("ingest: %s is still changing; deferred to the next run", name)
    return [f for f in landed_files if f.name not in changing], sorted(changing)


# ---- the run ------------------------------------------------------------------------------------
def discover_new_files(data_dir: Path) -> list[str]:
    """Names (relative to landing/) of files the manifest has not seen with their current bytes.

    Cheap: no parsing, no writing; a file whose stat signature is not in the hash cache counts as new
    without being hashed.
    """
    paths = Paths(Path(data_dir))
    history = ManifestHistory.load(paths.raw)
    cache = HashCache(paths.manifest / CACHE_FILE)
    new: list[str] = []
    for landed in walk_landing(paths.landing):
        sha = cache.sha256(landed, compute=False)
        if sha is None or not history.is_known(landed.name, sha):
            new.append(landed.name)
    return new


def ingest(data_dir: Path) -> dict:
    """Load every new file under `data_dir/landing/` into `data_dir/raw/`; return what happened."""
    data_dir = Path(data_dir).resolve()
    paths = Paths(data_dir)
    paths.landing.mkdir(parents=True, exist_ok=True)
    secure_dir(paths.raw)
    secure_dir(paths.quarantine)
    started = _utcnow()
    run = _Run(data_dir, paths, new_run_id(started), started)
    skipped = 0
    written: dict[str, str | None] = {}
    with ingest_lock(paths):
        remove_stale_temporaries(data_dir)
        remove_orphan_records(paths.raw)
        layout = ensure_raw_layout(data_dir)
        history = ManifestHistory.load(paths.raw)
        cache = HashCache(paths.manifest / CACHE_FILE)
        listed = walk_landing(paths.landing)
        landed_files, run.deferred = settled(listed, settings.settle_seconds())
        hashed = [(landed, cache.sha256(landed)) for landed in landed_files]
        run.prefetch = Prefetcher(_x12_to_load(hashed, history), paths.raw)
        try:
            with run.prefetch:
                for landed, sha in hashed:
                    result = _account(run, landed, sha, history)
                    if result is None:
                        skipped += 1
        finally:
            sync_dirs(run.pending_dirs)  # every rename above is durable before it is recorded
            loaded_at = _utcnow()
            # the manifest is the commit record: written last, after the quarantine records it
            # accounts for (records a killed run leaves without a manifest are dropped next run)
            written[QUARANTINE_TABLE] = _as_str(
                write_records(paths.raw, QUARANTINE_TABLE, run.run_id, run.quarantine_rows)
            )
            written[FINDINGS_TABLE] = _as_str(
                write_records(
                    paths.raw,
                    FINDINGS_TABLE,
                    run.run_id,
                    [
                        row
                        for r in run.results
                        for row in r.finding_records(run.run_id, run.started)
                    ],
                )
            )
            written[MANIFEST_TABLE] = _as_str(
                write_records(
                    paths.raw,
                    MANIFEST_TABLE,
                    run.run_id,
                    [r.manifest_record(run.run_id, loaded_at) for r in run.results],
                )
            )
            cache.save(present={landed.name for landed in listed})
    totals = _totals(run.results, skipped)
    totals["files_deferred"] = len(run.deferred)
    if (
        totals["units_in"]
        != totals["units_loaded"] + totals["units_duplicate"] + totals["units_quarantined"]
    ):
        raise IngestError(
            "ingest totals do not reconcile: units in != loaded + duplicate + quarantined"
        )
    LOG.info(
        "ingest %s: %d file(s) in (%d loaded, %d partially quarantined, %d quarantined, "
        "%d duplicate), %d already known; units %d in = %d loaded + %d duplicate + "
        "%d quarantined",
        run.run_id,
        totals["files_in"],
        totals["files_loaded"],
        totals["files_partially_quarantined"],
        totals["files_quarantined"],
        totals["files_duplicate"],
        skipped,
        totals["units_in"],
        totals["units_loaded"],
        totals["units_duplicate"],
        totals["units_quarantined"],
    )
    return {
        "ingest_run_id": run.run_id,
        "files": [result.summary() for result in run.results],
        "deferred": run.deferred,
        "totals": totals,
        "manifest_path": written.get(MANIFEST_TABLE),
        "quarantine_records_path": written.get(QUARANTINE_TABLE),
        "findings_path": written.get(FINDINGS_TABLE),
        "raw_layout_created": sorted(t for t, state in layout.items() if state == "created"),
    }


def _as_str(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def _totals(results: list[FileResult], skipped: int) -> dict:
    statuses = Counter(result.status for result in results)
    rows: Counter[str] = Counter()
    for result in results:
        rows.update(result.row_counts)
    units_in = sum(r.units_in for r in results)
    units_loaded = sum(r.units_loaded for r in results)
    units_duplicate = sum(r.units_duplicate for r in results)
    units_quarantined = sum(r.units_quarantined for r in results)
    return {
        # the identity, in units: in = loaded + duplicate + quarantined
        "in": units_in,
        "loaded": units_loaded,
        "duplicate": units_duplicate,
        "quarantined": units_quarantined,
        "files_in": len(results),
        "files_loaded": statuses[STATUS_LOADED],
        "files_partially_quarantined": statuses[STATUS_PARTIAL],
        "files_quarantined": statuses[STATUS_QUARANTINED],
        "files_duplicate": statuses[STATUS_DUPLICATE],
        "files_already_known": skipped,
        "units_in": units_in,
        "units_loaded": units_loaded,
        "units_duplicate": units_duplicate,
        "units_quarantined": units_quarantined,
        "rows_written": dict(sorted(rows.items())),
        "findings": sum(len(r.findings) for r in results),
    }
