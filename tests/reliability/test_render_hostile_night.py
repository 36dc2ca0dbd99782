"""A whole night with markup and formulas in payer-controlled and coding-system fields (slow).

GIVEN the generated practice (both nights at once) where one 835 carries `<script>`/`<img onerror>`
as its payer name (N1*PR), a CAS reason code, a remark (LQ/MOA) and an unbilled patient control
number (CLP01), and one encounter extract carries markup and spreadsheet formulas as procedure
codes and a diagnosis code, and every extract names `@SUM(1)` as the coder
WHEN `rcm run` runs the night to the report
THEN nothing a browser renders holds an element or event handler from the data, no Data Docs page
names another host and each carries a no-script Content-Security-Policy, the results JSON holds
no markup and no identifier, and no report CSV or sheet cell starts like a formula.

Reproduce by hand: `rcm generate --out D --claims 150 --start 2026-03-01 --days 20 --seed 11`,
edit the files as `_inject` does, `rcm run --data-dir D --as-of 2026-06-30`, then
`grep -rl '<script>alert' D/reports`.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from reliability_support import AS_OF_2, land, rcm, run_child

from transforms.settings import Paths

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HYPERLINK = '=HYPERLINK("http://x","click")'
AT_SUM = "@SUM(1)"
UNBILLED_PCN = "PCNEVIL0042"
FORMULA_START = ("=", "+", "@", "\t", "\r")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.csp = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}.{name}")
            if name in ("src", "href", "srcset", "action", "xlink:href") and value:
                self.urls.append(value)
        if tag == "meta" and ("http-equiv", "Content-Security-Policy") in attrs:
            self.csp += 1

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _inject(landing: Path) -> None:
    remit = next(p for p in sorted((landing / "remits").glob("*.835")) if "CAS*" in p.read_text())
    text = remit.read_text()
    text = re.sub(r"N1\*PR\*[^*~]*", f"N1*PR*{SCRIPT}", text, count=1)
    text = re.sub(r"CAS\*(\w+)\*\w+\*", rf"CAS*\1*{IMG}*", text, count=1)
    text = re.sub(r"CLP\*[^*]+\*", f"CLP*{UNBILLED_PCN}*", text, count=1)
    text = re.sub(r"(LQ\*HE\*|MOA\*\*\*)[^*~]+", rf"\g<1>{IMG}", text, count=1)
    remit.write_text(text)
    extracts = sorted((landing / "encounters").glob("*.csv"))
    for number, extract in enumerate(extracts):
        rows = list(csv.DictReader(extract.open(newline="", encoding="utf-8")))
        for row in rows:
            row["coder_id"] = AT_SUM  # every denial's coder: reaches denials_by_coder
        if number == 0:
            assert len(rows) >= 3
            rows[0]["procedure_code"] = HYPERLINK
            rows[1]["procedure_code"] = SCRIPT
            rows[2]["diagnosis_code_1"] = IMG
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        extract.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_night(feed, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("render")
    tree = work / "data"
    land(feed, (*feed.night1, *feed.night2), tree)
    _inject(tree / "landing")
    done = run_child(rcm("run", "--data-dir", tree, "--as-of", AS_OF_2), workdir=work / "run")
    # published; 3 when the hostile values got files or rows held back or quarantined
    assert done.returncode in (0, 3), done.stderr[-4000:]
    return tree


def test_data_docs_show_hostile_values_as_text_and_fetch_nothing(hostile_night: Path):
    site = Paths(hostile_night).reports / "quality"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    shown = ""
    for path in pages:
        page = _parse(path)
        assert not {"script", "iframe", "object", "embed"} & set(page.tags), path
        assert page.handlers == [], path
        assert page.csp == 1, path
        assert all(
            not re.match(r"\s*([a-z][a-z0-9+.\-]*:|//)", u, re.IGNORECASE) for u in page.urls
        ), path
        shown += "".join(page.text)
    # THEN the CAS reason code and the encounter's codes are there, as text
    assert IMG in shown and SCRIPT in shown
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)|@import", css.read_text()), css


def test_data_docs_results_hold_no_markup_and_no_identifier(hostile_night: Path, feed):
    site = Paths(hostile_night).reports / "quality"
    secrets = set(feed.identifiers) | {UNBILLED_PCN}
    for path in [*site.rglob("*.json"), *site.rglob("*.html")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            assert "<script" not in text and "<img" not in text, path
        hits = [s for s in secrets if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)]
        assert hits == [], (path, hits[:3])


def test_report_renders_nothing_and_spreadsheets_get_no_formula(hostile_night: Path):
    folder = Paths(hostile_night).reports / AS_OF_2.isoformat()
    page = _parse(folder / "denial_report.html")
    assert not {"script", "img", "iframe"} & set(page.tags) and page.handlers == []
    neutralised = set()
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(FORMULA_START), (path.name, cell)
                    neutralised |= {f for f in (HYPERLINK, AT_SUM) if cell == f"'{f}"}
    assert neutralised, "expected a formula payload to reach a CSV, neutralised"
    workbook = openpyxl.load_workbook(folder / "denial_report.xlsx")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (sheet.title, cell.value)
