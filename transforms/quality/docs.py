"""Data Docs for a gate run: one validation result per GX suite, summed over its chunks.

The chunk-level GX results are never stored (with result format COMPLETE they hold every unexpected
row). Instead each suite gets one result assembled from the tallies, with counts, percentages and
at most 20 example values, stored in the context's validation-results store under the run id and
rendered by the context into `<data_dir>/reports/quality/` (`index.html`). Re-running a run id
replaces its results and pages.

Example values come from payer- and sender-controlled fields, and GX's templates write them into
the pages as they are: `Tally` HTML-escapes them before they reach GX (and masks identifiers), and
`make_offline` rewrites every page so that it asks nothing of another host -- GX's CDN scripts,
style sheets, fonts and logo are removed -- and carries a Content-Security-Policy that runs no
script at all. The pages stay readable: GX renders their content as HTML tables on our side.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from transforms.quality.gx_context import DOCS_SITE_NAME, docs_dir
from transforms.quality.results import Tally


def _suite_result(
    gx_suite: str, tallies: Sequence[Tally], configs: dict[str, Any], meta: dict[str, Any]
) -> Any:
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

    results = []
    for tally in tallies:
        config = configs.get(tally.check)
        if config is None:  # synthetic failure: not a GX expectation, not in the docs
            continue
        results.append(
            ExpectationValidationResult(
                success=tally.success,
                expectation_config=config,
                result=tally.merged_result_payload(),
                exception_info={
                    "raised_exception": bool(tally.errors),
                    "exception_message": "; ".join(tally.errors) or None,
                    "exception_traceback": None,
                },
            )
        )
    evaluated = len(results)
    successful = sum(1 for r in results if r.success)
    return ExpectationSuiteValidationResult(
        success=successful == evaluated,
        results=results,
        suite_name=gx_suite,
        statistics={
            "evaluated_expectations": evaluated,
            "successful_expectations": successful,
            "unsuccessful_expectations": evaluated - successful,
            "success_percent": 100.0 * successful / evaluated if evaluated else None,
        },
        meta=meta,
    )


def _forget_run(context: Any, data_dir: Path, gx_suites: Collection[str], run_id: str) -> None:
    """Drop stored results and rendered pages of an earlier attempt of the same run id.

    The results store is listed once for all suites (listing parses every stored key, so its cost
    grows with the history: once per gate, not once per suite)."""
    store = context.validation_results_store
    for key in list(store.list_keys()):
        if key.run_id.run_name == run_id and key.expectation_suite_identifier.name in gx_suites:
            store.remove_key(key)
    for gx_suite in gx_suites:
        pages = docs_dir(data_dir) / "validations" / Path(*gx_suite.split(".")) / run_id
        shutil.rmtree(pages, ignore_errors=True)


def publish_docs(
    context: Any,
    data_dir: Path,
    *,
    run_id: str,
    run_time: dt.datetime,
    suites: dict[str, tuple[list[Tally], dict[str, Any], dict[str, Any]]],
) -> Path:
    """Store one result per GX suite (tallies, configs by check, meta), then build the docs.

    With no suite to store (every frame skipped or unreadable) nothing is rendered once the site
    exists: GX reads an empty list of resources as "all of them" and would re-render every past
    validation.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    index = docs_dir(data_dir) / "index.html"
    if not suites and index.is_file():
        return index
    gx_run_id = RunIdentifier(run_name=run_id, run_time=run_time.replace(tzinfo=dt.UTC))
    rendered: list[Any] = []
    _forget_run(context, data_dir, set(suites), run_id)
    for gx_suite, (tallies, configs, meta) in suites.items():
        meta = {**meta, "run_id": gx_run_id, "validation_time": gx_run_id.run_time}
        result = _suite_result(gx_suite, tallies, configs, meta)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=gx_suite),
            run_id=gx_run_id,
            batch_identifier=gx_suite.partition(".")[2],
        )
        context.validation_results_store.set(key, result)
        rendered += [key, ExpectationSuiteIdentifier(name=gx_suite)]
    # Render this run's pages only (history is not re-rendered every night); the index lists all.
    context.build_data_docs(site_names=[DOCS_SITE_NAME], resource_identifiers=rendered)
    make_offline(docs_dir(data_dir))
    return index


# No script, no request to another host; inline styles only (GX's pages carry their own).
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; base-uri 'none'; form-action 'none'"
)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
_EXTERNAL = r"""["']?(?:https?:)?//[^"'\s>)]*["']?"""
_REMOTE_TAGS = (
    re.compile(rf"<script\b[^>]*\bsrc\s*=\s*{_EXTERNAL}[^>]*>\s*</script\s*>", re.IGNORECASE),
    re.compile(rf"<link\b[^>]*\bhref\s*=\s*{_EXTERNAL}[^>]*>", re.IGNORECASE),
    re.compile(rf"<img\b[^>]*\bsrc\s*=\s*{_EXTERNAL}[^>]*>", re.IGNORECASE),
    re.compile(
        rf"<form\b[^>]*\baction\s*=\s*{_EXTERNAL}[^>]*>.*?</form\s*>", re.IGNORECASE | re.DOTALL
    ),
    re.compile(rf"url\(\s*{_EXTERNAL}\s*\)", re.IGNORECASE),
)


def offline_page(text: str) -> str:
    """One Data Docs page without any request to another host, under a no-script CSP."""
    for pattern in _REMOTE_TAGS:
        text = pattern.sub(lambda m: "none" if m.group(0).lower().startswith("url(") else "", text)
    if _CSP_META not in text:
        text = re.sub(
            r"<head\b[^>]*>", lambda m: m.group(0) + _CSP_META, text, count=1, flags=re.IGNORECASE
        )
    return text


def make_offline(folder: Path) -> int:
    """Rewrite every HTML page under `folder` with `offline_page`; return how many changed."""
    changed = 0
    for page in folder.rglob("*.html"):
        before = page.read_text(encoding="utf-8")
        after = offline_page(before)
        if after != before:
            tmp = page.with_name(page.name + ".tmp")
            tmp.write_text(after, encoding="utf-8")
            tmp.replace(page)
            changed += 1
    return changed
