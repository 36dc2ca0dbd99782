"""Measure the ingestion gate on a large synthetic coded-services batch: time and peak RSS.

    .venv/bin/python -m transforms.harness.gate_bench --rows 1000000 --out /tmp/rcm-gx-bench

Writes `--rows` encounter lines with DuckDB (one raw Parquet file per `--files`, plus the ingest
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

import duckdb

from transforms import raw_schema
from transforms.quality.frames import CHUNK_ROWS

# (clean values, one defective value) per column; the defect lands every n-th row.
_ICD = (["E119", "I10", "J069", "M5450", "Z0000", "R0789", "E785", "K219", "F419", "N390"], "E11")
_ICD_2 = (_ICD[0], "XYZ99")
_CPT = (["99213", "99214", "99203", "36415", "80053", "93000", "J1100", "G0439"], "9921")
_MOD = (["25", "59", "LT", "RT", "26"], "!!")
_POS = (["11", "22", "02", "10"], "AA")
_NPIS = (["1234567893", "1245319599"], "1234567890")


def _pick(values: tuple[list[str], str], expr: str, defect_every: int) -> str:
    """SQL choosing a clean value by `expr`, and the defective one every `defect_every` rows."""
    clean, bad = values
    array = "[" + ", ".join(f"'{v}'" for v in clean) + "]"
    return (
        f"case when i % {defect_every} = 0 then '{bad}' "
        f"else {array}[1 + (({expr}) % {len(clean)})] end"
    )


def synthesise(data_dir: Path, rows: int, files: int) -> list[str]:
    """Write `rows` encounter lines in `files` raw Parquet files and a manifest; return shas."""
    raw = data_dir / "raw"
    (raw / "encounter_lines").mkdir(parents=True, exist_ok=True)
    (raw / "file_manifest").mkdir(parents=True, exist_ok=True)
    types = dict(raw_schema.RAW_TABLES["encounter_lines"])
    con = duckdb.connect()
    shas = []
    per_file = -(-rows // files)
    for f in range(files):
        sha = hashlib.sha256(f"bench-file-{f}".encode()).hexdigest()
        shas.append(sha)
        start, stop = f * per_file, min(rows, (f + 1) * per_file)
        values = {
            "encounter_line_id": f"'{sha[:16]}:' || i",
            "encounter_id": "'E' || (i // 3)",
            "claim_id": "'PCN' || (i // 3)",
            "line_number": "1 + i % 3",
            "line_item_control_number": "'LI' || i",
            "patient_id": "'SYNTH' || (i // 7)",
            "patient_birth_date": "date '1950-01-01' + cast(i % 20000 as integer)",
            "patient_sex": "case when i % 2 = 0 then 'F' else 'M' end",
            "payer_id": "'PAYER' || (i % 6)",
            "payer_name": "'Payer ' || (i % 6)",
            "claim_filing_indicator_code": "'CI'",
            "rendering_npi": _pick(_NPIS, "i // 11", 101),
            "billing_npi": _pick(_NPIS, "i // 13", 103),
            "place_of_service_code": _pick(_POS, "i // 17", 107),
            "service_date": "date '2026-01-01' + cast(i % 180 as integer)",
            "procedure_code": _pick(_CPT, "i * 7", 109),
            "modifier_1": f"case when i % 4 = 0 then {_pick(_MOD, 'i // 4', 113)} end",
            "modifier_2": "null",
            "modifier_3": "null",
            "modifier_4": "null",
            "units": "cast(1 + i % 3 as decimal(9,2))",
            "charge_amount": "cast(50 + (i % 400) as decimal(18,2))",
            "diagnosis_code_1": _pick(_ICD, "i * 3", 127),
            "diagnosis_code_2": f"case when i % 2 = 0 then {_pick(_ICD_2, 'i * 5', 131)} end",
            "diagnosis_code_3": "null",
            "diagnosis_code_4": "null",
            "coder_id": "'coder-' || (i % 25)",
            "coded_at": "timestamp '2026-01-02 09:00:00' + to_seconds(i % 86400)",
            "file_name": f"'bench_{f}.csv'",
            "file_sha256": f"'{sha}'",
            "source_line_number": "i - " + str(start) + " + 2",
        }
        select = ", ".join(f"cast({values[c]} as {types[c]}) as {c}" for c in types)
        target = raw / "encounter_lines" / f"{sha}.parquet"
        con.execute(
            f"copy (select {select} from range({start}, {stop}) as t(i)) "
            f"to '{target}' (format parquet)"
        )
    manifest = raw / "file_manifest" / "bench-ingest.parquet"
    rows_sql = " union all ".join(
        f"select 'bench-ingest' as ingest_run_id, 'bench_{i}.csv' as file_name, '{sha}' as "
        "file_sha256, 'encounters' as file_kind, 0::bigint as size_bytes, "
        "timestamp '2026-06-30 02:00:00' as received_at, timestamp '2026-06-30 02:00:00' as "
        "loaded_at, 'loaded' as status, null::varchar as duplicate_of, 0::bigint as units_in, "
        "0::bigint as units_loaded, 0::bigint as units_quarantined, '{}' as row_counts"
        for i, sha in enumerate(shas)
    )
    con.execute(f"copy ({rows_sql}) to '{manifest}' (format parquet)")
    con.close()
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
