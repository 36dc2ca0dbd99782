"""Nightly overheads of the gates: work that grows with the history or is done twice, and is not.

GIVEN gates run over small synthetic batches and a Data Docs site that already has history
WHEN  a gate validates, stores its results and renders its docs
THEN  GX fingerprints each chunk once (not once for a throw-away batch and once more to validate),
      the results store is listed once per gate rather than once per suite, and a gate with
      nothing to store does not re-render the whole site's history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from quality_builders import AS_OF, clean_batch

from transforms.quality import docs as docs_mod
from transforms.quality import run_gate
from transforms.quality.gx_context import import_gx


def test_each_chunk_is_fingerprinted_once(data_dir, seeds, monkeypatch):
    # GIVEN a clean raw batch and a counter on GX's dataframe fingerprint (it hashes every row)
    import_gx()
    from great_expectations.execution_engine import pandas_execution_engine as engine

    clean_batch(data_dir).write()
    calls: list[int] = []
    original = engine.hash_pandas_dataframe

    def counting(df: Any) -> str:
        calls.append(len(df))
        return original(df)

    monkeypatch.setattr(engine, "hash_pandas_dataframe", counting)
    # WHEN the ingestion gate runs
    out = run_gate("ingestion", data_dir, AS_OF, "run-once", seeds_dir=seeds, data_docs=False)
    # THEN GX hashed exactly one frame per validated chunk (one chunk per non-empty frame here),
    # i.e. as many rows as were validated, not twice as many
    assert out["success"] is True
    validated = sum(s["rows_validated"] for s in out["suites"])
    assert validated > 0
    assert sum(calls) == validated


class _Key:
    def __init__(self, suite: str, run: str) -> None:
        self.expectation_suite_identifier = type("S", (), {"name": suite})()
        self.run_id = type("R", (), {"run_name": run})()


class _Store:
    def __init__(self, keys: list[_Key]) -> None:
        self.keys, self.list_calls, self.removed = keys, 0, []

    def list_keys(self) -> list[_Key]:
        self.list_calls += 1
        return list(self.keys)

    def remove_key(self, key: _Key) -> None:
        self.removed.append(key)


class _Context:
    def __init__(self, store: _Store) -> None:
        self.validation_results_store, self.builds = store, []

    def build_data_docs(self, **kwargs: Any) -> None:
        self.builds.append(kwargs)


def test_forget_run_lists_the_store_once_and_drops_only_that_run(tmp_path: Path):
    # GIVEN a store with tonight's earlier attempt of two suites and older runs of the same suites,
    # and the rendered pages of tonight's attempt
    suites = {"billing_quality.x837_claims", "billing_quality.x835_claims"}
    keys = [_Key(s, r) for s in sorted(suites) for r in ("night-1", "night-2", "tonight")]
    keys.append(_Key("coding_quality.encounter_lines", "tonight"))
    store = _Store(keys)
    pages = tmp_path / "reports" / "quality" / "validations" / "billing_quality" / "x837_claims"
    (pages / "tonight").mkdir(parents=True)
    (pages / "night-1").mkdir()
    # WHEN tonight's results of those two suites are forgotten
    docs_mod._forget_run(_Context(store), tmp_path, suites, "tonight")
    # THEN the store was listed once, and exactly tonight's keys of those suites were removed
    assert store.list_calls == 1
    assert sorted(
        (k.expectation_suite_identifier.name, k.run_id.run_name) for k in store.removed
    ) == sorted((s, "tonight") for s in suites)
    # AND tonight's pages are gone, an older night's pages stay
    assert not (pages / "tonight").exists() and (pages / "night-1").is_dir()


def test_nothing_to_store_does_not_rerender_the_site(tmp_path: Path):
    # GIVEN a site that already exists (GX would read "no resources" as "render every page")
    import_gx()
    index = tmp_path / "reports" / "quality" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text("<html></html>")
    context = _Context(_Store([_Key("publish_checks.rpt_kpis_monthly", "night-1")]))
    # WHEN a gate with no validated suite publishes its docs
    out = docs_mod.publish_docs(
        context, tmp_path, run_id="tonight", run_time=dt.datetime(2026, 8, 28, 2), suites={}
    )
    # THEN nothing is built or removed and the existing index is returned
    assert out == index
    assert context.builds == [] and context.validation_results_store.removed == []


def test_nothing_to_store_on_a_new_site_still_builds_an_index(tmp_path: Path):
    # GIVEN no site yet
    import_gx()
    context = _Context(_Store([]))
    # WHEN a gate with no validated suite publishes its docs
    docs_mod.publish_docs(
        context, tmp_path, run_id="tonight", run_time=dt.datetime(2026, 8, 28, 2), suites={}
    )
    # THEN the site is built once (so the summary's index link exists)
    assert len(context.builds) == 1
