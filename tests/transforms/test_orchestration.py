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


@pytest.mark.parametrize(
    ("run_type", "run_id", "expected"),
    [
        ("backfill", "backfill__2026-05-31T02:00:00+00:00", True),
        ("scheduled", "scheduled__2026-05-31T02:00:00+00:00", False),
        ("manual", "manual__2026-05-31T09:13:00+00:00", False),
        ("asset_triggered", "asset_triggered__2026-05-31T09:13:00+00:00", False),
        (None, "backfill__2026-05-31T02:00:00+00:00", True),  # no dag_run: the run id says it
    ],
)
def test_only_an_airflow_backfill_counts_as_a_backfill(run_type, run_id, expected):
    from airflow.utils.types import DagRunType

    from transforms.orchestration import is_backfill

    # GIVEN a run of each type (the enum as Airflow hands it over)
    dag_run = SimpleNamespace(run_type=DagRunType(run_type)) if run_type else None
    # THEN only `airflow backfill create` runs may rebuild a date older than the published one
    assert is_backfill({"dag_run": dag_run, "run_id": run_id}) is expected
