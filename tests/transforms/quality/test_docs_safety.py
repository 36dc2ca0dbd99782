"""Data Docs show hostile data as text, mask identifiers and load nothing from another host.

GIVEN an ingest batch whose payer-controlled and coding-system values carry markup (a CAS reason
code and a procedure code as `<script>`, a diagnosis code as `<img onerror>`), and a remittance for
a patient control number we never billed (an identifier that fails a check)
WHEN the ingestion gate runs with Data Docs
THEN no page holds an element or event handler from the data (the values are visible as text),
every page carries a Content-Security-Policy without scripts and references only the site itself,
the results JSON beside the pages holds no markup and no identifier, and the plain index links
every stored result.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from quality_builders import (
    AS_OF,
    clean_batch,
    encounter_line,
    write_seeds,
    x835_adjustment,
    x835_claim,
)

from transforms.quality.gates import run_gate

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
UNBILLED_PCN = "PCN-SECRET-4242"
PATIENT = "P-SYNTH-1"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.csp: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}.{name}")
            if name in ("src", "href", "srcset", "action", "xlink:href", "poster") and value:
                self.urls.append(value)
            if tag == "meta" and name == "http-equiv" and value == "Content-Security-Policy":
                self.csp.append(dict(attrs).get("content") or "")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    data_dir, seeds = root / "data", write_seeds(root / "seeds")
    batch = clean_batch(data_dir)
    batch.files["encounters.csv"]["encounter_lines"] = [
        encounter_line(1, procedure_code=SCRIPT),
        encounter_line(2, diagnosis_code_1=IMG),
    ]
    batch.files["remit.835"]["x835_adjustments"] = [
        x835_adjustment(n=1, reason_code=SCRIPT),
        x835_adjustment(n=2),
    ]
    batch.files["remit.835"]["x835_claims"] = [x835_claim(pcn=UNBILLED_PCN)]
    batch.write()
    out = run_gate("ingestion", data_dir, AS_OF, "run-hostile", seeds_dir=seeds)
    assert out["data_docs"], out.get("data_docs_error")
    return data_dir / "reports" / "quality"


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10, "expected GX's suite and validation pages"
    return pages


def test_no_page_holds_markup_from_the_data(site: Path):
    for path in _pages(site):
        page = _parse(path)
        # THEN no script, frame or object element and no event handler anywhere
        assert not {"script", "iframe", "object", "embed"} & set(page.tags), path
        assert page.handlers == [], path
    # AND the hostile values are on their pages, as text a reader sees (escaped exactly once)
    encounter = next(site.glob("validations/coding_quality/encounter_lines/**/*.html"))
    adjustments = next(site.glob("validations/billing_quality/x835_adjustments/**/*.html"))
    assert SCRIPT in "".join(_parse(encounter).text)
    assert IMG in "".join(_parse(encounter).text)
    assert SCRIPT in "".join(_parse(adjustments).text)
    assert "&lt;" not in "".join(_parse(encounter).text)


def test_pages_load_nothing_from_another_host(site: Path):
    for path in _pages(site):
        page = _parse(path)
        # THEN every page has a policy that allows no script and fetches from the site only
        assert len(page.csp) == 1, path
        assert "script-src 'none'" in page.csp[0] and "default-src 'none'" in page.csp[0]
        # AND every URL it names is relative to the site or a fragment
        for url in page.urls:
            assert not re.match(r"\s*([a-z][a-z0-9+.\-]*:|//|\\)", url, re.IGNORECASE), (path, url)
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?\s*(https?:|//)", text)


def test_results_json_holds_no_markup_and_no_identifier(site: Path):
    stored = sorted((site / "_results").rglob("*.json"))
    assert stored
    for path in stored:
        text = path.read_text(encoding="utf-8")
        # THEN the stored examples are escaped, and identifiers are not there in clear
        assert "<script" not in text and "<img" not in text, path
        assert UNBILLED_PCN not in text and PATIENT not in text, path
    for path in _pages(site):
        text = path.read_text(encoding="utf-8")
        assert UNBILLED_PCN not in text and PATIENT not in text, path
    # AND the check that failed on the unbilled claim shows a masked example
    claims = json.loads(
        next((site / "_results").glob("billing_quality/x835_claims/**/*.json")).read_text()
    )
    examples = [
        v
        for r in claims["results"]
        for v in (r["result"].get("partial_unexpected_list") or [])
        if r["expectation_config"]["meta"].get("offending_column") == "patient_control_number"
    ]
    assert examples and all(str(v).startswith("***") for v in examples)


def test_index_links_every_stored_result_without_script(site: Path):
    index = _parse(site / "index.html")
    links = {u for u in index.urls if u.startswith("validations/")}
    stored = sorted((site / "_results").rglob("*.json"))
    # THEN one link per stored result, each to a page that exists
    assert len(links) == len(stored) == 9
    assert all((site / link).is_file() for link in links)
    assert "script" not in index.tags and "Failed" in "".join(index.text)
