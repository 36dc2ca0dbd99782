"""As-of date and run id derived from the Airflow context, never from the wall clock."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pendulum
import pytest

from transforms.orchestration import as_of_from_context, run_id_from_context


def test_logical_date_is_converted_to_schedule_timezone(monkeypatch):
    monkeypatch.setenv("RCM_TIMEZONE", "America/New_York")
    # 02:00 UTC on 27 Nov is 21:00 on 26 Nov in New York
    ctx = {"logical_date": pendulum.datetime(2026, 11, 27, 2, 0, tz="UTC"), "run_id": "x"}
    assert as_of_from_context(ctx) == dt.date(2026, 11, 26)


def test_asset_triggered_run_uses_run_after(monkeypatch):
    monkeypatch.delenv("RCM_TIMEZONE", raising=False)
    run = SimpleNamespace(run_after=pendulum.datetime(2026, 3, 4, 15, tz="UTC"))
    ctx = {
        "logical_date": None,
        "dag_run": run,
        "run_id": "asset_triggered__2026-03-04T15:00:00+00:00",
    }
    assert as_of_from_context(ctx) == dt.date(2026, 3, 4)
    run_id = run_id_from_context(ctx)
    assert run_id.startswith("2026-03-04__asset_triggered__2026-03-04T15_00_00_00_00")
    assert all(c.isalnum() or c in "_.-" for c in run_id)


def test_missing_dates_raise():
    with pytest.raises(ValueError):
        as_of_from_context({"logical_date": None})
