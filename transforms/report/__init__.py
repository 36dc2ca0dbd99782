"""The denial report managers open every morning: `write_report(data_dir, as_of)`.

Reads the published warehouse (`warehouse/analytics.duckdb`, read-only: schemas `marts` and
`quality`) and writes `reports/<as-of>/`: `denial_report.html` (one self-contained page: inline CSS
and SVG charts, no script, no URL), one CSV per table and `denial_report.xlsx` (one typed sheet per
table). Aggregates only: no patient identifiers leave the warehouse.

    queries      SQL over the marts -> typed `Table`s (model)
    charts       Tables -> inline SVG (matplotlib)
    htmlpage     Tables + charts -> the HTML page
    workbook     Tables -> XLSX
    writer       write_report: read, render, write files atomically
"""

from transforms.report.errors import ReportError
from transforms.report.writer import write_report

__all__ = ["ReportError", "write_report"]
