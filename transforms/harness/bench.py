"""`rcm bench`: time and peak memory of every stage on generated data sets, with peers beside them.

Each stage runs as its own child process (`rcm <command>`), so its wall time and peak RSS are its
own: the peak comes from `os.wait4`, the kernel's account of that child. Ingestion is measured per
feed by landing the encounter extracts, then the 837s, then the 835s, one `rcm ingest` each.

Peers run in the same invocation on the same bytes: `edi-835-parser` (835 -> DataFrame), pyx12's
X12 reader (segments only), oxedi (Rust core: 835 -> Arrow tables, each to pyarrow), and DuckDB reading every input byte once (the lower bound); ours is
`transforms.x12.inspect.inspect_file` (full parse with envelope checks and balancing).
Results are printed as a Markdown table and written as JSON next to the data.
`rcm bench --x12` runs `transforms.harness.x12_peers` instead: our X12 reading against oxedi on
synthesised 835s (one large payment, a batch, one 100 MB transaction set), as whole processes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from transforms import log
from transforms.harness.x12_peers import run_child
from transforms.settings import PROJECT_ROOT

LOG = log.get_logger("bench")


@dataclass
class Measure:
    size: int
    stage: str
    seconds: float
    peak_rss_mib: float
    input_mib: float | None = None
    note: str = ""

    @property
    def mib_per_s(self) -> float | None:
        if self.input_mib is None or self.seconds <= 0:
            return None
        return self.input_mib / self.seconds


def run_measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run a child; return (wall seconds, peak RSS MiB of that child, exit status).

    The child starts through `x12_peers.run_child`'s small launcher, not from this process: on
    Linux a child's ru_maxrss starts at the high-water RSS of the image it was spawned from, so a
    child spawned from the bench would report at least the bench's own peak."""
    usage = run_child(argv, env=env)
    return usage["wall_s"], usage["peak_rss_mib"], 0


def _size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def machine() -> dict:
    import psutil

    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def _rcm(*args: str) -> list[str]:
    return [sys.executable, "-m", "transforms.cli", *args]


PEER_SNIPPETS = {
    "peer: edi-835-parser (835 -> DataFrame)": (
        "import sys, warnings; warnings.simplefilter('ignore');"
        "import edi_835_parser as p; df = p.parse(sys.argv[1]).to_dataframe(); print(len(df))"
    ),
    "peer: pyx12 X12Reader (segments)": (
        "import sys, glob, pyx12.x12file as x;"
        "n = 0\n"
        "for f in sorted(glob.glob(sys.argv[1] + '/*.835')):\n"
        "    r = x.X12Reader(f)\n"
        "    for seg in r: n += 1\n"
        "print(n)"
    ),
    "peer: oxedi (Rust core; 835 -> every table to pyarrow)": (
        "import sys, glob, oxedi, pyarrow as pa; n = 0\n"
        "for f in sorted(glob.glob(sys.argv[1] + '/*.835')):\n"
        "    r = oxedi.parse_file(f); t = {k: pa.table(r.tables[k]) for k in r.tables}\n"
        "    n += t['claims'].num_rows\n"
        "print(n)"
    ),
    "lower bound: DuckDB reads the bytes once (counts segments)": (
        "import sys, duckdb; c = duckdb.connect();"
        "q = 'select sum(len(string_split(content, chr(126))) - 1) from read_text(?)';"
        "print(c.execute(q, [sys.argv[1] + '/*.835']).fetchone())"
    ),
    "ours: transforms.x12 full parse (inspect)": (
        "import sys, glob; from transforms.x12.inspect import inspect_file;"
        "print(sum(inspect_file(f)['claims'] for f in sorted(glob.glob(sys.argv[1] + '/*.835'))))"
    ),
}


def scan_raw(raw_dir: str | Path) -> int:
    """Read every value of every raw table once with DuckDB (the warehouse's scale: what any full
    rebuild must at least read); print and return the rows read."""
    import duckdb

    con = duckdb.connect(config={"threads": "2"})
    rows = 0
    for folder in sorted(p for p in Path(raw_dir).iterdir() if p.is_dir()):
        files = [str(f) for f in sorted(folder.glob("*.parquet"))]
        if not files:
            continue
        relation = con.read_parquet(files, union_by_name=True)
        touch = ", ".join(f'sum(hash("{column}"))' for column in relation.columns)
        rows += relation.aggregate(f"count(*), {touch}").fetchall()[0][0]
    con.close()
    print(rows)
    return rows


_DATE_TOKEN = re.compile(r"(20\d{6})")


def file_date(path: Path) -> dt.date | None:
    """The first YYYYMMDD in a generated file's name (its delivery date)."""
    match = _DATE_TOKEN.search(path.name)
    return dt.datetime.strptime(match.group(1), "%Y%m%d").date() if match else None


def increment_day(landing: Path, last_service_day: dt.date) -> dt.date:
    """The last day within the service window on which every feed delivered a file: a typical
    night (new encounters, a claim batch and remittances), not the thin tail after the window."""
    days = []
    for kind in ("encounters", "claims", "remits"):
        days.append({d for p in (landing / kind).iterdir() if (d := file_date(p))})
    common = {d for d in set.intersection(*days) if d <= last_service_day}
    if not common:
        raise RuntimeError("no day on which every feed delivered a file")
    return max(common)


def land(src_landing: Path, dst_landing: Path, kind: str, keep) -> float:
    """Hard-link the generated files of one feed that `keep(date)` accepts; return their MiB."""
    total = 0
    (dst_landing / kind).mkdir(parents=True, exist_ok=True)
    for path in sorted((src_landing / kind).iterdir()):
        day = file_date(path)
        if day is not None and keep(day) and not (dst_landing / kind / path.name).exists():
            os.link(path, dst_landing / kind / path.name)
            total += path.stat().st_size
    return total / 2**20


def bench_size(
    size: int,
    work: Path,
    as_of: dt.date,
    start: dt.date,
    days: int,
    peers: bool,
    increment: bool = False,
) -> list[Measure]:
    gen, data = work / f"gen_{size}", work / f"data_{size}"
    for folder in (gen, data):
        shutil.rmtree(folder, ignore_errors=True)
    results: list[Measure] = []

    def measure(
        stage: str,
        argv: list[str],
        input_mib: float | None = None,
        note: str = "",
        env: dict[str, str] | None = None,
    ) -> None:
        seconds, rss, _ = run_measured(argv, env=env or {**os.environ, "RCM_DATA_DIR": str(data)})
        m = Measure(
            size, stage, round(seconds, 2), round(rss, 1), input_mib and round(input_mib, 1), note
        )
        LOG.info("bench %s %s: %.1fs, %.0f MiB", size, stage, seconds, rss)
        results.append(m)

    measure(
        "generate",
        _rcm(
            "generate",
            "--out",
            str(gen),
            "--claims",
            str(size),
            "--start",
            start.isoformat(),
            "--days",
            str(days),
            "--seed",
            "1",
        ),
        note="835 + 837 + encounters",
    )
    landing = data / "landing"
    last_service_day = start + dt.timedelta(days=days - 1)
    cutoff = increment_day(gen / "landing", last_service_day) if increment else None
    if cutoff is not None:
        as_of = cutoff - dt.timedelta(days=1)
    for kind, stage in (
        ("encounters", "ingest encounters"),
        ("claims", "ingest 837"),
        ("remits", "ingest 835"),
    ):
        mib = land(gen / "landing", landing, kind, lambda d: cutoff is None or d < cutoff)
        measure(stage, _rcm("ingest", "--data-dir", str(data)), input_mib=mib)
    as_of_s = as_of.isoformat()
    measure(
        "DuckDB reads every raw table once (every value; scale)",
        [
            sys.executable,
            "-c",
            "import sys; from transforms.harness.bench import scan_raw; scan_raw(sys.argv[1])",
            str(data / "raw"),
        ],
        input_mib=_size_mib(data / "raw"),
    )
    measure("code sets (ICD-10-CM from its package)", _rcm("codesets", "--data-dir", str(data)))
    measure(
        "ingestion gate",
        _rcm("validate", "--gate", "ingestion", "--data-dir", str(data), "--as-of", as_of_s),
    )
    measure("dbt build", _rcm("build", "--data-dir", str(data), "--as-of", as_of_s))
    measure(
        "publish gate",
        _rcm("validate", "--gate", "publish", "--data-dir", str(data), "--as-of", as_of_s),
    )
    measure("publish", _rcm("publish", "--data-dir", str(data)))
    measure("report", _rcm("report", "--data-dir", str(data), "--as-of", as_of_s))
    if cutoff is not None:
        results.extend(bench_increment(size, work, data, gen, cutoff))
    if peers:
        remits = gen / "landing" / "remits"
        mib = _size_mib(remits)
        for name, code in PEER_SNIPPETS.items():
            try:
                measure(name, [sys.executable, "-c", code, str(remits)], input_mib=mib)
            except RuntimeError as exc:
                results.append(
                    Measure(size, name, float("nan"), float("nan"), mib, f"failed: {exc}"[:200])
                )
    return results


def bench_increment(size: int, work: Path, data: Path, gen: Path, day: dt.date) -> list[Measure]:
    """Land one day of new files on the built warehouse and run the real DAG for that night."""
    home = work / f"airflow_{size}"
    shutil.rmtree(home, ignore_errors=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "RCM_DATA_DIR": str(data),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [airflow, "pools", "set", "rcm_warehouse_writer", "1", "one writer"],
        env=env,
        check=True,
        capture_output=True,
    )
    mib = sum(
        land(gen / "landing", data / "landing", kind, lambda d: d == day)
        for kind in ("encounters", "claims", "remits")
    )
    start = time.monotonic()
    seconds, rss, _ = run_measured(
        [airflow, "dags", "test", "billing_nightly", day.isoformat()], env=env
    )
    LOG.info("bench %s nightly increment: %.1fs", size, time.monotonic() - start)
    return [
        Measure(
            size,
            f"nightly increment {day} via airflow dags test (all tasks)",
            round(seconds, 2),
            round(rss, 1),
            round(mib, 1),
            "one day of new files onto the built warehouse",
        )
    ]


def to_markdown(results: list[Measure]) -> str:
    lines = [
        "| claims | stage | seconds | peak RSS (MiB) | input (MiB) | MiB/s | note |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for m in results:
        rate = f"{m.mib_per_s:.1f}" if m.mib_per_s else ""
        lines.append(
            f"| {m.size:,} | {m.stage} | {m.seconds} | {m.peak_rss_mib} | "
            f"{m.input_mib if m.input_mib is not None else ''} | {rate} | {m.note} |"
        )
    return "\n".join(lines)


def run_bench(
    sizes: list[int],
    work: Path,
    as_of: dt.date,
    start: dt.date,
    days: int,
    peers: bool,
    increment: bool = False,
) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    results: list[Measure] = []
    for size in sizes:
        results.extend(bench_size(size, work, as_of, start, days, peers, increment))
        (work / "results.json").write_text(
            json.dumps({"machine": machine(), "results": [asdict(r) for r in results]}, indent=2)
        )
    table = to_markdown(results)
    (work / "results.md").write_text(table + "\n")
    return {"machine": machine(), "table": table, "results_file": str(work / "results.json")}
