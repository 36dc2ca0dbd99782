"""Our 835 reading against oxedi (Rust core, Arrow tables), as whole processes, in one run.

    rcm bench --x12 --work-dir /tmp/x12peers
    python -m transforms.harness.x12_peers --workdir /tmp/x12peers \\
        [--single-mb 32] [--batch-files 10] [--batch-mb 32] [--large-mb 100] [--no-python-peers]

Synthesises (seeded, deterministic; reused when already there) three inputs with
`x12_bench.synthesize_835`:

- `single`: one 835 holding one payment (one transaction set) of `single-mb`;
- `batch`: `batch-files` 835s of `batch-mb` in all, each a payer's daily file of 200-claim payments;
- `large`: one transaction set of `large-mb` (the memory case of issue 19).

Every measurement is a whole child process (interpreter start and imports included), started by a
minimal launcher that reads its `os.wait4` usage: CPU seconds (user + sys, including any worker
processes it reaped), wall seconds and peak RSS (the largest single process: workers are not added
up). Each child also reports the CPU seconds of its measured call alone (`in_call_cpu_s`) and the
claims (CLP rows) it produced, so a peer that silently did nothing shows. Each child's stderr is
kept under `<workdir>/logs/`. Readers:

- ours `load`: `x12_bench --child load`, `load_x12` per file: read, check, flatten, Parquet written;
- ours `parse`: `x12_bench --child parse`, the reader and flatteners only (rows built, not written);
- ours `rcm ingest` (batch only): the real command on a landing folder holding the batch, with its
  worker processes (`RCM_INGEST_WORKERS`, default) and with one process (`RCM_INGEST_WORKERS=1`);
- `oxedi`: `oxedi.parse_file(FILE)`, then every table it projects to `pyarrow.table`;
- `oxedi stream` (large only): `oxedi.stream(mmap, by="2000")`, each batch's tables to pyarrow;
- with python peers (single only): edi-835-parser `parse(FILE).to_dataframe()` and pyx12's
  `X12Reader` (segments only).

`ours/oxedi` is oxedi's CPU seconds divided by the row's, on the same input (above 1: faster than
oxedi). Prints a Markdown table and writes `x12_peers.json` and `x12_peers.md` in the work folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

MB = 1_000_000
SEED = 835
ORDER = ("single", "batch", "large")


@dataclass
class Run:
    input: str  # single / batch / large
    reader: str
    file_mb: float
    claims: int | None
    cpu_s: float
    wall_s: float
    peak_rss_mib: float
    load_average: float
    in_call_cpu_s: float | None = None
    ratio_vs_oxedi: float | None = None
    detail: dict = field(default_factory=dict)

    @property
    def mb_per_cpu_s(self) -> float | None:
        return round(self.file_mb / self.cpu_s, 2) if self.cpu_s > 0 else None


# A minimal interpreter starts each measured child and reads its rusage with wait4. Measuring from
# the bench process itself would be wrong: on Linux a child's ru_maxrss starts at the high-water RSS
# of the memory image it was spawned from (exec records it), so every child would report at least
# the bench's own peak. The launcher's image is a few MiB.
LAUNCHER = """
import json, os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.monotonic()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
with open(report, "w") as out:
    json.dump({"wall_s": wall, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
               "maxrss_kib": usage.ru_maxrss, "exit": os.waitstatus_to_exitcode(status)}, out)
"""


def run_child(argv: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> dict:
    """Run one child to its end through `LAUNCHER`; its CPU (user + sys, reaped descendants
    included), wall time, peak RSS (the kernel's account via wait4) and last stdout line. Output
    goes to files, never a pipe, so a chatty child cannot block on a full pipe; stderr is kept in
    `log` when given."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch) / "usage.json"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report)]
        subprocess.run(launcher + argv, env=env, stdout=out, stderr=err, check=True)
        usage = json.loads(report.read_text())
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(stderr)
    if usage["exit"] != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} ... failed ({usage['exit']}): {stderr[-2000:]}")
    return {
        "cpu_s": usage["user_s"] + usage["sys_s"],
        "user_s": usage["user_s"],
        "sys_s": usage["sys_s"],
        "wall_s": usage["wall_s"],
        "peak_rss_mib": usage["maxrss_kib"] / 1024,  # Linux: KiB
        "stdout": stdout.strip().splitlines()[-1] if stdout.strip() else "",
        "stderr": stderr,
    }


def make_inputs(
    workdir: Path, single_mb: float, batch_files: int, batch_mb: float, large_mb: float
) -> dict[str, list[Path]]:
    """The three inputs, synthesised once (seeded) and reused."""
    from transforms.harness.x12_bench import synthesize_835

    def made(path: Path, size: float, seed: int, single: bool) -> Path:
        if not path.exists():
            part = path.with_suffix(".part")
            synthesize_835(part, int(size * MB), seed=seed, single_transaction=single)
            part.rename(path)
        return path

    workdir.mkdir(parents=True, exist_ok=True)
    batch_dir = workdir / f"batch_{batch_files}x{batch_mb / batch_files:g}mb"
    batch_dir.mkdir(exist_ok=True)
    return {
        "single": [made(workdir / f"single_{single_mb:g}mb.835", single_mb, SEED, True)],
        "batch": [
            made(batch_dir / f"remit_{i:02d}.835", batch_mb / batch_files, SEED + 1 + i, False)
            for i in range(batch_files)
        ],
        "large": [made(workdir / f"single_{large_mb:g}mb.835", large_mb, SEED, True)],
    }


def _bench_child(mode: str, paths: list[Path]) -> list[str]:
    return [sys.executable, "-m", "transforms.harness.x12_bench", "--child", mode, *map(str, paths)]


def _count_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(folder.glob("*.parquet")))


def _ingest(workdir: Path, paths: list[Path], workers: int | None) -> tuple[list[str], dict, Path]:
    """A fresh data folder whose landing holds `paths` (hard links), and the `rcm ingest` call."""
    data = workdir / f"ingest_{'default' if workers is None else workers}_workers"
    shutil.rmtree(data, ignore_errors=True)
    (data / "landing" / "remits").mkdir(parents=True)
    for path in paths:
        os.link(path, data / "landing" / "remits" / path.name)
    env = {**os.environ, "RCM_DATA_DIR": str(data), "RCM_SETTLE_SECONDS": "0"}
    env.pop("RCM_INGEST_WORKERS", None)
    if workers is not None:
        env["RCM_INGEST_WORKERS"] = str(workers)
    argv = [sys.executable, "-m", "transforms.cli", "ingest", "--data-dir", str(data)]
    return argv, env, data


def _plan(
    inputs: dict[str, list[Path]], workdir: Path, python_peers: bool
) -> list[tuple[str, str, list[str], dict | None, Path | None]]:
    """(input, reader, argv, env, data folder of an `rcm ingest`) for every measurement."""
    from transforms.ingest.parallel import worker_count

    plan: list[tuple[str, str, list[str], dict | None, Path | None]] = []
    for name in ORDER:
        paths = inputs[name]
        plan.append(
            (
                name,
                "ours: load (read + flatten + Parquet written)",
                _bench_child("load", paths),
                None,
                None,
            )
        )
        plan.append(
            (
                name,
                "ours: Python reader (the reference), parse only",
                _bench_child("parse", paths),
                None,
                None,
            )
        )
        if name == "batch":
            for workers, label in (
                (None, f"ours: `rcm ingest` ({worker_count()} worker processes)"),
                (1, "ours: `rcm ingest`, RCM_INGEST_WORKERS=1 (one process)"),
            ):
                argv, env, data = _ingest(workdir, paths, workers)
                plan.append((name, label, argv, env, data))
        plan.append(
            (
                name,
                "oxedi: parse_file, every table to pyarrow",
                _bench_child("oxedi", paths),
                None,
                None,
            )
        )
        if name == "large":
            plan.append(
                (
                    name,
                    "oxedi: stream by claim loop (mmap), tables to pyarrow",
                    _bench_child("oxedi-stream", paths),
                    None,
                    None,
                )
            )
        if name == "single" and python_peers:
            plan.append(
                (
                    name,
                    "edi-835-parser 1.8.0: parse, to_dataframe",
                    _bench_child("peer", paths),
                    None,
                    None,
                )
            )
            plan.append(
                (name, "pyx12: X12Reader (segments only)", _bench_child("pyx12", paths), None, None)
            )
    return plan


WORKERS_USED = re.compile(r"read by (\d+) worker process")


def _measure(
    name: str,
    reader: str,
    argv: list[str],
    env: dict | None,
    data: Path | None,
    mb: float,
    log_dir: Path,
) -> Run:
    load = os.getloadavg()[0]
    slug = re.sub(r"[^a-z0-9]+", "_", f"{name} {reader}".lower()).strip("_")[:60]
    child = run_child(argv, env=env, log=log_dir / f"{slug}.log")
    detail = {k: round(v, 3) for k, v in child.items() if k in ("user_s", "sys_s")}
    if (used := WORKERS_USED.search(child["stderr"])) is not None:
        detail["worker_processes"] = int(used.group(1))
    in_call = claims = None
    if data is None:
        reported = json.loads(child["stdout"])
        in_call = round(reported["cpu_seconds"], 2)
        claims = reported.get("claims")
        detail.update(
            {k: reported[k] for k in ("rows", "segments", "diagnostics") if k in reported}
        )
    else:  # `rcm ingest`: the claims it committed to the raw layer
        claims = _count_rows(data / "raw" / "x835_claims")
    return Run(
        name,
        reader,
        round(mb, 2),
        claims,
        round(child["cpu_s"], 2),
        round(child["wall_s"], 2),
        round(child["peak_rss_mib"], 1),
        round(load, 2),
        in_call,
        detail=detail,
    )


def run_peer_benchmark(
    workdir: Path,
    *,
    single_mb: float = 32,
    batch_files: int = 10,
    batch_mb: float = 32,
    large_mb: float = 100,
    python_peers: bool = True,
) -> dict:
    """Every measurement of the module docstring, in one run; returns the table and the results."""
    from transforms.harness.bench import machine

    workdir = Path(workdir)
    inputs = make_inputs(workdir, single_mb, batch_files, batch_mb, large_mb)
    sizes = {name: sum(p.stat().st_size for p in paths) / MB for name, paths in inputs.items()}
    runs: list[Run] = []
    for name, reader, argv, env, data in _plan(inputs, workdir, python_peers):
        runs.append(_measure(name, reader, argv, env, data, sizes[name], workdir / "logs"))
        print(f"{name}: {reader}: {runs[-1].cpu_s} s CPU", file=sys.stderr, flush=True)
    for name in ORDER:
        group = [r for r in runs if r.input == name]
        oxedi = next(r for r in group if r.reader.startswith("oxedi: parse_file"))
        for r in group:
            r.ratio_vs_oxedi = round(oxedi.cpu_s / r.cpu_s, 2) if r.cpu_s > 0 else None
    result = {
        "machine": machine(),
        "commit": _commit(),
        "oxedi": _version("oxedi"),
        "inputs": {
            name: {
                "files": [p.name for p in paths],
                "mb": round(sizes[name], 2),
                "seed": SEED if name != "batch" else [SEED + 1 + i for i in range(len(paths))],
            }
            for name, paths in inputs.items()
        },
        "results": [asdict(r) | {"mb_per_cpu_s": r.mb_per_cpu_s} for r in runs],
    }
    table = to_markdown(runs, inputs)
    (workdir / "x12_peers.json").write_text(json.dumps(result, indent=2) + "\n")
    (workdir / "x12_peers.md").write_text(table + "\n")
    return {"table": table, "runs": runs, "result": result}


INPUT_LABEL = {
    "single": "one payment (1 ST/SE)",
    "batch": "batch",
    "large": "one transaction set",
}


def to_markdown(runs: list[Run], inputs: dict[str, list[Path]]) -> str:
    lines = [
        "| input | reader | MB | claims (CLP) | CPU s (user+sys) | of which in the call | wall s "
        "| MB/s (CPU) | peak RSS (MiB) | ours/oxedi (oxedi CPU ÷ CPU) | load avg |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        files = len(inputs[r.input])
        label = INPUT_LABEL[r.input] + (f", {files} files" if files > 1 else "")
        cells = [
            f"{label}",
            r.reader,
            f"{r.file_mb:g}",
            f"{r.claims:,}" if r.claims is not None else "",
            f"{r.cpu_s:.2f}",
            f"{r.in_call_cpu_s:.2f}" if r.in_call_cpu_s is not None else "",
            f"{r.wall_s:.2f}",
            f"{r.mb_per_cpu_s:.1f}" if r.mb_per_cpu_s is not None else "",
            f"{r.peak_rss_mib:,.0f}",
            f"{r.ratio_vs_oxedi:.2f}" if r.ratio_vs_oxedi is not None else "",
            f"{r.load_average:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "x12peers")
    parser.add_argument("--single-mb", type=float, default=32.0)
    parser.add_argument("--batch-files", type=int, default=10)
    parser.add_argument("--batch-mb", type=float, default=32.0)
    parser.add_argument("--large-mb", type=float, default=100.0)
    parser.add_argument(
        "--no-python-peers",
        dest="python_peers",
        action="store_false",
        help="skip edi-835-parser and pyx12 on the single-payment file",
    )
    args = parser.parse_args(argv)
    out = run_peer_benchmark(
        args.workdir,
        single_mb=args.single_mb,
        batch_files=args.batch_files,
        batch_mb=args.batch_mb,
        large_mb=args.large_mb,
        python_peers=args.python_peers,
    )
    print(out["table"])


if __name__ == "__main__":
    main()
