"""Data Docs render hostile values as text and ask nothing of another host.

GIVEN a batch whose payer- and sender-controlled fields hold markup (a procedure code
      `<script>...`, a modifier `<img src=x onerror=...>`) that the coding checks flag
WHEN  the ingestion gate renders Data Docs
THEN  no page holds an element or event attribute that came from the data (the values show as
      text), no page loads anything from another host, and every page carries a no-script CSP.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from quality_builders import AS_OF, clean_batch, encounter_line

from transforms.quality import run_gate
from transforms.quality.docs import CSP

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def _remote(value: str | None) -> bool:
    return bool(value) and value.strip().lower().startswith(("http:", "https:", "//"))


def test_hostile_values_render_as_text_and_pages_work_offline(data_dir: Path, seeds: Path):
    batch = clean_batch(data_dir)
    batch.add(
        "hostile.csv",
        "encounter_lines",
        [
            encounter_line(21, procedure_code=SCRIPT),
            encounter_line(22, modifier_1=IMG),
        ],
    )
    batch.write()
    run_gate("ingestion", data_dir, AS_OF, "run-hostile", seeds_dir=seeds)
    docs = data_dir / "reports" / "quality"
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) >= 5
    shown = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _Page()
        parser.feed(text)
        # no element, event handler or script that came from the data
        assert not [t for t, a in parser.tags if t == "img" and a.get("src") == "x"], page
        handlers = [v or "" for _, a in parser.tags for k, v in a.items() if k.startswith("on")]
        assert not [h for h in handlers if "alert(" in h], page
        assert "alert(" not in "".join(parser.script_text), page
        # nothing from another host: no script, style sheet, image or form
        for tag, attrs in parser.tags:
            if tag in {"script", "img", "iframe"}:
                assert not _remote(attrs.get("src")), (page, tag, attrs)
            if tag == "link":
                assert not _remote(attrs.get("href")), (page, attrs)
            if tag == "form":
                assert not _remote(attrs.get("action")), (page, attrs)
        assert "url(http" not in text.replace("url('http", "url(http")
        # every page says so to the browser as well
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in text, page
        shown = shown or "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # AND the hostile value is still visible to the reader, as text
    assert shown
