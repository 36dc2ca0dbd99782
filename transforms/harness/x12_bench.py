"""Benchmark: synthesise a large, balanced 835 and time our parser and loader against edi-835-parser.

    python -m transforms.harness.x12_bench --size-mb 100 --workdir /tmp/x12bench [--peer-mb 20]

Writes deterministic balanced 835 files under `<workdir>` (reused when present), then runs each
measurement in its own child process so peak RSS (`ru_maxrss`) belongs to that measurement alone:

- `parse`: tokenize + envelope checks + flatten every transaction set (rows built, not written);
- `load`:  `transforms.ingest.x12_load.load_x12` end to end, Parquet files committed in a temp dir;
- `peer`:  `edi_835_parser.parse(path).to_dataframe()`, the closest PyPI peer (it reads the whole
  file into memory and accepts only one payer, i.e. one transaction set, per file);
- on a `size-mb` file of 200-claim payments and on one a tenth that size (peak RSS must not grow),
  and, for the speed comparison, all three on the same single-payment file of `peer-mb`.

Prints one JSON object: seconds, MB/s, segments/s and peak RSS per measurement, and our speed-up over
the peer. Needs no network; the peers are dev dependencies (uv.lock dev group).

`--child MODE FILE [FILE ...]` runs one measurement over the files in this process and prints its
JSON (seconds and CPU seconds of the measured call, rows, claims, peak RSS): `parse`, `load`, `peer`
(edi-835-parser), `pyx12`, `oxedi` and `oxedi-stream`. `transforms.harness.x12_peers`
(`rcm bench --x12`) runs these as whole processes against oxedi.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

MB = 1_000_000
CLAIMS_PER_TRANSACTION = 200
BYTES_PER_CLAIM = 430  # average size of one generated claim loop (2.5 lines), for sizing
CLAIMS_TABLE = "x835_claims"  # one row per CLP


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    whole, frac = divmod(cents, 100)
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}"


def _transaction(
    rng: random.Random, number: int, claim_base: int, claim_count: int = CLAIMS_PER_TRANSACTION
) -> list[str]:
    """One balanced 835 transaction set (ST..SE) as segment strings without terminators."""
    body: list[str] = []
    claims: list[str] = []
    paid_total = 0
    for c in range(claim_count):
        claim_no = claim_base + c
        lines: list[str] = []
        billed = paid = patient = 0
        for line in range(rng.randint(1, 4)):
            charge = rng.randint(5_000, 50_000)
            allowed = charge * rng.randint(55, 95) // 100
            responsibility = allowed * rng.choice((0, 0, 10, 20)) // 100
            line_paid = allowed - responsibility
            billed, paid, patient = billed + charge, paid + line_paid, patient + responsibility
            lines += [
                f"SVC*HC:992{rng.randint(11, 15)}:25*{_money(charge)}*{_money(line_paid)}**1",
                f"DTM*472*202601{rng.randint(1, 28):02d}",
                f"CAS*CO*45*{_money(charge - allowed)}",
            ]
            if responsibility:
                lines.append(f"CAS*PR*2*{_money(responsibility)}")
            lines += [f"REF*6R*L{claim_no}-{line + 1}", f"AMT*B6*{_money(allowed)}"]
            if rng.random() < 0.1:
                lines.append("LQ*HE*N130")
        paid_total += paid
        claims += [
            (
                f"CLP*PCN{claim_no:09d}*1*{_money(billed)}*{_money(paid)}*{_money(patient)}*12*"
                f"ICN{claim_no:012d}*11*1"
            ),
            f"NM1*QC*1*DOE*JANE****MI*M{claim_no:08d}",
            "NM1*82*1*SMITH*JOHN****XX*1234567893",
            "DTM*232*20260101",
            "DTM*233*20260131",
            *lines,
        ]
    plb = -rng.randint(0, 500)
    body += [
        f"ST*835*{number:09d}",
        (
            f"BPR*I*{_money(paid_total - plb)}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*"
            f"999988880*DA*98765*20260215"
        ),
        f"TRN*1*T{number:09d}*1512345678",
        "REF*EV*RCMBENCH",
        "DTM*405*20260214",
        "N1*PR*BENCH PAYER*XV*12345",
        "N3*1 MAIN ST",
        "N4*ANYTOWN*PA*17111",
        "PER*BL*PAYER SUPPORT*TE*8005551212",
        "N1*PE*BENCH CLINIC*XX*1234567893",
        "REF*TJ*123456789",
        "LX*1",
        *claims,
    ]
    if plb:
        body.append(f"PLB*1234567893*20261231*L6:INTEREST*{_money(plb)}")
    body.append(f"SE*{len(body) + 1}*{number:09d}")
    return body


def synthesize_835(
    path: Path, size_bytes: int, *, seed: int = 835, single_transaction: bool = False
) -> dict[str, int]:
    """Write a balanced 005010X221A1 file of about `size_bytes`; returns its counts.

    Default: one ISA/GS holding as many 200-claim transaction sets (payments) as fit, as a payer's
    daily file looks. `single_transaction=True` puts every claim in one transaction set (one
    payment), the only shape edi-835-parser accepts (it asserts one payer per file).
    """
    rng = random.Random(seed)
    isa = (
        "ISA*00*          *00*          *ZZ*BENCHPAYER     *ZZ*BENCHCLINIC    *260215*1200*^*"
        "00501*000000001*0*P*:~"
    )
    gs = "GS*HP*BENCHPAYER*BENCHCLINIC*20260215*1200*1*X*005010X221A1~"
    transactions = segments = 0
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(isa + gs)
        written = len(isa) + len(gs)
        while written < size_bytes:
            transactions += 1
            claims = (
                max(1, (size_bytes - written) // BYTES_PER_CLAIM)
                if single_transaction
                else CLAIMS_PER_TRANSACTION
            )
            body = _transaction(rng, transactions, transactions * CLAIMS_PER_TRANSACTION, claims)
            text = "~".join(body) + "~"
            out.write(text)
            written += len(text)
            segments += len(body)
            if single_transaction:
                break
        out.write(f"GE*{transactions}*1~IEA*1*000000001~")
    return {"bytes": path.stat().st_size, "transactions": transactions, "segments": segments + 4}


# ---- measurements (each runs in its own process) ------------------------------------------------
def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure_parse(paths: list[Path]) -> dict[str, float]:
    """Tokenize, check and flatten every file (rows built, not written), handing a long set's rows
    over every `FLUSH_SEGMENTS` segments as the loader does."""
    from transforms.ingest.x12_load import FLUSH_SEGMENTS
    from transforms.x12.gcpause import paused_gc
    from transforms.x12.reader import X12Reader

    start, cpu = time.perf_counter(), time.process_time()
    rows = claims = segments = 0
    for path in paths:
        with path.open("rb") as stream, paused_gc():
            reader = X12Reader(
                stream, file_name=path.name, file_sha256="0" * 64, flush_segments=FLUSH_SEGMENTS
            )
            for event in reader:
                if getattr(event, "error", None) is not None:
                    raise SystemExit(f"benchmark file did not parse: {event.error}")
                produced = getattr(event, "rows", {})
                rows += sum(len(r) for r in produced.values())
                claims += len(produced.get(CLAIMS_TABLE, ()))
        segments += reader.segments
    return _timed(start, cpu, segments=segments, rows=rows, claims=claims)


def _timed(start: float, cpu: float, **counts: int) -> dict[str, float]:
    """Wall and CPU seconds since `start` / `cpu` (perf_counter, process_time), with the counts."""
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, **counts}


def _warm_up_arrow() -> None:
    """Pay pyarrow's one-time start-up (lazy imports, kernels) before the clock starts."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from transforms.ingest.schema import arrow_schema, rows_to_batch

    row = (None,) * len(arrow_schema("x837_diagnoses"))  # follows the contract as it grows
    batch = rows_to_batch("x837_diagnoses", [row])
    pq.write_table(
        pa.Table.from_batches([batch], schema=arrow_schema("x837_diagnoses")), io.BytesIO()
    )


def measure_load(paths: list[Path]) -> dict[str, float]:
    """`load_x12` on every file in turn (one process), Parquet committed in a temporary folder."""
    from transforms.ingest.x12_load import load_x12

    _warm_up_arrow()

    start, cpu = time.perf_counter(), time.process_time()
    rows = claims = segments = 0
    with tempfile.TemporaryDirectory() as raw:
        for path in paths:
            sha = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    sha.update(chunk)
            result = load_x12(
                path, file_name=path.name, file_sha256=sha.hexdigest(), raw_dir=Path(raw)
            )
            if result.units_quarantined:
                raise SystemExit("benchmark file had rejected transaction sets")
            segments += result.segments
            rows += sum(result.row_counts.values())
            claims += result.row_counts.get(CLAIMS_TABLE, 0)
    return _timed(start, cpu, segments=segments, rows=rows, claims=claims)


def measure_peer(paths: list[Path]) -> dict[str, float]:
    """edi-835-parser: each file parsed and turned into a DataFrame (one row per service line)."""
    import warnings

    import edi_835_parser

    warnings.simplefilter("ignore")
    start, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for path in paths:
        rows += len(edi_835_parser.parse(str(path)).to_dataframe())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    segments = sum(path.read_bytes().count(b"~") for path in paths)
    return {"seconds": seconds, "cpu_seconds": cpu, "segments": segments, "rows": rows}


def measure_pyx12(paths: list[Path]) -> dict[str, float]:
    """pyx12's X12Reader: segments only (no tables)."""
    import pyx12.x12file

    start, cpu = time.perf_counter(), time.process_time()
    segments = 0
    for path in paths:
        for _ in pyx12.x12file.X12Reader(str(path)):
            segments += 1
    return _timed(start, cpu, segments=segments, rows=0)


def _oxedi_counts(parsed, counts: dict[str, int]) -> None:
    """Add one oxedi result's (or batch's) tables, as pyarrow Tables, to the running counts."""
    import pyarrow as pa

    tables = {name: pa.table(parsed.tables[name]) for name in parsed.tables}
    counts["rows"] += sum(table.num_rows for table in tables.values())
    counts["claims"] += tables["claims"].num_rows
    counts["diagnostics"] += len(parsed.diagnostics)


def _oxedi_measure(batches: Iterator[object]) -> dict[str, float]:
    """Time the conversion of every oxedi result `batches` yields (parsing happens as it yields)."""
    counts = {"rows": 0, "claims": 0, "diagnostics": 0}
    start, cpu = time.perf_counter(), time.process_time()
    for parsed in batches:
        _oxedi_counts(parsed, counts)
    return _timed(start, cpu, **counts)


def measure_oxedi(paths: list[Path]) -> dict[str, float]:
    """oxedi (Rust core): `parse_file`, then every table it projects to a pyarrow Table."""
    import oxedi

    return _oxedi_measure(oxedi.parse_file(path) for path in paths)


def measure_oxedi_stream(paths: list[Path]) -> dict[str, float]:
    """oxedi's streaming reader over a memory-mapped file, one batch per claim loop (2000) closed,
    every batch's tables to pyarrow: its memory-bounded route for one large transaction set."""
    import mmap

    import oxedi

    def batches() -> Iterator[object]:
        for path in paths:
            with (
                path.open("rb") as handle,
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
            ):
                yield from oxedi.stream(mapped, by="2000")

    return _oxedi_measure(batches())


MEASURES = {
    "parse": measure_parse,
    "load": measure_load,
    "peer": measure_peer,
    "pyx12": measure_pyx12,
    "oxedi": measure_oxedi,
    "oxedi-stream": measure_oxedi_stream,
}


def _child(mode: str, path: Path) -> dict[str, float]:
    """Run one measurement in a fresh interpreter; add MB/s, segments/s and peak RSS."""
    out = subprocess.run(
        [sys.executable, "-m", "transforms.harness.x12_bench", "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    size = path.stat().st_size
    result["file_mb"] = round(size / MB, 1)
    result["mb_per_s"] = round(size / MB / result["seconds"], 2)
    result["segments_per_s"] = round(result["segments"] / result["seconds"])
    result["cpu_mb_per_s"] = round(size / MB / result["cpu_seconds"], 2)
    result["seconds"] = round(result["seconds"], 2)
    result["cpu_seconds"] = round(result["cpu_seconds"], 2)
    return result


def run_benchmark(size_mb: float, workdir: Path, peer_mb: float) -> dict[str, object]:
    """Time ours on a `size_mb` file (and a tenth of it, for RSS), and ours vs the peer on the
    same single-payment file of `peer_mb` (the shape and size the peer can take)."""
    workdir.mkdir(parents=True, exist_ok=True)

    def file(mb: float, single: bool = False) -> Path:
        path = workdir / f"bench_{mb:g}mb{'_single' if single else ''}.835"
        if not path.exists():
            synthesize_835(path, int(mb * MB), single_transaction=single)
        return path

    big, small, shared = file(size_mb), file(size_mb / 10), file(peer_mb, single=True)
    results: dict[str, object] = {
        "parse": _child("parse", big),
        "load": _child("load", big),
        "parse_tenth_size": _child("parse", small),
        "peer_same_file": _child("peer", shared),
        "parse_same_file": _child("parse", shared),
        "load_same_file": _child("load", shared),
    }
    peer = results["peer_same_file"]
    assert isinstance(peer, dict)
    for mine in ("parse_same_file", "load_same_file"):
        ours = results[mine]
        assert isinstance(ours, dict)
        results[f"{mine}_speedup_vs_peer"] = round(ours["mb_per_s"] / peer["mb_per_s"], 1)
        results[f"{mine}_cpu_speedup_vs_peer"] = round(
            ours["cpu_mb_per_s"] / peer["cpu_mb_per_s"], 1
        )
    results["python"] = sys.version.split()[0]
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "x12bench")
    parser.add_argument(
        "--peer-mb",
        type=float,
        default=20.0,
        help="size of the single-payment file both parsers read (the peer reads "
        "a file whole and accepts one payer per file)",
    )
    parser.add_argument("--child", nargs="+", metavar="MODE FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, *files = args.child
        result = MEASURES[mode]([Path(f) for f in files])
        result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
        print(json.dumps(result))
        return
    print(json.dumps(run_benchmark(args.size_mb, args.workdir, args.peer_mb), indent=2))


if __name__ == "__main__":
    main()
