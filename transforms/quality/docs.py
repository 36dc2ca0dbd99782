"""Data Docs for a gate run: one validation result per GX suite, summed over its chunks.

The chunk-level GX results are never stored (with result format COMPLETE they hold every unexpected
row). Instead each suite gets one result assembled from the tallies, with counts, percentages and
at most 20 example values, stored in the context's validation-results store under the run id and
rendered by the context into `<data_dir>/reports/quality/` (`index.html`). Re-running a run id
replaces its results and pages.

Example values come from payer- and sender-controlled fields, and GX's templates write them into
the pages as they are: `Tally` HTML-escapes them before they reach GX (and masks identifiers, see
`transforms.phi`), so the results JSON in `_results/` holds them escaped too; an error message
shown on a page is escaped here. After GX has rendered, `transforms.quality.docs_html` makes the
site safe to open offline: every new page is re-serialised without scripts, event handlers or
anything from another host (GX's CDN scripts, style sheets, fonts, logo) under a
Content-Security-Policy that runs no script, GX's stylesheets lose their remote `url()`s, and GX's
index (a table filled by a script, empty without one) is replaced by a plain page listing every
stored result.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from transforms.quality.docs_html import CSP, escape_values, make_site_safe
from transforms.quality.gx_context import DOCS_SITE_NAME, docs_dir, results_dir
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
                result=tally.merged_result_payload(),  # examples escaped by Tally
                exception_info={
                    "raised_exception": bool(tally.errors),
                    "exception_message": escape_values("; ".join(tally.errors)) or None,
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
    """Forget the stored results and rendered pages of an earlier attempt of the same run id.

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
        return make_site_safe(docs_dir(data_dir), results_dir(data_dir))
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
    return make_site_safe(docs_dir(data_dir), results_dir(data_dir))


__all__ = ["CSP", "publish_docs"]
