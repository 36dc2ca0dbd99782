"""`rcm bench`: time and peak memory of every stage on generated data sets, with peers beside them.

Each stage runs as its own child process (`rcm <command>`), so its wall time and peak RSS are its
own: the peak comes from `os.wait4`, the kernel's account of that child. Ingestion is measured per
feed by landing the encounter extracts, then the 837s, then the 835s, one `rcm ingest` each.

Peers run in the same invocation on the same bytes: `edi-835-parser` (835 -> DataFrame), pyx12's
X12 reader (segments only), and DuckDB reading every input byte once (the lower bound); ours is
`transforms.x12.inspect.inspect_file` (full parse with envelope checks and balancing).
Results are printed as a Markdown table and written as JSON next to the data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from transforms import log

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


def run_measured(argv: list[str], env: dict[str, str] | None = None, timeout: float = 7200) -> tuple[float, float, int]:
    """Run a child; return (wall seconds, peak RSS MiB of that child, exit status)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
        raise RuntimeError(f"{' '.join(argv[:4])}... failed ({proc.returncode}): {err}")
    return seconds, usage.ru_maxrss / 1024, proc.returncode


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
    "lower bound: DuckDB reads the bytes once": (
        "import sys, duckdb; c = duckdb.connect();"
        "print(c.execute('select sum(length(content)) from read_blob(?)', [sys.argv[1] + '/*.835']).fetchone())"
    ),
    "ours: transforms.x12 full parse (inspect)": (
        "import sys, glob; from transforms.x12.inspect import inspect_file;"
        "print(sum(inspect_file(f)['claims'] for f in sorted(glob.glob(sys.argv[1] + '/*.835'))))"
    ),
}


def bench_size(size: int, work: Path, as_of: dt.date, start: dt.date, days: int, peers: bool) -> list[Measure]:
    gen, data = work / f"gen_{size}", work / f"data_{size}"
    for folder in (gen, data):
        shutil.rmtree(folder, ignore_errors=True)
    results: list[Measure] = []

    def measure(stage: str, argv: list[str], input_mib: float | None = None, note: str = "") -> None:
        seconds, rss, _ = run_measured(argv, env={**os.environ, "RCM_DATA_DIR": str(data)})
        m = Measure(size, stage, round(seconds, 2), round(rss, 1), input_mib and round(input_mib, 1), note)
        LOG.info("bench %s %s: %.1fs, %.0f MiB", size, stage, seconds, rss)
        results.append(m)

    measure("generate", _rcm("generate", "--out", str(gen), "--claims", str(size), "--start",
                             start.isoformat(), "--days", str(days), "--seed", "1"),
            note="835 + 837 + encounters")
    landing = data / "landing"
    for kind, stage in (("encounters", "ingest encounters"), ("claims", "ingest 837"), ("remits", "ingest 835")):
        src = gen / "landing" / kind
        shutil.copytree(src, landing / kind, copy_function=os.link)
        measure(stage, _rcm("ingest", "--data-dir", str(data)), input_mib=_size_mib(src))
    as_of_s = as_of.isoformat()
    measure("ingestion gate", _rcm("validate", "--gate", "ingestion", "--data-dir", str(data), "--as-of", as_of_s))
    measure("dbt build", _rcm("build", "--data-dir", str(data), "--as-of", as_of_s))
    measure("publish gate", _rcm("validate", "--gate", "publish", "--data-dir", str(data), "--as-of", as_of_s))
    measure("publish", _rcm("publish", "--data-dir", str(data)))
    measure("report", _rcm("report", "--data-dir", str(data), "--as-of", as_of_s))
    if peers:
        remits = gen / "landing" / "remits"
        mib = _size_mib(remits)
        for name, code in PEER_SNIPPETS.items():
            try:
                measure(name, [sys.executable, "-c", code, str(remits)], input_mib=mib)
            except RuntimeError as exc:
                results.append(Measure(size, name, float("nan"), float("nan"), mib, f"failed: {exc}"[:200]))
    return results


def to_markdown(results: list[Measure]) -> str:
    lines = ["| claims | stage | seconds | peak RSS (MiB) | input (MiB) | MiB/s | note |",
             "|---:|---|---:|---:|---:|---:|---|"]
    for m in results:
        rate = f"{m.mib_per_s:.1f}" if m.mib_per_s else ""
        lines.append(f"| {m.size:,} | {m.stage} | {m.seconds} | {m.peak_rss_mib} | "
                     f"{m.input_mib if m.input_mib is not None else ''} | {rate} | {m.note} |")
    return "\n".join(lines)


def run_bench(sizes: list[int], work: Path, as_of: dt.date, start: dt.date, days: int, peers: bool) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    results: list[Measure] = []
    for size in sizes:
        results.extend(bench_size(size, work, as_of, start, days, peers))
        (work / "results.json").write_text(json.dumps(
            {"machine": machine(), "results": [asdict(r) for r in results]}, indent=2))
    table = to_markdown(results)
    (work / "results.md").write_text(table + "\n")
    return {"machine": machine(), "table": table, "results_file": str(work / "results.json")}
