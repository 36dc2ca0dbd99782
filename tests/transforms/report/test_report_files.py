"""The report's files: all written, self-contained HTML, no patient identifier, clear errors."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
import yaml
from report_warehouse import AS_OF, PHI_TOKENS, RUN_ID, build_warehouse

from transforms.report import ReportError, write_report
from transforms.report.definitions import DEFINITIONS
from transforms.settings import PROJECT_ROOT

CHARTS = 6


class _Links(HTMLParser):
    """Collects every tag name and every src/href attribute value of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "data", "poster", "action"):
                self.links.append((tag, name, value or ""))


def test_every_file_is_written_and_listed(report) -> None:
    result, folder = report.result, report.folder
    # THEN the folder is reports/<as-of>/ and holds the page, the workbook and a CSV per table
    assert folder == report.data_dir / "reports" / AS_OF.isoformat()
    assert Path(result["html"]).name == "denial_report.html" and Path(result["html"]).is_file()
    assert Path(result["xlsx"]).name == "denial_report.xlsx" and Path(result["xlsx"]).is_file()
    assert set(result["csv"]) == set(result["tables"])
    assert {p.name for p in folder.glob("*.csv")} == {f"{slug}.csv" for slug in result["tables"]}
    assert not list(folder.glob(".*.tmp"))
    assert result["run_id"] == RUN_ID and result["headline_month"] == "2026-07-01"
    assert result["window"] == {"first_month": "2025-11-01", "last_month": "2026-10-01"}


def test_html_references_no_external_resource(report) -> None:
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(page)
    # THEN no script, no stylesheet link, no frame or image fetched from anywhere
    assert not {"script", "link", "iframe", "img", "object", "embed"} & set(parser.tags)
    # and every link is an anchor within the page
    assert parser.links, "expected the table of contents' anchors"
    assert all(value.startswith("#") for _, _, value in parser.links), parser.links
    assert "@import" not in page and "@font-face" not in page
    assert all(ref.startswith("#") for ref in re.findall(r"url\(\s*['\"]?([^)'\"]*)", page))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)


def test_html_has_every_chart_and_every_section(report) -> None:
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    charts = re.findall(r'<svg class="chart".*?</svg>', page, flags=re.DOTALL)
    assert len(charts) == CHARTS
    assert all("<path" in svg and "<text" in svg for svg in charts)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids must be unique across the inline charts"
    for anchor in (
        "work-queue",
        "health",
        "trend",
        "payers",
        "root-cause",
        "reasons",
        "who",
        "ar",
        "days",
        "quality",
        "definitions",
        "about",
    ):
        assert f'<section id="{anchor}"' in page
    assert "@media print" in page


def test_html_shows_the_mart_numbers(report) -> None:
    page = Path(report.result["html"]).read_text(encoding="utf-8")
    # July (the latest mature month), all payers: 2 of 40 claims initially denied; June: 2 of 20
    assert ">5.0%</div>" in page and "Jun 2026: 10.0%" in page
    assert "-5.0 pp" in page  # the change, in percentage points
    assert ">$750.00<" in page  # coding denials in the window
    assert "Published with warnings (1 check(s))" in page
    assert RUN_ID in page
    # payer names reach the per-payer chart's legend (SVG text, not paths)
    assert "ACME HEALTH" in page and "NORTHWIND MUTUAL" in page


def _texts(folder: Path) -> dict[str, str]:
    """Every report file as text; the workbook's zip members one by one."""
    out = {}
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    out[f"{path.name}:{member}"] = archive.read(member).decode("utf-8", "replace")
        else:
            out[path.name] = path.read_text(encoding="utf-8")
    return out


def test_no_patient_identifier_reaches_any_report_file(report) -> None:
    # GIVEN patient control numbers, encounter ids, row keys, offending values, names, birth
    # dates and member ids in the warehouse the report reads
    texts = _texts(report.folder)
    assert len(texts) > 20
    # THEN none of them appears in any file the report wrote
    for name, content in texts.items():
        for token in PHI_TOKENS:
            assert token.lower() not in content.lower(), f"{token} found in {name}"


def test_rewriting_the_report_gives_the_same_files(tmp_path: Path) -> None:
    # GIVEN a report already written WHEN it is written again from the same warehouse
    data_dir = tmp_path / "data"
    build_warehouse(data_dir)
    first = write_report(data_dir, AS_OF)
    before = {p.name: p.read_bytes() for p in Path(first["report_dir"]).iterdir()}
    second = write_report(data_dir, AS_OF)
    after = {p.name: p.read_bytes() for p in Path(second["report_dir"]).iterdir()}
    # THEN every file is replaced by an identical one (no clock in the output)
    assert before.keys() == after.keys()
    assert [name for name in before if before[name] != after[name]] == []


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        ReportError,
        match=r"analytics\.duckdb: no published warehouse.*"
        r"report\.published_warehouse",
    ):
        write_report(tmp_path / "data", AS_OF)


def test_missing_mart_table_is_named(tmp_path: Path) -> None:
    # GIVEN a published warehouse without rpt_denials
    database = build_warehouse(tmp_path / "data")
    con = duckdb.connect(str(database))
    con.execute("drop table marts.rpt_denials")
    con.close()
    # THEN the error names the file, the table and the rule
    with pytest.raises(
        ReportError,
        match=r"analytics\.duckdb: missing table\(s\) "
        r"marts\.rpt_denials.*report\.required_marts",
    ):
        write_report(tmp_path / "data", AS_OF)


def test_an_empty_warehouse_still_gives_a_complete_report(tmp_path: Path) -> None:
    # GIVEN the mart tables with no rows and no gate results
    build_warehouse(tmp_path / "data", empty=True)
    result = write_report(tmp_path / "data", AS_OF)
    page = Path(result["html"]).read_text(encoding="utf-8")
    # THEN every chart is still there, saying there is nothing to show
    assert len(re.findall(r'<svg class="chart"', page)) == CHARTS
    # denial trend, operations trend, payer panels, root-cause trend
    assert page.count("No data in the report window") == 4
    assert "No denied claim is waiting to be worked." in page
    assert "no headline measures to show" in page
    assert "No gate results recorded" in page
    assert result["headline_month"] is None and result["run_id"] is None
    # the five main root causes (unclassified included) are listed with zeros
    assert result["tables"]["denials_by_root_cause"] == 5
    assert result["tables"]["top_carcs"] == 0


def test_a_run_id_can_be_chosen(tmp_path: Path) -> None:
    # GIVEN gate results of two runs WHEN the report names the older one
    build_warehouse(tmp_path / "data")
    result = write_report(tmp_path / "data", AS_OF, run_id="2026-10-14__20261014T020000")
    failing = (Path(result["report_dir"]) / "quality_failing_checks.csv").read_text()
    # THEN the data-quality section shows that run's checks
    assert "old_run_only_check" in failing and "diagnosis_code_1_billable" not in failing


def test_definitions_cover_every_kpi_column_of_the_mart_yaml() -> None:
    # GIVEN the reporting marts' YAML (the contract the report reads)
    spec = yaml.safe_load(
        (PROJECT_ROOT / "models/marts/reporting/_reporting__models.yml").read_text()
    )
    kpis = next(m for m in spec["models"] if m["name"] == "rpt_kpis_monthly")
    measures = [
        c["name"]
        for c in kpis["columns"]
        if c["name"].endswith(("_rate", "_rate_dollars", "_days_to_payment"))
    ]
    sources = " ".join(d.source for d in DEFINITIONS)
    # THEN every rate and days measure has a definition in the report's glossary
    assert len(measures) >= 8
    assert [m for m in measures if m not in sources] == []


def test_report_date_and_window_follow_the_as_of_argument(tmp_path: Path) -> None:
    build_warehouse(tmp_path / "data")
    result = write_report(tmp_path / "data", dt.date(2026, 9, 30))
    assert result["report_dir"].endswith("reports/2026-09-30")
    assert result["window"]["last_month"] == "2026-09-01"
    assert result["headline_month"] == "2026-07-01"  # August and September are immature
    page = Path(result["html"]).read_text(encoding="utf-8")
    # the warehouse was built as of 2026-10-15: the page says so
    assert "built as of <b>2026-10-15</b>" in page


def _csv(result: dict, slug: str) -> list[dict[str, str]]:
    with (Path(result["report_dir"]) / f"{slug}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_report_for_a_later_month_reads_its_own_window(tmp_path: Path) -> None:
    # GIVEN the warehouse built as of 2026-10-15 WHEN reports are written a month and two years
    # after it (rpt_report_windows holds windows up to a year after the build)
    build_warehouse(tmp_path / "data")
    later = write_report(tmp_path / "data", dt.date(2026, 11, 20))
    much_later = write_report(tmp_path / "data", dt.date(2028, 11, 20))
    # THEN the month-later report covers December 2025 - November 2026 with the denials in it
    assert later["window"] == {"first_month": "2025-12-01", "last_month": "2026-11-01"}
    causes = {r["denial_root_cause"]: r for r in _csv(later, "denials_by_root_cause")}
    assert causes["coding"]["denied_amount"] not in ("0", "0.00")
    # and the report two years on, whose window holds no data, lists every root cause at zero
    # and every days-to-payment bucket empty, not nothing
    assert much_later["tables"]["denials_by_root_cause"] == 5
    assert much_later["tables"]["days_to_payment"] == 7
    assert much_later["tables"]["top_carcs"] == 0
    empty = _csv(much_later, "denials_by_root_cause")
    assert {r["denied_amount"] for r in empty} <= {"0", "0.00"}
