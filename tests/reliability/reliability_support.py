"""Helpers for the reliability suite: a generated feed split into nights, child `rcm` processes
(killed, measured, watched), and the checks every case shares.

Nothing here asserts; each check returns a list of problems (empty when all is well) so a test can
show every broken rule at once. Run as a script (`python reliability_support.py reader DB STOP
OUT`) it is the analyst process of the concurrency test: it queries the published warehouse in a
loop and writes what it saw.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# ---- the generated practice --------------------------------------------------------------------
# 150 claims over 20 service days with seed 11: 81 files, and one 835 reversal (CLP02 22) whose
# original payment arrives three weeks earlier -- the replay case needs one. Night 1 (files dated
# up to March 12) holds the first claims and extracts; night 2 the rest and most remittances.
FEED_CLAIMS = 150
FEED_START = dt.date(2026, 3, 1)
FEED_DAYS = 20
FEED_SEED = 11
NIGHT1_LAST_DATE = dt.date(2026, 3, 12)  # files dated up to this day land on night 1
AS_OF_1 = dt.date(2026, 3, 12)
AS_OF_2 = dt.date(2026, 6, 30)

MARTS = (
    "fct_remittance_payments",
    "fct_remittance_claims",
    "fct_remittance_service_lines",
    "fct_remittance_adjustments",
    "fct_provider_adjustments",
    "fct_claims",
    "fct_claim_lines",
    "dim_payers",
    "dim_providers",
    "dim_procedure_codes",
    "dim_diagnosis_codes",
    "rpt_kpis_monthly",
    "rpt_denials",
    "rpt_ar_aging",
)
# primary key of each mart, as its YAML tests it (an expression for the composite ones)
MART_KEYS = {
    "fct_claims": "claim_id",
    "fct_claim_lines": "claim_line_key",
    "dim_payers": "payer_id",
    "dim_providers": "provider_npi",
    "dim_procedure_codes": "procedure_code",
    "dim_diagnosis_codes": "diagnosis_code",
    "fct_remittance_payments": "payment_id",
    "fct_remittance_claims": "remit_claim_id",
    "fct_remittance_service_lines": "remit_line_id",
    "fct_remittance_adjustments": "adjustment_id",
    "fct_provider_adjustments": "provider_adjustment_id",
    "rpt_kpis_monthly": "cast(month_start_date as varchar) || '|' || payer_id",
    "rpt_denials": "denial_group_key",
    "rpt_ar_aging": "payer_id || '|' || age_bucket",
}
LOADED_STATUSES = ("loaded", "partially_quarantined")
_FILE_DATE = re.compile(r"(20\d\d)(\d\d)(\d\d)")


@dataclass(frozen=True)
class Feed:
    """One generated practice: its files (relative to `landing`) by night, and its patients."""

    root: Path
    night1: tuple[str, ...]
    night2: tuple[str, ...]
    patient_ids: frozenset[str]
    member_ids: frozenset[str]

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def identifiers(self) -> frozenset[str]:
        """Every patient identifier a log, report or audit table must never show."""
        return self.patient_ids | self.member_ids

    def files(self, pattern: str) -> list[str]:
        return sorted(name for name in (*self.night1, *self.night2) if re.search(pattern, name))


def file_date(name: str) -> dt.date:
    """The first YYYYMMDD in a generated file's name (submission, coding or payment day)."""
    match = _FILE_DATE.search(Path(name).name)
    if match is None:
        raise ValueError(f"no date in {name}")
    return dt.date(*(int(part) for part in match.groups()))


def split_nights(names: Iterable[str], last_night1: dt.date) -> tuple[list[str], list[str]]:
    """Files dated up to `last_night1` (night 1) and the rest (night 2); redeliveries (`ERA_*`,
    the generator's second copy of a remittance) always on night 2."""
    night1, night2 = [], []
    for name in sorted(names):
        early = file_date(name) <= last_night1 and not Path(name).name.startswith("ERA_")
        (night1 if early else night2).append(name)
    return night1, night2


def read_identifiers(landing: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Patient ids from the encounter extracts and member ids (NM1*IL/QC NM109) from the 837s."""
    patients: set[str] = set()
    for path in sorted((landing / "encounters").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            patients.update(row["patient_id"] for row in csv.DictReader(handle))
    members: set[str] = set()
    for path in sorted((landing / "claims").glob("*.837")):
        for segment in path.read_text(encoding="utf-8").split("~"):
            parts = segment.strip().split("*")
            if parts[0] == "NM1" and len(parts) > 9 and parts[1] in ("IL", "QC") and parts[9]:
                members.add(parts[9])
    return frozenset(patients), frozenset(members)


def generate_feed(root: Path) -> Feed:
    """Generate the practice under `root` (landing/ and ground_truth/) and split it into nights."""
    from transforms.generate import generate

    generate(out=root, claims=FEED_CLAIMS, start=FEED_START, days=FEED_DAYS, seed=FEED_SEED)
    landing = root / "landing"
    names = [p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()]
    night1, night2 = split_nights(names, NIGHT1_LAST_DATE)
    patients, members = read_identifiers(landing)
    return Feed(root, tuple(night1), tuple(night2), patients, members)


def land(
    feed: Feed, names: Iterable[str], data_dir: Path, rename: dict[str, str] | None = None
) -> list[Path]:
    """Copy feed files into `data_dir/landing` (same relative names unless renamed; mtimes kept)."""
    placed = []
    for name in names:
        target = data_dir / "landing" / (rename or {}).get(name, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(feed.landing / name, target)
        placed.append(target)
    return placed


def put(data_dir: Path, name: str, data: bytes) -> Path:
    """Write `data` as landing/`name`."""
    target = data_dir / "landing" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def copy_tree(source: Path, target: Path) -> Path:
    """A private copy of a data directory (modes and mtimes kept; symlinks copied as links)."""
    shutil.copytree(source, target, symlinks=True)
    return target


# ---- child processes ----------------------------------------------------------------------------
def child_env(**extra: str) -> dict[str, str]:
    """This environment without the data-dir and as-of defaults (children get them as options),
    without analytics calls or Airflow examples, plus `extra`."""
    env = {
        **os.environ,
        "GX_ANALYTICS_ENABLED": "False",
        "PYTHONDONTWRITEBYTECODE": "1",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    env.pop("RCM_DATA_DIR", None)
    env.pop("RCM_AS_OF", None)
    env.update(extra)
    return env


# `python -m transforms.cli ARGS`, plus an exit hook that writes the process's own peak RSS
# (VmHWM: the high-water mark of its address space, which exec starts afresh) to $RCM_PEAK_FILE.
# wait4's ru_maxrss cannot be used alone: Linux carries the parent's RSS at fork across exec, so
# a child of a big pytest process would report at least the parent's size.
LAUNCHER = """
import atexit, os, runpy, sys

def _peak():
    target = os.environ.get("RCM_PEAK_FILE")
    if target:
        with open("/proc/self/status") as status:
            kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(target, "w") as out:
            out.write(kib)

atexit.register(_peak)
sys.argv = ["rcm", *sys.argv[1:]]
runpy.run_module("transforms.cli", run_name="__main__", alter_sys=True)
"""


def rcm(*args: str | Path, debug: bool = False) -> list[str]:
    """The `rcm` command (as `python -m transforms.cli` from this virtualenv) with ARGS."""
    return [PYTHON, "-c", LAUNCHER, *(["--debug"] if debug else []), *map(str, args)]


@dataclass
class ChildRun:
    """A finished child: exit code (negative = killed by that signal), output, peak RSS (its own
    VmHWM when it exited normally, else wait4's upper bound), wall time."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_bytes: int
    seconds: float
    killed: bool = False

    def json(self) -> dict:
        return json.loads(self.stdout)


class Child:
    """A child process in its own session, output to files (no pipe can fill up), reaped with
    wait4. Start it, do something else, then `wait` for it (or kill it after a delay)."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        workdir: Path,
        umask: int | None = None,
        cwd: Path | None = None,
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.command = list(command)
        self.out_path, self.err_path = workdir / "child.stdout", workdir / "child.stderr"
        self.peak_path = workdir / "child.peak_kib"
        self.peak_path.unlink(missing_ok=True)
        self.started = time.monotonic()
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                self.command,
                cwd=cwd or ROOT,
                env=child_env(RCM_PEAK_FILE=str(self.peak_path)),
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                umask=-1 if umask is None else umask,
            )

    def wait(self, *, kill_after: float | None = None, timeout: float = 900.0) -> ChildRun:
        """Wait for the child; SIGKILL its process group `kill_after` seconds after its start if
        it still runs. Raises TimeoutError (after killing it) past `timeout` seconds."""
        limit = kill_after if kill_after is not None else timeout
        stopped = False
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid == self.proc.pid:
                break
            if time.monotonic() - self.started >= limit:
                os.killpg(self.proc.pid, signal.SIGKILL)
                stopped = True
                _, status, usage = os.wait4(self.proc.pid, 0)
                break
            time.sleep(0.01)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = round(time.monotonic() - self.started, 2)
        if stopped and kill_after is None:
            raise TimeoutError(f"rcm {' '.join(self.command[3:])} ran longer than {timeout}s")
        peak = (
            int(self.peak_path.read_text()) * 1024
            if self.peak_path.exists()
            else usage.ru_maxrss * 1024
        )
        return ChildRun(
            self.proc.returncode,
            self.out_path.read_text(errors="replace"),
            self.err_path.read_text(errors="replace"),
            peak,
            seconds,
            killed=stopped,
        )

    def wait_for(self, text: str, timeout: float = 600.0) -> bool:
        """Block until `text` appears in the child's stderr (True) or it exits first (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.err_path.read_text(errors="replace"):
                return True
            exited = os.waitid(
                os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT
            )  # leaves it for `wait`
            if exited is not None:
                return False
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} not logged within {timeout}s")

    def kill(self) -> None:
        """Stop it now (cleanup of a child nobody waits for)."""
        if self.proc.returncode is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            os.wait4(self.proc.pid, 0)
            self.proc.returncode = -signal.SIGKILL


def run_child(
    command: Sequence[str],
    *,
    workdir: Path,
    kill_after: float | None = None,
    timeout: float = 900.0,
    umask: int | None = None,
    cwd: Path | None = None,
) -> ChildRun:
    """Run `command` (see `Child`) to its end, or SIGKILL it `kill_after` seconds after its start.
    Runs in `cwd` (default: the repository); peak RSS: see `LAUNCHER`."""
    return Child(command, workdir=workdir, umask=umask, cwd=cwd).wait(
        kill_after=kill_after, timeout=timeout
    )


# ---- what a published warehouse must satisfy ----------------------------------------------------
def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


def mart_checksums(db: Path) -> dict[str, tuple[int, str]]:
    """Per marts table: (rows, md5 of its sorted rows as text) -- equal tables, equal checksums."""
    con = _connect(db)
    try:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            rows, digest = con.execute(
                "select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) from "
                f'(select cast(t as varchar) as r from marts."{name}" as t)'
            ).fetchone()
            out[name] = (rows, digest)
        return out
    finally:
        con.close()


def version_signature(con: duckdb.DuckDBPyConnection) -> tuple:
    """A cheap fingerprint of one warehouse version read through one connection (one query): rows
    of the fact marts and the money in payments, claims and adjustments."""
    row = con.execute(
        "select (select count(*) from marts.fct_claims), "
        "(select count(*) from marts.fct_claim_lines), "
        "(select count(*) from marts.fct_remittance_payments), "
        "(select count(*) from marts.fct_remittance_claims), "
        "(select count(*) from marts.fct_remittance_adjustments), "
        "(select count(*) from marts.rpt_kpis_monthly), "
        "(select sum(payment_amount) from marts.fct_remittance_payments), "
        "(select sum(paid_amount) from marts.fct_remittance_claims), "
        "(select sum(adjustment_amount) from marts.fct_remittance_adjustments)"
    ).fetchone()
    return tuple(value if isinstance(value, int) else str(value) for value in row)


def signature_of(db: Path) -> tuple:
    con = _connect(db)
    try:
        return version_signature(con)
    finally:
        con.close()


def _raw_glob(raw_dir: Path, table: str) -> str:
    return str(raw_dir / table / "*.parquet")


def integrity_problems(db: Path, raw_dir: Path) -> list[str]:
    """A published warehouse opens read-only, holds every mart, each mart's key is unique and not
    null, and its payments equal the raw 835 payments of the files its own manifest says it loaded
    (rows and money)."""
    problems: list[str] = []
    try:
        con = _connect(db)
    except duckdb.Error as exc:
        return [f"{db.name} does not open read-only: {exc}"]
    try:
        present = {
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = sorted(set(MARTS) - present)
        if missing:
            return [f"marts missing: {missing}"]
        for table, key in MART_KEYS.items():
            rows, distinct, nulls = con.execute(
                f"select count(*), count(distinct {key}), count(*) - count({key}) "
                f'from marts."{table}"'
            ).fetchone()
            if rows != distinct or nulls:
                problems.append(
                    f"marts.{table}: {rows} rows, {distinct} distinct keys, {nulls} null keys"
                )
        shas = [
            s
            for (s,) in con.execute(
                "select distinct file_sha256 from audit.file_manifest where status in (?, ?)",
                list(LOADED_STATUSES),
            ).fetchall()
        ]
        mart = con.execute(
            "select count(*), coalesce(sum(payment_amount), 0) from marts.fct_remittance_payments"
        ).fetchone()
    finally:
        con.close()
    raw = (
        duckdb.connect()
        .execute(
            "select count(*), coalesce(sum(payment_amount), 0) from read_parquet(?) "
            "where list_contains(?, file_sha256)",
            [_raw_glob(raw_dir, "x835_payments"), shas],
        )
        .fetchone()
    )
    if (mart[0], Decimal(mart[1])) != (raw[0], Decimal(raw[1])):
        problems.append(
            f"payments do not reconcile: marts {mart[0]} rows / {mart[1]}, raw files "
            f"of the published manifest {raw[0]} rows / {raw[1]}"
        )
    return problems


def gate_coverage(db: Path, raw_dir: Path) -> tuple[int, int]:
    """(encounter rows the ingestion gates validated, over every recorded run; encounter rows
    loaded in raw/ by the files the warehouse's manifest lists). Each loaded row is validated once
    when every batch went through its gate, so the two are equal."""
    con = _connect(db)
    try:
        validated = con.execute(
            "select coalesce(sum(rows_validated), 0) from quality.validation_runs "
            "where gate = 'ingestion' and suite = 'coding_quality'"
        ).fetchone()[0]
        shas = [
            s
            for (s,) in con.execute(
                "select distinct file_sha256 from audit.file_manifest where status in (?, ?)",
                list(LOADED_STATUSES),
            ).fetchall()
        ]
    finally:
        con.close()
    loaded = (
        duckdb.connect()
        .execute(
            "select count(*) from read_parquet(?) where list_contains(?, file_sha256)",
            [_raw_glob(raw_dir, "encounter_lines"), shas],
        )
        .fetchone()[0]
    )
    return int(validated), int(loaded)


def raw_duplicate_problems(data_dir: Path) -> list[str]:
    """No row twice in raw/ (row ids unique per table across files), no file loaded twice in the
    manifest, no raw file without a manifest entry, no quarantine records without a manifest, and
    every manifest row reconciling (units in = loaded + quarantined, or a duplicate)."""
    from transforms.raw.contract import RAW_TABLES, RECORD_TABLES

    raw = data_dir / "raw"
    con = duckdb.connect()
    problems: list[str] = []
    manifest = con.execute(
        "select file_name, file_sha256, status, units_in, units_loaded, units_quarantined, "
        "ingest_run_id from read_parquet(?)",
        [_raw_glob(raw, "file_manifest")],
    ).fetchall()
    loaded: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for name, sha, status, units_in, units_loaded, units_quarantined, _ in manifest:
        pairs[(name, sha)] = pairs.get((name, sha), 0) + 1
        if status in LOADED_STATUSES:
            loaded[sha] = loaded.get(sha, 0) + 1
        if status != "duplicate" and units_in != units_loaded + units_quarantined:
            problems.append(
                f"manifest row for {name!r} does not reconcile: {units_in} in, "
                f"{units_loaded} loaded, {units_quarantined} quarantined"
            )
    problems += [f"file {sha[:12]} loaded {n} times" for sha, n in loaded.items() if n > 1]
    problems += [f"{name!r} recorded {n} times" for (name, _), n in pairs.items() if n > 1]
    for table, columns in RAW_TABLES.items():
        if table in RECORD_TABLES:
            continue
        key = columns[0][0]
        rows, distinct = con.execute(
            f'select count(*), count(distinct "{key}") from read_parquet(?)',
            [_raw_glob(raw, table)],
        ).fetchone()
        if rows != distinct:
            problems.append(f"raw/{table}: {rows} rows but {distinct} distinct {key}")
        for path in (raw / table).glob("*.parquet"):
            if path.name != "_schema.parquet" and path.stem not in loaded:
                problems.append(f"raw/{table}/{path.name[:12]}... has no manifest entry")
    runs = {row[6] for row in manifest}
    for path in (raw / "quarantine_records").glob("*.parquet"):
        if path.name != "_schema.parquet" and path.stem not in runs:
            problems.append(f"quarantine records of run {path.stem} have no manifest")
    return problems


# ---- permissions and patient identifiers --------------------------------------------------------
def mode_problems(top: Path, *, file_mode: int = 0o600, dir_mode: int = 0o700) -> list[str]:
    """Files and folders under (and including) `top` whose permission bits are not exactly these."""
    problems = []
    for path in [top, *sorted(top.rglob("*"))]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode & 0o777
        expected = dir_mode if path.is_dir() else file_mode
        if mode != expected:
            problems.append(
                f"{path.relative_to(top.parent)}: {oct(mode)} (expected {oct(expected)})"
            )
    return problems


def identifier_pattern(identifiers: Iterable[str]) -> re.Pattern[bytes]:
    """One regex matching any identifier as a whole token (not inside a longer id)."""
    alternatives = "|".join(re.escape(i) for i in sorted(identifiers, key=len, reverse=True) if i)
    return re.compile(rb"(?<![A-Za-z0-9])(?:" + alternatives.encode() + rb")(?![A-Za-z0-9])")


def text_blobs(path: Path) -> Iterable[tuple[str, bytes]]:
    """(where, bytes) of a file; the members of zip containers (xlsx) are opened."""
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield f"{path}!{member}", archive.read(member)
    else:
        yield str(path), data


def phi_hits(pattern: re.Pattern[bytes], blobs: Iterable[tuple[str, bytes]]) -> list[str]:
    """Where any identifier appears (`where: first match`), never the full list of matches."""
    hits = []
    for where, data in blobs:
        found = pattern.search(data)
        if found:
            hits.append(f"{where}: {found.group().decode(errors='replace')}")
    return hits


def files_under(*folders: Path) -> Iterable[tuple[str, bytes]]:
    for folder in folders:
        if folder.is_file():
            yield from text_blobs(folder)
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield from text_blobs(path)


def schema_tables_as_text(db: Path, schemas: Sequence[str]) -> Iterable[tuple[str, bytes]]:
    """Every table of `schemas` in a warehouse, rendered as text (one blob per table)."""
    con = _connect(db)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where list_contains(?, table_schema) order by 1, 2",
            [list(schemas)],
        ).fetchall()
        for schema, table in tables:
            text = con.execute(
                "select coalesce(string_agg(r, chr(10)), '') from "
                f'(select cast(t as varchar) as r from "{schema}"."{table}" as t)'
            ).fetchone()[0]
            yield f"{db.name}:{schema}.{table}", text.encode()
    finally:
        con.close()


# ---- the analyst process ------------------------------------------------------------------------
@dataclass
class ReaderReport:
    """What the reader loop saw: every distinct version signature, how often, and its errors."""

    queries: int
    signatures: dict[tuple, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> ReaderReport:
        data = json.loads(path.read_text())
        return cls(data["queries"], {tuple(s): n for s, n in data["signatures"]}, data["errors"])


def start_reader(db: Path, workdir: Path) -> tuple[subprocess.Popen, Path, Path]:
    """Start the analyst loop on `db`; returns (process, stop file, report file) once it runs."""
    stop, report = workdir / "reader.stop", workdir / "reader.json"
    ready = report.with_suffix(".ready")
    proc = subprocess.Popen(
        [PYTHON, __file__, "reader", str(db), str(stop), str(report)],
        cwd=ROOT,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc, stop, report


def stop_reader(proc: subprocess.Popen, stop: Path, report: Path) -> ReaderReport:
    stop.touch()
    try:
        proc.wait(60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return ReaderReport.load(report)


def _reader_loop(db: str, stop: str, out: str) -> None:
    """Open the published file read-only, fingerprint the version it sees, close; repeat."""
    signatures: dict[tuple, int] = {}
    errors: list[str] = []
    queries = 0
    Path(out).with_suffix(".ready").touch()
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(db, read_only=True)
            try:
                signature = version_signature(con)
            finally:
                con.close()
            signatures[signature] = signatures.get(signature, 0) + 1
        except Exception as exc:  # noqa: BLE001 - the test counts every failure an analyst sees
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
        queries += 1
        time.sleep(0.05)
    Path(out).write_text(
        json.dumps(
            {
                "queries": queries,
                "errors": errors,
                "signatures": [[list(s), n] for s, n in signatures.items()],
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "reader":
        _reader_loop(*sys.argv[2:])
    else:
        sys.exit("usage: reliability_support.py reader DB STOP_FILE OUT_FILE")
