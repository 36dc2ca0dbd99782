"""The warehouse engine is a setting (RCM_ENGINE): duckdb by default, spark on request.

GIVEN RCM_ENGINE=spark WHEN the nightly stages that read the DuckDB build database run (publish
gate, publish, report) THEN each returns `skipped` and touches nothing, so a Spark night can never
publish a stale DuckDB warehouse; the build stage passes the engine on; an unknown engine is refused
in one sentence.
"""

from __future__ import annotations

import datetime as dt

import pytest

from transforms import settings
from transforms.errors import RcmError

AS_OF = dt.date(2026, 6, 30)


def test_engine_defaults_to_duckdb_and_refuses_unknown_names(monkeypatch):
    monkeypatch.delenv(settings.ENV_ENGINE, raising=False)
    assert settings.engine() == "duckdb"
    monkeypatch.setenv(settings.ENV_ENGINE, " Spark ")
    assert settings.engine() == "spark"
    monkeypatch.setenv(settings.ENV_ENGINE, "trino")
    with pytest.raises(RcmError, match="RCM_ENGINE='trino' is not an engine"):
        settings.engine()


def test_duckdb_only_stages_are_skipped_on_spark(monkeypatch, tmp_path):
    from transforms import pipeline

    monkeypatch.setenv(settings.ENV_ENGINE, "spark")
    assert "skipped" in pipeline.stage_gate("publish", tmp_path, AS_OF, run_id="r1")
    assert "skipped" in pipeline.stage_publish(tmp_path, as_of=AS_OF)
    assert "skipped" in pipeline.stage_report(tmp_path, AS_OF, run_id="r1")
    assert not (tmp_path / "warehouse" / "analytics.duckdb").exists()
    assert not (tmp_path / "reports").exists()


def test_the_build_stage_passes_the_engine_on(monkeypatch, tmp_path):
    from transforms import pipeline, warehouse

    seen = {}

    def fake_build(data_dir, as_of, **kwargs):
        seen.update(kwargs)
        return {"engine": kwargs.get("engine")}

    monkeypatch.setattr(warehouse, "build", fake_build)
    monkeypatch.setenv(settings.ENV_ENGINE, "spark")
    assert pipeline.stage_build(tmp_path, AS_OF) == {"engine": "spark"}
    monkeypatch.setenv(settings.ENV_ENGINE, "duckdb")
    pipeline.stage_build(tmp_path, AS_OF)
    assert seen["engine"] == "duckdb"


def test_rcm_build_refuses_an_unknown_engine(tmp_path):
    from click.testing import CliRunner

    from transforms.cli import main

    result = CliRunner().invoke(
        main, ["build", "--data-dir", str(tmp_path), "--as-of", "2026-06-30", "--engine", "x"]
    )
    assert result.exit_code == 2 and "x" in result.output
