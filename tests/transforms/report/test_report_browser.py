"""The report in a real headless Chromium: it renders, draws every chart, logs no console error.

Needs Debian's `chromium` at /usr/bin/chromium (`make browser` installs it); skipped with a reason
when it is absent. Chromium runs with a fresh profile, no network helpers and no GPU.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
CHARTS = 6

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (run `make browser`)"
    ),
]


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local page with a new profile and nothing reaching out."""
    args = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=90, check=False)


def console_problems(stderr: str) -> list[str]:
    """Lines where the page logged to the console, threw, or failed to load something."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line or "Uncaught" in line or "net::ERR_" in line
    ]


def test_screenshot_of_the_report_is_not_blank(report, tmp_path: Path) -> None:
    # WHEN the report is opened in Chromium at laptop width and a screenshot is taken
    shot = tmp_path / "report.png"
    done = chromium(
        Path(report.result["html"]),
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,2400",
        "--hide-scrollbars",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # THEN the PNG has the window's size and real content: many colours, dark text on white
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2400)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200
    pixels = image.width * image.height
    white = sum(count for count, rgb in colours if min(rgb) >= 245)
    assert 0.05 < 1 - white / pixels < 0.9
    assert console_problems(done.stderr) == []


def test_dom_has_every_chart_drawn_and_no_console_error(report, tmp_path: Path) -> None:
    # WHEN Chromium loads the page and dumps the DOM it built
    done = chromium(Path(report.result["html"]), tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # THEN every chart is an <svg> with drawn marks and text, and nothing was logged
    charts = re.findall(r'<svg class="chart".*?</svg>', dom, flags=re.DOTALL)
    assert len(charts) == CHARTS
    for svg in charts:
        assert len(re.findall(r"<path", svg)) >= 3 and "<text" in svg
    # every table but the definitions (a definition list) is an HTML table
    assert dom.count("<table") == len(report.result["tables"]) - 1
    assert '<dl class="definitions">' in dom
    assert console_problems(done.stderr) == []


def test_console_check_catches_a_failing_page(tmp_path: Path) -> None:
    # GIVEN a page that throws (the check above would be useless if it could not see this)
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>throw new Error('boom')</script>")
    done = chromium(page, tmp_path / "profile", "--dump-dom")
    # THEN its error is reported
    assert any("boom" in line for line in console_problems(done.stderr))
