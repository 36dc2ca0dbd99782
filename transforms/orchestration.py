"""What the Airflow DAG needs beyond the pipeline stages: the run's as-of date, run id and data dir.

Kept out of `dags/` so the DAG file only wires tasks, and so these rules are unit-tested without a
scheduler. The as-of date is the run's logical date in the schedule's time zone; runs triggered by a
landing event (no logical date in Airflow 3) use the time the run was queued for (`run_after`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transforms import settings

# The asset `landing_watch` updates when files land and `billing_nightly` is scheduled on.
LANDING_ASSET_NAME = "rcm_landing_files"
LANDING_ASSET_URI = "file:///rcm/landing"


def as_of_from_context(context: Mapping[str, Any]) -> dt.date:
    """The run's business date: logical date (or run_after) converted to the schedule's time zone."""
    import pendulum

    moment = context.get("logical_date")
    if moment is None:
        dag_run = context.get("dag_run")
        moment = getattr(dag_run, "run_after", None)
    if moment is None:
        raise ValueError("the Airflow context has neither a logical_date nor a dag_run.run_after")
    return pendulum.instance(moment).in_timezone(settings.schedule_timezone()).date()


def run_id_from_context(context: Mapping[str, Any]) -> str:
    """A filesystem- and SQL-safe run id: as-of date plus the Airflow run id."""
    as_of = as_of_from_context(context)
    raw = str(context.get("run_id") or "manual")
    return f"{as_of.isoformat()}__{re.sub(r'[^A-Za-z0-9_.-]+', '_', raw)[:80]}"


def is_backfill(context: Mapping[str, Any]) -> bool:
    """Whether the run was asked for as a backfill (`airflow backfill create`): the DAG's explicit
    way to rebuild a past as-of date, like `rcm run --backfill`. Scheduled, manual and
    asset-triggered runs are not backfills."""
    dag_run = context.get("dag_run")
    run_type = getattr(dag_run, "run_type", None)
    if run_type is not None:
        return str(getattr(run_type, "value", run_type)) == "backfill"
    return str(context.get("run_id") or "").startswith("backfill__")


def data_dir() -> Path:
    """The data directory of a DAG task; every task calls it first, so it also sets the owner-only
    umask for what the task writes (`settings.apply_umask`)."""
    settings.apply_umask()
    return settings.data_dir(None)
