"""Print what a finished run produced and how to look at it (used by `make demo`).

It reports only what it can see on disk: the run summary written by the last stage, the published
warehouse's table counts (opened read-only), and the report files. Anything missing is said so, and
the exit code is non-zero, so the demo never claims success for work that did not happen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from transforms.settings import Paths


def summarize(data_dir: Path, as_of: str) -> tuple[list[str], bool]:
    import duckdb

    paths = Paths(data_dir)
    lines: list[str] = []
    ok = True
    summary_file = paths.reports / as_of / "run_summary.json"
    if summary_file.exists():
        summary = json.loads(summary_file.read_text())
        lines.append(f"run {summary.get('run_id')} as of {summary.get('as_of')} finished")
        ingest = summary.get("ingest") or {}
        totals = ingest.get("totals") if isinstance(ingest, dict) else None
        if totals:
            lines.append(f"  ingest: {json.dumps(totals)}")
    else:
        ok = False
        lines.append(f"MISSING: run summary {summary_file} (the run did not reach its last task)")
    if paths.analytics_db.exists():
        con = duckdb.connect(str(paths.analytics_db), read_only=True)
        try:
            rows = (
                con.table_function("duckdb_tables")
                .filter("schema_name in ('marts', 'audit', 'quality')")
                .order("schema_name, table_name")
                .select("schema_name, table_name, estimated_size")
                .fetchall()
            )
            kpi = (
                con.table("marts.rpt_kpis_monthly")
                .filter("payer_id = 'ALL'")
                .aggregate("sum(claims_adjudicated), sum(claims_initially_denied)")
                .fetchall()[0]
                if any(r[1] == "rpt_kpis_monthly" for r in rows)
                else None
            )
        finally:
            con.close()
        lines.append(f"warehouse (published): {paths.analytics_db}")
        for schema, table, size in rows:
            lines.append(f"  {schema}.{table}: ~{size:,} rows")
        if kpi and kpi[0]:
            lines.append(
                f"  initial denials: {kpi[1]:,} of {kpi[0]:,} adjudicated claims "
                f"({100 * kpi[1] / kpi[0]:.1f}%)"
            )
        lines.append(
            f"  query it: duckdb -readonly {paths.analytics_db} "
            "\"select * from marts.rpt_kpis_monthly where payer_id = 'ALL'\""
        )
        lines.append(f"  or in Python: duckdb.connect('{paths.analytics_db}', read_only=True)")
    else:
        ok = False
        lines.append(f"MISSING: published warehouse {paths.analytics_db}")
    report_dir = paths.reports / as_of
    html = report_dir / "denial_report.html"
    if html.exists():
        lines.append(f"reports: {report_dir}/ (open {html} in a browser; also .xlsx and CSVs)")
    else:
        ok = False
        lines.append(f"MISSING: denial report {html}")
    quality = paths.reports / "quality"
    if quality.exists():
        lines.append(f"data quality (Great Expectations Data Docs): {quality}/")
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--airflow-log", type=Path, default=None)
    args = parser.parse_args(argv)
    lines, ok = summarize(args.data_dir, args.as_of)
    print("\n".join(lines))
    if args.airflow_log:
        print(f"Airflow run log: {args.airflow_log}")
    if not ok:
        print("demo INCOMPLETE: see the MISSING lines above", file=sys.stderr)
        return 1
    print("demo complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
