"""The DAG's as-of guard: a run older than the published warehouse is refused at its first task,
and an Airflow backfill publishes beside the current warehouse, never over it.

Each task's callable runs as the DAG defines it, with the run's data directory, as-of date and run
type handed in where the task would read them from its Airflow context.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from transforms.publish import publish
from transforms.raw import built_as_of
from transforms.settings import Paths

DAGS = Path(__file__).resolve().parents[2] / "dags"
PUBLISHED = dt.date(2026, 8, 31)
EARLIER = dt.date(2026, 5, 31)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory):
    os.environ["AIRFLOW_HOME"] = str(tmp_path_factory.mktemp("airflow_home"))
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS)).dags["billing_nightly"]


def _build(paths: Paths, as_of: dt.date, claims: int) -> None:
    """A build database as `dbt build` leaves it, reduced to a mart and the build watermark."""
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.fct_claims as select range as claim_id from range(?)",
        [claims],
    )
    con.execute("create schema if not exists audit")
    con.execute(
        "create or replace table audit.build_watermarks as "
        "select ?::date as as_of_date, now()::timestamp as built_at",
        [as_of],
    )
    con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _claims(database: Path) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute("select count(*) from marts.fct_claims").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def published_then_older_build(tmp_path) -> Paths:
    """2,000 claims published for 2026-08-31, then a build for 2026-05-31 with 936."""
    paths = Paths(tmp_path / "data")
    _build(paths, PUBLISHED, 2000)
    publish(paths.root)
    _build(paths, EARLIER, 936)
    return paths


def _task(nightly, monkeypatch, task_id: str, paths: Paths, *, backfill: bool):
    """The task's callable, seeing this data directory, the earlier as-of and the run type."""
    fn = nightly.get_task(task_id).python_callable
    run_id = f"{EARLIER}__{'backfill' if backfill else 'scheduled'}__x"
    monkeypatch.setitem(fn.__globals__, "_ctx", lambda: (paths.root, EARLIER, run_id))
    monkeypatch.setitem(fn.__globals__, "_backfill", lambda: backfill)
    return fn


def test_a_scheduled_run_older_than_the_published_warehouse_fails_at_once(
    nightly, monkeypatch, published_then_older_build
):
    from airflow.sdk.exceptions import AirflowFailException

    paths = published_then_older_build
    before = _sha(paths.analytics_db)
    # WHEN a run that is not a backfill starts for 2026-05-31
    check = _task(nightly, monkeypatch, "check_as_of", paths, backfill=False)
    # THEN its first task fails without retries, naming both dates
    with pytest.raises(
        AirflowFailException,
        match=f"as-of {EARLIER} is earlier than the published warehouse's as-of {PUBLISHED}",
    ):
        check()
    # AND a publish task reached anyway (cleared by hand) still refuses to regress the warehouse
    from transforms.errors import AsOfRegression

    with pytest.raises(AsOfRegression):
        _task(nightly, monkeypatch, "publish", paths, backfill=False)()
    assert _sha(paths.analytics_db) == before
    assert _claims(paths.analytics_db) == 2000


def test_an_airflow_backfill_publishes_beside_the_current_warehouse(
    nightly, monkeypatch, published_then_older_build
):
    paths = published_then_older_build
    before = _sha(paths.analytics_db)
    side = paths.warehouse / "backfill" / f"analytics_{EARLIER}.duckdb"
    # WHEN `airflow backfill create` runs 2026-05-31
    checked = _task(nightly, monkeypatch, "check_as_of", paths, backfill=True)()
    published = _task(nightly, monkeypatch, "publish", paths, backfill=True)()
    # THEN it is allowed, and published to its own file
    assert checked == {"as_of": str(EARLIER), "backfill": True, "publishes_to": str(side)}
    assert published["published"] == str(side)
    assert built_as_of(side) == EARLIER and _claims(side) == 936
    # AND the analysts' warehouse is byte for byte the 2026-08-31 one
    assert _sha(paths.analytics_db) == before
    assert _claims(paths.analytics_db) == 2000
    # AND the night's report reads the backfill's own version
    seen = {}

    def write_report(data_dir, as_of, run_id=None, database=None):
        seen.update(as_of=as_of, database=database)
        return {}

    monkeypatch.setattr("transforms.report.write_report", write_report)
    _task(nightly, monkeypatch, "denial_report", paths, backfill=True)()
    assert seen == {"as_of": EARLIER, "database": side}
