"""`docs_html.sanitise_html`: whatever markup a page holds, what comes out cannot run or fetch.

Each case is a fragment a renderer could emit with a hostile value left unescaped, or that GX's
own templates hold (CDN scripts and stylesheets, a logo from S3, inline scripts).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from transforms.quality.docs_html import CSP, escape_values, sanitise_html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text += data


def _clean(fragment: str) -> _Tags:
    parsed = _Tags()
    parsed.feed(sanitise_html(f"<!DOCTYPE html><html><head></head><body>{fragment}</body></html>"))
    return parsed


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://cdn.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg><script>alert(1)</script><a xlink:href='javascript:alert(1)'>x</a></svg>",
        "<a href='java\tscript:alert(1)'>x</a>",
        "<a href=' JavaScript:alert(1)'>x</a>",
        "<a href='//evil.example/'>x</a>",
        "<iframe src='https://evil.example'></iframe>",
        "<object data='x.swf'></object><embed src='x'>",
        "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
        "<form action='https://evil.example'><input name=a></form>",
        "<div style=\"background:url('https://evil.example/p.png')\">x</div>",
        "<style>@import url(https://evil.example/a.css); b{background:url(//evil.example)}</style>",
        "<link rel=stylesheet href='https://cdn.example/b.css'>",
        "<img src='https://s3.example/logo.png'>",
        "<!--[if IE]><script>alert(1)</script><![endif]-->",
        "<body onload=alert(1)><p onclick='x()'>p</p>",
        "<svg><animate attributeName=href to='javascript:alert(1)'/></svg>",
        "<img src=a.png srcset='a.png 1x, https://evil.example/b.png 2x'>",
        '<a"onmouseover=alert(1)>x</a"onmouseover=alert(1)>',
        "<xmp><img src=x onerror=alert(1)></xmp>",
    ],
)
def test_nothing_runs_and_nothing_is_fetched(fragment: str):
    parsed = _clean(fragment)
    for tag, attrs in parsed.tags:
        assert tag not in {"script", "iframe", "object", "embed", "form", "animate"}
        assert not [name for name in attrs if name.startswith("on")]
        assert not (tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh")
        for name in ("src", "href", "xlink:href", "action", "data", "style"):
            value = "".join((attrs.get(name) or "").split()).lower()
            assert "javascript:" not in value and "//" not in value and "http" not in value
    assert "evil.example" not in sanitise_html(fragment)
    assert "alert" not in sanitise_html(fragment)


def test_text_and_local_structure_survive():
    page = _clean(
        '<h1 class="t">Check &amp; count &lt;5&gt;</h1><a href="#section-1">s</a>'
        '<a href="../../index.html">home</a><table><tr><td>CO-45</td></tr></table>'
        '<img src="../static/images/favicon.ico"><style>td{color:red}</style>'
    )
    assert page.text.startswith("Check & count <5>")
    assert ("a", {"href": "#section-1"}) in page.tags
    assert ("a", {"href": "../../index.html"}) in page.tags
    assert ("img", {"src": "../static/images/favicon.ico"}) in page.tags
    assert "CO-45" in page.text and "td{color:red}" in page.text


def test_policy_meta_is_added_once_and_sanitising_is_idempotent():
    once = sanitise_html("<html><head><title>t</title></head><body><p>x</p></body></html>")
    twice = sanitise_html(once)
    assert once.count(CSP) == 1 and twice.count(CSP) == 1
    assert once == twice


def test_escape_values_escapes_every_string_and_keeps_numbers():
    payload = {
        "partial_unexpected_list": ["<b>", 3, None, ["'\"&"]],
        "observed_value": 0.5,
        "note": "a<b",
    }
    assert escape_values(payload) == {
        "partial_unexpected_list": ["&lt;b&gt;", 3, None, ["&#x27;&quot;&amp;"]],
        "observed_value": 0.5,
        "note": "a&lt;b",
    }
