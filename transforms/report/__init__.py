"""The denial report managers open every morning: `write_report(data_dir, as_of)`.

Reads the published warehouse (`warehouse/analytics.duckdb`, read-only: schemas `marts`, `ref`,
`audit` and `quality`) and writes `reports/<as-of>/`: `denial_report.html` (one self-contained page:
inline CSS and SVG charts, no script, no URL), one CSV per table and `denial_report.xlsx` (one typed
sheet per table). Aggregates only, except the denial work queue, which names each claim to work by
its patient control number and nothing else about the patient.

    queries      SQL over the marts -> typed `Table`s (model)
    actions      the work queue, targets (ref.kpi_targets), payer x root cause, data window
    health       data health (audit) and the gate status of the publishing run (quality)
    charts       Tables -> inline SVG (matplotlib)
    htmlpage     Tables + charts -> the HTML page
    workbook     Tables -> XLSX
    writer       write_report: read, render, write files atomically
"""

from transforms.report.errors import ReportError
from transforms.report.writer import write_report

__all__ = ["ReportError", "write_report"]
