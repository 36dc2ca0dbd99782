"""Every setting the pipeline reads, in one place.

Every `RCM_*` environment variable the project reads or passes on is declared here, once, as an
`ENV_*` name; the modules that need a value call the accessor below instead of reading the
environment. The README's configuration table documents each name
(`tests/transforms/test_settings.py` checks that the code, this module and the table agree). Paths
are derived from one data directory so a test, the demo and the nightly job can each run on their
own tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from transforms.errors import RcmError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# ---- read by rcm (the accessors below) --------------------------------------------------------
ENV_DATA_DIR = "RCM_DATA_DIR"
ENV_AS_OF = "RCM_AS_OF"  # the CLI's --as-of fallback (transforms/cli.py)
ENV_TIMEZONE = "RCM_TIMEZONE"
ENV_SCHEDULE = "RCM_SCHEDULE"
ENV_MATCH_RATE_MIN = "RCM_MATCH_RATE_MIN"
ENV_TIMELY_FILING_DAYS = "RCM_TIMELY_FILING_DAYS"
ENV_MAX_UNITS = "RCM_MAX_UNITS"
ENV_SEEDS_DIR = "RCM_SEEDS_DIR"
ENV_SETTLE_SECONDS = "RCM_SETTLE_SECONDS"
ENV_MAX_FILE_BYTES = "RCM_MAX_FILE_BYTES"
ENV_PUBLISHED_FILE_MODE = "RCM_PUBLISHED_FILE_MODE"
ENV_INGEST_WORKERS = "RCM_INGEST_WORKERS"
ENV_X12_NATIVE = (
    "RCM_X12_NATIVE"  # 0: every 835 through the Python reader (transforms/x12/native.py)
)
# The dbt engine of `rcm build` and of the DAG's dbt_build task: duckdb (default) or spark.
ENV_ENGINE = "RCM_ENGINE"
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"

# ---- passed on: rcm sets these for the tools it runs, which read them --------------------------
# dbt's profile and sources (profiles.yml, models/staging/**/_*__sources.yml)
ENV_BUILD_DB = "RCM_BUILD_DB"
ENV_RAW_DIR = "RCM_RAW_DIR"
ENV_REF_DIR = "RCM_REF_DIR"
ENV_DUCKDB_MEMORY_LIMIT = "RCM_DUCKDB_MEMORY_LIMIT"
ENV_SPARK_DIR = "RCM_SPARK_DIR"
ENV_SPARK_MASTER = "RCM_SPARK_MASTER"
ENV_SPARK_DRIVER_MEMORY = "RCM_SPARK_DRIVER_MEMORY"
ENV_SPARK_SHUFFLE_PARTITIONS = "RCM_SPARK_SHUFFLE_PARTITIONS"
# Great Expectations' project YAML (expectations/great_expectations.yml)
ENV_QUALITY_DOCS_DIR = "RCM_QUALITY_DOCS_DIR"
ENV_QUALITY_RESULTS_DIR = "RCM_QUALITY_RESULTS_DIR"

# ---- read by the shell side: scripts/airflow-env and the Makefile ------------------------------
ENV_AIRFLOW_HOME = "RCM_AIRFLOW_HOME"
ENV_AIRFLOW_PORT = "RCM_AIRFLOW_PORT"
ENV_RELIABILITY = "RCM_RELIABILITY"  # `make test-reliability`: the long runs of tests/reliability

DEFAULT_SETTLE_SECONDS = 10.0
DEFAULT_MAX_FILE_BYTES = 2 << 30  # 2 GiB
DEFAULT_PUBLISHED_FILE_MODE = "0400"
DEFAULT_TIMELY_FILING_DAYS = 365
DEFAULT_MATCH_RATE_MIN = 0.9
DEFAULT_MAX_UNITS = 999
MAX_DEFAULT_INGEST_WORKERS = 4

DEFAULT_DATA_DIR = "data"
DEFAULT_SCHEDULE = "0 2 * * *"
DEFAULT_TIMEZONE = "UTC"


def env(name: str, default: str | None = None) -> str | None:
    """The raw value of one declared setting (None or `default` when unset)."""
    return os.environ.get(name, default)


# Money is DECIMAL(18,2) everywhere: in Parquet, in DuckDB and in the marts.
MONEY_PRECISION = 18
MONEY_SCALE = 2


def _number(name: str, default: float, kind: type) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise RcmError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise RcmError(f"{name}={raw!r} must not be negative")
    return value


def group_readable() -> bool:
    """Whether files are shared with the data directory's group: the one setting for it is
    RCM_PUBLISHED_FILE_MODE granting group read (0640/0440); owner-only otherwise."""
    raw = os.environ.get(ENV_PUBLISHED_FILE_MODE, DEFAULT_PUBLISHED_FILE_MODE)
    try:
        return bool(int(raw, 8) & 0o040)
    except ValueError:
        return False


def published_file_mode() -> int:
    """Mode of the published file: read-only for the owner by default; `RCM_PUBLISHED_FILE_MODE=0640`
    (or 0440) lets a group of analysts read it (give `warehouse/` that group with the setgid bit so
    new files inherit it). Write bits are always dropped: nobody writes the published file."""
    raw = os.environ.get(ENV_PUBLISHED_FILE_MODE, DEFAULT_PUBLISHED_FILE_MODE)
    try:
        mode = int(raw, 8)
    except ValueError:
        raise RcmError(
            f"{ENV_PUBLISHED_FILE_MODE}={raw!r} is not an octal file mode like 0640"
        ) from None
    if mode & 0o137:
        raise RcmError(
            f"{ENV_PUBLISHED_FILE_MODE}={raw}: only owner read/write and group read are allowed"
        )
    return mode & 0o440


def schedule_timezone() -> str:
    """Time zone of the nightly schedule and of the as-of date (RCM_TIMEZONE)."""
    return os.environ.get(ENV_TIMEZONE, DEFAULT_TIMEZONE)


def schedule_cron() -> str:
    """Cron expression of `billing_nightly` (RCM_SCHEDULE)."""
    return os.environ.get(ENV_SCHEDULE, DEFAULT_SCHEDULE)


def ingest_workers() -> int | None:
    """Processes that read a batch's X12 files (RCM_INGEST_WORKERS, at least 1); None when unset
    (the caller picks from the usable cores). A value that is not a number means 1."""
    raw = (os.environ.get(ENV_INGEST_WORKERS) or "").strip()
    if not raw:
        return None
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def x12_native() -> bool:
    """Whether well-formed 835s are read by the native reader (RCM_X12_NATIVE, default on; `0`
    sends every file through the Python reader, the reference)."""
    return (os.environ.get(ENV_X12_NATIVE) or "1").strip() != "0"


def seeds_dir() -> Path:
    """Where the gates read the code-set seeds (RCM_SEEDS_DIR, default `<repo>/seeds`)."""
    return Path(os.environ.get(ENV_SEEDS_DIR) or PROJECT_ROOT / "seeds")


def timely_filing_days() -> int:
    """Timely-filing window of the billing-quality check (RCM_TIMELY_FILING_DAYS)."""
    return int(_number(ENV_TIMELY_FILING_DAYS, DEFAULT_TIMELY_FILING_DAYS, int))


def match_rate_min() -> float:
    """Remittance-to-claim match rate below which a file and payer are flagged (RCM_MATCH_RATE_MIN)."""
    return float(_number(ENV_MATCH_RATE_MIN, DEFAULT_MATCH_RATE_MIN, float))


def max_units() -> int:
    """Largest plausible units on a coded line (RCM_MAX_UNITS)."""
    return int(_number(ENV_MAX_UNITS, DEFAULT_MAX_UNITS, int))


def apply_umask() -> int:
    """Owner-only files by default for everything this process writes (reports, Data Docs, dbt
    logs, generated landing files); group-readable when the group setting asks for it. Returns the
    umask set."""
    mask = 0o027 if group_readable() else 0o077
    os.umask(mask)
    return mask


def settle_seconds() -> float:
    """A landing file is read only once unchanged for this long (RCM_SETTLE_SECONDS; 0: at once)."""
    return float(_number(ENV_SETTLE_SECONDS, DEFAULT_SETTLE_SECONDS, float))


def max_file_bytes() -> int:
    """Largest landing file ingested (RCM_MAX_FILE_BYTES); bigger ones are refused, not copied."""
    return int(_number(ENV_MAX_FILE_BYTES, DEFAULT_MAX_FILE_BYTES, int))


def engine(value: str | None = None) -> str:
    """The warehouse engine (RCM_ENGINE): `duckdb` or `spark` (dbt-spark on a local pyspark)."""
    chosen = (value or os.environ.get(ENV_ENGINE) or DEFAULT_ENGINE).strip().lower()
    if chosen not in ENGINES:
        raise RcmError(f"{ENV_ENGINE}={chosen!r} is not an engine: use one of {', '.join(ENGINES)}")
    return chosen


def data_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data directory: explicit value, else $RCM_DATA_DIR, else ./data."""
    raw = value if value is not None else os.environ.get(ENV_DATA_DIR, DEFAULT_DATA_DIR)
    return Path(raw).expanduser().resolve()


@dataclass(frozen=True)
class Paths:
    """The folders and files of one data directory (see docs in the README, 'Flow of data')."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def manifest(self) -> Path:
        return self.raw / "_manifest"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def ref(self) -> Path:
        return self.root / "ref"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build.duckdb"

    @property
    def analytics_db(self) -> Path:
        return self.warehouse / "analytics.duckdb"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> Paths:
        """Create the tree; folders that hold patient data (raw, quarantine, warehouse) are
        owner-only (0700), whatever the umask."""
        for folder in (self.landing, self.reports):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in (self.raw, self.quarantine, self.warehouse):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        return self

    def init(self) -> list[Path]:
        """Create the data directory (`rcm init`): the tree of `ensure` plus the landing folders
        the feeds use. Returns the folders that did not exist before, parents first."""
        wanted = [
            self.root,
            self.landing,
            *(self.landing / name for name in LANDING_FOLDERS),
            self.raw,
            self.quarantine,
            self.warehouse,
            self.reports,
        ]
        missing = [folder for folder in wanted if not folder.is_dir()]
        self.root.mkdir(parents=True, exist_ok=True)
        self.ensure()
        for folder in wanted:
            folder.mkdir(parents=True, exist_ok=True)
        return missing


# Where `rcm generate` writes each feed; ingestion recognises files by content, under any name.
LANDING_FOLDERS = ("encounters", "patient_payments", "claims", "remits")


def paths(value: str | os.PathLike[str] | None = None) -> Paths:
    return Paths(data_dir(value))
