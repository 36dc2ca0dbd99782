"""`write_report`: read the published warehouse, write the HTML, the CSVs and the workbook.

The warehouse (`<data>/warehouse/analytics.duckdb`) is opened read-only and closed before anything
is rendered. Files go to `<data>/reports/<as-of>/`; each is written beside its final name and
renamed into place, so a reader never sees half a file and a rerun replaces the previous report.
Before writing, every table is checked against a list of patient-identifier column names (rule
report.no_phi): the report holds aggregates only. Text that comes from the data (payer names, file
names, codes) is escaped in the HTML and neutralised in the CSVs and the workbook so that no
spreadsheet reads it as a formula (`transforms.report.formatting.neutralised`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from transforms import log
from transforms.fsio import atomic_path
from transforms.report.errors import ReportError
from transforms.report.formatting import csv_field
from transforms.report.model import ReportData, Table, report_window
from transforms.settings import Paths

LOG = log.get_logger("report")

HTML_NAME = "denial_report.html"
XLSX_NAME = "denial_report.xlsx"
PHI_COLUMN_NAMES = frozenset(
    {
        "claim_id",
        "patient_control_number",
        "encounter_id",
        "encounter_line_id",
        "row_key",
        "offending_value",
        "patient_id",
        "patient_name",
        "patient_first_name",
        "patient_last_name",
        "member_id",
        "subscriber_id",
        "insured_id",
        "birth_date",
        "patient_birth_date",
        "date_of_birth",
        "payer_claim_control_number",
    }
)


# The one claim key a table may carry: the work queue names the claim a biller must work by its
# patient control number (CLM01), nothing else about the patient.
ALLOWED_CLAIM_KEYS = {"denial_work_queue": frozenset({"patient_control_number"})}


def check_no_phi(tables: Sequence[Table]) -> None:
    """Refuse to write a table with a patient-identifier column (rule report.no_phi); the work
    queue alone may show the patient control number."""
    for table in tables:
        allowed = ALLOWED_CLAIM_KEYS.get(table.slug, frozenset())
        leaked = sorted(
            c.name for c in table.columns if c.name in PHI_COLUMN_NAMES and c.name not in allowed
        )
        if leaked:
            raise ReportError(
                f"report table {table.slug}: column(s) {', '.join(leaked)} hold "
                "patient identifiers (rule report.no_phi)"
            )


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: our column names, then one line per row (`csv_field`: text values quoted
    and neutralised against formulas, numbers and dates bare)."""
    lines = [",".join(c.name for c in table.columns)]
    lines += [",".join(csv_field(v) for v in row) for row in table.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _replace_into(target: Path, write: Callable[[Path], None]) -> Path:
    """Write to a temporary file beside `target` with `write`, then rename it over `target`."""
    with atomic_path(target) as tmp:
        write(tmp)
    return target


def read_report_data(database: Path, as_of: dt.date, run_id: str | None = None) -> ReportData:
    """Open the published warehouse read-only and read every table of the report."""
    import duckdb

    from transforms.report.queries import load_report

    if not database.exists():
        raise ReportError(
            f"{database}: no published warehouse (rule report.published_warehouse); "
            "run `rcm publish` first"
        )
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(
            f"{database}: cannot open the published warehouse read-only "
            f"(rule report.published_warehouse): {exc}"
        ) from exc
    try:
        return load_report(con, report_window(as_of), run_id=run_id, database=str(database))
    finally:
        con.close()


def write_report(
    data_dir: Path, as_of: dt.date, run_id: str | None = None, database: Path | None = None
) -> dict:
    """Write denial_report.html, one CSV per table and denial_report.xlsx for the as-of date.

    Reads `<data_dir>/warehouse/analytics.duckdb` (read-only) and writes
    `<data_dir>/reports/<as-of>/`. `run_id` picks the gate run shown under data quality (default:
    the latest run recorded for the as-of date). Returns the paths written and each table's rows.
    """
    from transforms.report.htmlpage import render_html
    from transforms.report.workbook import write_workbook

    paths = Paths(Path(data_dir))
    data = read_report_data(database or paths.analytics_db, as_of, run_id)
    tables = list(data.tables.values())
    check_no_phi(tables)
    out = paths.reports / as_of.isoformat()
    out.mkdir(parents=True, exist_ok=True)

    csv_paths = {}
    for table in tables:
        payload = csv_bytes(table)
        csv_paths[table.slug] = _replace_into(
            out / f"{table.slug}.csv", lambda tmp, payload=payload: tmp.write_bytes(payload)
        )
    sheets = [data.tables["report_info"]] + [t for t in tables if t.slug != "report_info"]
    xlsx = _replace_into(out / XLSX_NAME, lambda tmp: write_workbook(tmp, sheets, as_of))
    page = render_html(data).encode("utf-8")
    html = _replace_into(out / HTML_NAME, lambda tmp: tmp.write_bytes(page))

    LOG.info(
        "report for %s written to %s: %d tables, headline month %s, gates: %s",
        as_of.isoformat(),
        out,
        len(tables),
        data.reporting_month.isoformat() if data.reporting_month else "none",
        data.quality.label,
    )
    return {
        "report_dir": str(out),
        "html": str(html),
        "xlsx": str(xlsx),
        "csv": {slug: str(path) for slug, path in csv_paths.items()},
        "tables": {t.slug: len(t.rows) for t in tables},
        "as_of": as_of.isoformat(),
        "window": {
            "first_month": data.window.first_month.isoformat(),
            "last_month": data.window.last_month.isoformat(),
        },
        "headline_month": data.reporting_month.isoformat() if data.reporting_month else None,
        "run_id": data.quality.run_id,
        "quality": data.quality.label,
    }
