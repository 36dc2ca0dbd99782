"""Measure the ingestion gate on a large synthetic coded-services batch: time and peak RSS.

    .venv/bin/python -m transforms.harness.gate_bench --rows 1000000 --out /tmp/rcm-gx-bench

Writes `--rows` encounter lines with pyarrow (one raw Parquet file per `--files`, plus the ingest
run's manifest), about 5% of them with one coding defect, then runs `run_gate("ingestion", ...)`
in this process and prints one JSON line: rows, files, chunk size, seconds to synthesise, seconds
for the gate, peak RSS (MiB, whole process: GX import included), checks failed, rows flagged.
Synthetic values only (no patient data); the 837/835 suites are not exercised here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from transforms.quality.frames import CHUNK_ROWS
from transforms.raw.arrow import arrow_schema

# (clean values, one defective value) per column; the defect lands every n-th row.
_ICD = (["E119", "I10", "J069", "M5450", "Z0000", "R0789", "E785", "K219", "F419", "N390"], "E11")
_ICD_2 = (_ICD[0], "XYZ99")
_CPT = (["99213", "99214", "99203", "36415", "80053", "93000", "J1100", "G0439"], "9921")
_MOD = (["25", "59", "LT", "RT", "26"], "!!")
_POS = (["11", "22", "02", "10"], "AA")
_NPIS = (["1234567893", "1245319599"], "1234567890")


def _text(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pa.array(numbers).cast(pa.string()), "")


def _pick(values: tuple[list[str], str], key: np.ndarray, i: np.ndarray, defect_every: int):
    """A clean value chosen by `key`, and the defective one every `defect_every` rows."""
    clean, bad = values
    chosen = pa.array(clean).take(pa.array(key % len(clean)))
    return pc.if_else(pa.array(i % defect_every == 0), bad, chosen)


def _some(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """`values` where `mask`, null elsewhere."""
    return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))


def _encounter_lines(i: np.ndarray, sha: str, file_index: int, start: int) -> dict[str, object]:
    n = len(i)
    return {
        "encounter_line_id": _text(f"{sha[:16]}:", i),
        "encounter_id": _text("E", i // 3),
        "claim_id": _text("PCN", i // 3),
        "line_number": 1 + i % 3,
        "line_item_control_number": _text("LI", i),
        "patient_id": _text("SYNTH", i // 7),
        "patient_birth_date": np.datetime64("1950-01-01") + (i % 20000).astype("timedelta64[D]"),
        "patient_sex": np.where(i % 2 == 0, "F", "M"),
        "payer_id": _text("PAYER", i % 6),
        "payer_name": _text("Payer ", i % 6),
        "claim_filing_indicator_code": ["CI"] * n,
        "rendering_npi": _pick(_NPIS, i // 11, i, 101),
        "billing_npi": _pick(_NPIS, i // 13, i, 103),
        "place_of_service_code": _pick(_POS, i // 17, i, 107),
        "service_date": np.datetime64("2026-01-01") + (i % 180).astype("timedelta64[D]"),
        "procedure_code": _pick(_CPT, i * 7, i, 109),
        "modifier_1": _some(i % 4 == 0, _pick(_MOD, i // 4, i, 113)),
        "units": 1 + i % 3,
        "charge_amount": 50 + i % 400,
        "diagnosis_code_1": _pick(_ICD, i * 3, i, 127),
        "diagnosis_code_2": _some(i % 2 == 0, _pick(_ICD_2, i * 5, i, 131)),
        "coder_id": _text("coder-", i % 25),
        "coded_at": np.datetime64("2026-01-02T09:00:00") + (i % 86400).astype("timedelta64[s]"),
        "file_name": [f"bench_{file_index}.csv"] * n,
        "file_sha256": [sha] * n,
        "source_line_number": i - start + 2,
    }


def _cast(values: pa.Array, to: pa.DataType) -> pa.Array:
    # whole numbers reach a decimal through their text: Arrow refuses int64 -> decimal(9, 2),
    # whatever the values, since an int64 may have 19 digits
    if pa.types.is_decimal(to) and pa.types.is_integer(values.type):
        values = values.cast(pa.string())
    return values.cast(to)


def _table(name: str, columns: dict[str, object], rows: int) -> pa.Table:
    """The raw table `name` (its exact schema); columns not given are null."""
    schema = arrow_schema(name)
    arrays = [
        _cast(pa.array(columns[field.name]), field.type)
        if field.name in columns
        else pa.nulls(rows, field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def synthesise(data_dir: Path, rows: int, files: int) -> list[str]:
    """Write `rows` encounter lines in `files` raw Parquet files and a manifest; return shas."""
    raw = data_dir / "raw"
    (raw / "encounter_lines").mkdir(parents=True, exist_ok=True)
    (raw / "file_manifest").mkdir(parents=True, exist_ok=True)
    shas = []
    per_file = -(-rows // files)
    for f in range(files):
        sha = hashlib.sha256(f"bench-file-{f}".encode()).hexdigest()
        shas.append(sha)
        start, stop = f * per_file, min(rows, (f + 1) * per_file)
        i = np.arange(start, stop, dtype=np.int64)
        table = _table("encounter_lines", _encounter_lines(i, sha, f, start), len(i))
        pq.write_table(table, raw / "encounter_lines" / f"{sha}.parquet")
    loaded = dt.datetime(2026, 6, 30, 2, 0)
    manifest = {
        "ingest_run_id": ["bench-ingest"] * files,
        "file_name": [f"bench_{f}.csv" for f in range(files)],
        "file_sha256": shas,
        "file_kind": ["encounters"] * files,
        "size_bytes": [0] * files,
        "received_at": [loaded] * files,
        "loaded_at": [loaded] * files,
        "status": ["loaded"] * files,
        "units_in": [0] * files,
        "units_loaded": [0] * files,
        "units_quarantined": [0] * files,
        "row_counts": ["{}"] * files,
    }
    pq.write_table(
        _table("file_manifest", manifest, files), raw / "file_manifest" / "bench-ingest.parquet"
    )
    return shas


def main() -> None:  # pragma: no cover - measurement command
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    parser.add_argument("--out", type=Path, default=Path("/tmp/rcm-gx-bench"))
    parser.add_argument("--docs", action="store_true", help="also build Data Docs")
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    clock = time.monotonic()
    synthesise(args.out, args.rows, args.files)
    synth_seconds = time.monotonic() - clock

    from transforms.quality import run_gate

    clock = time.monotonic()
    try:
        out = run_gate(
            "ingestion",
            args.out,
            dt.date(2026, 6, 30),
            "bench",
            chunk_rows=args.chunk_rows,
            data_docs=args.docs,
        )
        failed = len(out["failures"]) + len(out["warnings"])
        flagged = out["row_failures"]
    except Exception as exc:  # noqa: BLE001 - report the figure even when the gate says no
        failed, flagged = f"raised {type(exc).__name__}", None
    gate_seconds = time.monotonic() - clock
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": args.rows,
                "files": args.files,
                "chunk_rows": args.chunk_rows,
                "synthesise_seconds": round(synth_seconds, 1),
                "gate_seconds": round(gate_seconds, 1),
                "peak_rss_mib": round(peak_mib),
                "checks_failed": failed,
                "rows_flagged": flagged,
            }
        )
    )


if __name__ == "__main__":  # pragma: no cover
    main()
