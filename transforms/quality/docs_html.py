"""Making Great Expectations' Data Docs safe to open: data shown as text, nothing fetched, no script.

GX 1.x writes the sample failing values of a check into its pages unescaped, and its pages load
Bootstrap, jQuery, Vega and fonts from CDNs and a logo from S3. Values in those samples come from
payers (835 codes, names) and from the coding system's extracts, so a `<script>` in a CAS reason
code would run in an analyst's browser. Three layers, applied by `transforms.quality.docs`:

1. Values are HTML-escaped before GX sees them: the example and observed values by
   `transforms.quality.results.Tally` (so the results JSON beside the pages holds `&lt;script&gt;`
   and GX's page shows the value as text), error messages by `escape_values` here.
2. `sanitise_html` rewrites every page GX rendered: each element is re-serialised from a parse
   (text escaped, attribute values quoted), `<script>`, frames, objects, forms and comments are
   dropped, so are `on*` event attributes and any `src`/`href`/`srcset`/... that points to another
   host or uses `javascript:`/`data:` (except images); a Content-Security-Policy meta
   (`CSP`: no script at all, styles, images and fonts from the site only) and a small local
   stylesheet go into `<head>`. A page already carrying the policy is left as it is.
3. GX's index lists results with JavaScript (an empty `<table>` filled from a script); without
   scripts it would be empty, so `write_index` replaces it with a plain page built from the results
   store: one row per stored result (run, suite, status, counts, link) and one link per suite.

Stylesheets GX copies into `static/` are rewritten without `url(http…)`/`@import` of other hosts.
Pure standard library; no network.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from transforms.fsio import write_text

CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
STYLESHEET = "rcm_offline.css"
OFFLINE_CSS = """/* Written by transforms.quality.docs_html: readable Data Docs without Bootstrap. */
body { font-family: sans-serif; margin: 1.5rem; color: #1f2a44; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d9dee5; padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f3f5f8; }
.collapse, .tab-pane, .fade { display: block !important; opacity: 1 !important; }
.cooltip .top { display: none; }
.show-scrollbars { max-width: 40rem; overflow-x: auto; white-space: pre-wrap; }
.fa-check-circle::before { content: "\\2714  passed"; color: #2e7d32; font-style: normal; }
.fa-times::before { content: "\\2718  failed"; color: #c62828; font-style: normal; }
footer { display: none; }
"""

DROPPED_ELEMENTS = frozenset(
    [
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "form",
        "noscript",
        "template",
        "portal",
        "animate",
        "set",
        "animatemotion",
        "animatetransform",
        "plaintext",
        "xmp",
        "noembed",
        "noframes",
    ]
)
"""Elements removed with everything inside them."""

URL_ATTRIBUTES = frozenset(
    [
        "src",
        "href",
        "srcset",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "data",
        "background",
        "cite",
        "longdesc",
        "manifest",
        "ping",
        "lowsrc",
        "dynsrc",
    ]
)
_TAG_NAME = re.compile(r"[a-z][a-z0-9\-]*")
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(
    r"""@import[^;]*;|url\(\s*['"]?\s*(?:[a-z][a-z0-9+.\-]*:|//)[^)]*\)""", re.IGNORECASE
)


def escape_values(value: Any) -> Any:
    """Every string inside `value` (dicts, lists, tuples) HTML-escaped; other values unchanged."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, dict):
        return {k: escape_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escape_values(v) for v in value]
    return value


def _local_url(value: str, *, image: bool) -> bool:
    """Whether a URL stays on the site: relative, or a `#fragment`; `data:` only for images."""
    text = "".join(value.split())  # browsers ignore whitespace inside a scheme ("java\tscript:")
    if text.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    match = _SCHEME.match(text)
    if match is None:
        return True
    return image and match.group(1).lower() == "data" and text[5:].lower().startswith("image/")


def _safe_css(text: str) -> str:
    """CSS without `@import` and without `url(...)` that names a scheme or another host."""
    return _CSS_EXTERNAL.sub(lambda m: "" if m.group(0).startswith("@") else "none", text)


class _Sanitiser(HTMLParser):
    """Re-serialises a page from its parse, keeping only what cannot run or fetch elsewhere."""

    def __init__(self, stylesheet_href: str) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.dropping: list[str] = []  # open dropped elements (their content is skipped)
        self.raw_text: str | None = None  # inside <style>: CSS text, passed through cleaned
        self.stylesheet_href = stylesheet_href
        self.head_done = False

    def _attributes(self, tag: str, attrs: Iterable[tuple[str, str | None]]) -> str | None:
        kept = []
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or not re.fullmatch(r"[a-z_:][a-z0-9_:.\-]*", name):
                continue
            if name == "http-equiv" and tag == "meta":
                return None  # a refresh or an old policy: dropped with its element
            if name == "srcset":
                continue  # a list of URLs: never needed by the site's pages
            if value is not None and name in URL_ATTRIBUTES:
                image = tag == "img" and name in ("src", "srcset")
                if not _local_url(value, image=image):
                    if tag in ("img", "link", "source", "video", "audio", "track", "input"):
                        return None  # the element only exists to fetch that URL
                    continue
            if value is not None and name == "style":
                value = _safe_css(value)
            kept.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
        return "".join(f" {a}" for a in kept)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        if self.dropping:
            if not close and tag in DROPPED_ELEMENTS:
                self.dropping.append(tag)
            return
        if tag in DROPPED_ELEMENTS:
            if not close:
                self.dropping.append(tag)
            return
        if not _TAG_NAME.fullmatch(tag):
            return  # not a tag name a renderer writes: dropped (its content stays, as text)
        hrefs = [v or "" for n, v in attrs if n == "href"]
        if tag == "link" and (not hrefs or hrefs[0].endswith(STYLESHEET)):
            return  # no target, or our own stylesheet (added again after <head>)
        rendered = self._attributes(tag, attrs)
        if rendered is None:
            return
        self.out.append(f"<{tag}{rendered}{' /' if close else ''}>")
        if tag == "head" and not close and not self.head_done:
            self.head_done = True
            self.out.append(CSP_META)
            self.out.append(f'<link rel="stylesheet" href="{html.escape(self.stylesheet_href)}">')
        if tag == "style" and not close:
            self.raw_text = ""

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs, close=False)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs, close=True)

    def handle_endtag(self, tag):
        if not _TAG_NAME.fullmatch(tag):
            return
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in DROPPED_ELEMENTS:
            return
        if tag == "style" and self.raw_text is not None:
            self.out.append(_safe_css(self.raw_text).replace("</", "<\\/"))
            self.raw_text = None
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.dropping:
            return
        if self.raw_text is not None:
            self.raw_text += data
            return
        self.out.append(data.replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name):
        if not self.dropping:
            self.out.append(f"&{name};" if name.isalnum() else f"&amp;{name}")

    def handle_charref(self, name):
        if not self.dropping:
            self.out.append(f"&#{name};" if name.isalnum() else f"&amp;#{name}")

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype"):
            self.out.append("<!DOCTYPE html>")

    # Comments, processing instructions and CDATA sections are dropped.
    def handle_comment(self, data):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


def sanitise_html(page: str, stylesheet_href: str = f"static/styles/{STYLESHEET}") -> str:
    """The page with no script, no event handler, nothing from another host, and the CSP meta."""
    parser = _Sanitiser(stylesheet_href)
    parser.feed(page)
    parser.close()
    text = "".join(parser.out)
    if not parser.head_done:
        text = f"<head>{CSP_META}</head>{text}"
    return text


def is_sanitised(path: Path) -> bool:
    with path.open("rb") as handle:
        return CSP.encode() in handle.read(4096)


def _write(path: Path, text: str) -> None:
    write_text(path, text)


def sanitise_site(site: Path) -> int:
    """Sanitise every page of the site not yet sanitised and every stylesheet; pages rewritten."""
    styles = site / "static" / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    for css in styles.glob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        if _safe_css(text) != text:
            _write(css, _safe_css(text))
    (styles / STYLESHEET).write_text(OFFLINE_CSS, encoding="utf-8")
    rewritten = 0
    for page in sorted(site.rglob("*.html")):
        if page.name.startswith(".") or is_sanitised(page):
            continue
        depth = len(page.relative_to(site).parts) - 1
        href = "../" * depth + f"static/styles/{STYLESHEET}"
        _write(page, sanitise_html(page.read_text(encoding="utf-8", errors="replace"), href))
        rewritten += 1
    return rewritten


def _stored_results(results: Path) -> list[dict[str, Any]]:
    """One record per stored result: `<suite parts>/<run>/<time>/<batch>.json` under `results`."""
    records = []
    for path in results.rglob("*.json"):
        parts = path.relative_to(results).parts
        if len(parts) < 4:
            continue
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        stats = stored.get("statistics") or {}
        records.append(
            {
                "suite": ".".join(parts[:-3]),
                "run_name": parts[-3],
                "run_time": parts[-2],
                "success": stored.get("success"),
                "evaluated": stats.get("evaluated_expectations"),
                "failed": stats.get("unsuccessful_expectations"),
                "page": "/".join(("validations", *parts[:-1], path.stem + ".html")),
            }
        )
    records.sort(key=lambda r: (r["run_time"], r["suite"]), reverse=True)
    return records


def _run_time_text(folder: str) -> str:
    try:
        return dt.datetime.strptime(folder, "%Y%m%dT%H%M%S.%fZ").strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return folder


def _suite_label(page: str) -> str:
    """`expectations/billing_quality/x835_claims.html` -> `billing_quality.x835_claims`."""
    return page.removeprefix("expectations/").removesuffix(".html").replace("/", ".")


def index_html(site: Path, results: Path) -> str:
    """A plain index of the site: every stored validation result, then every expectation suite."""
    e = html.escape
    rows = []
    for r in _stored_results(results):
        status = {True: "Success", False: "Failed"}.get(r["success"], "Unknown")
        counts = f"{r['failed']} of {r['evaluated']} failed" if r["evaluated"] is not None else ""
        link = r["page"] if (site / r["page"]).is_file() else None
        suite = f'<a href="{e(link)}">{e(r["suite"])}</a>' if link else e(r["suite"])
        rows.append(
            f'<tr class="{status.lower()}"><td>{e(_run_time_text(r["run_time"]))}</td>'
            f"<td>{e(r['run_name'])}</td><td>{suite}</td><td>{e(status)}</td>"
            f"<td>{e(counts)}</td></tr>"
        )
    suites = sorted(p.relative_to(site).as_posix() for p in (site / "expectations").rglob("*.html"))
    suite_items = "".join(f'<li><a href="{e(p)}">{e(_suite_label(p))}</a></li>' for p in suites)
    table = (
        "<table><thead><tr><th>Run time</th><th>Run</th><th>Suite</th><th>Status</th>"
        f"<th>Checks</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No validation results stored yet.</p>"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{CSP_META}'
        f'<link rel="stylesheet" href="static/styles/{STYLESHEET}">'
        "<title>Data quality: validation results</title>"
        "<style>tr.failed td { background: #fdecea; }</style></head><body>"
        "<h1>Data quality: validation results</h1>"
        "<p>Gate runs of the nightly pipeline, newest first. Each suite links to its page; "
        "sample failing values are shown as text, identifiers masked. These pages load nothing "
        "from any other host and run no script.</p>"
        f"<h2>Validation results</h2>{table}<h2>Expectation suites</h2><ul>{suite_items}</ul>"
        "</body></html>"
    )


def write_index(site: Path, results: Path) -> Path:
    index = site / "index.html"
    _write(index, index_html(site, results))
    return index


def make_site_safe(site: Path, results: Path) -> Path:
    """Sanitise the site's pages and stylesheets, then write the plain index; returns the index."""
    site.mkdir(parents=True, exist_ok=True)
    index = write_index(site, results)
    sanitise_site(site)
    return index
