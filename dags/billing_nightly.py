"""
### billing_nightly — the revenue-cycle warehouse, rebuilt every night

Loads what landed (encounter extracts, X12 837 claims, X12 835 remittances), checks it, builds the
dbt marts into a private DuckDB file, checks them again and only then publishes the analysts'
warehouse (`analytics.duckdb`) with an atomic rename, then writes the denial report.

    check_as_of → discover_landed_files → ingest → ingestion_gate → dbt_build → publish_gate
        → publish → denial_report → run_summary

* **Schedule**: 02:00 every night (`RCM_SCHEDULE`, time zone `RCM_TIMEZONE`), and also whenever the
  `landing_watch` DAG sees new files land (asset `rcm_landing_files`).
* **As of**: every measure uses the run's logical date, never the wall clock. A run whose as-of
  is earlier than the published warehouse's fails at `check_as_of` (no retries) unless it is an
  Airflow backfill (`airflow backfill create`): a backfill rebuilds, checks and reports that
  night and publishes it beside the current warehouse (`warehouse/backfill/`), never over it.
* **One run at a time**: `max_active_runs=1`, and every task takes the data directory's run lock,
  so a stage started by hand meanwhile is refused (and a task that meets one retries).
* **One writer**: tasks that write `build.duckdb` share the pool `rcm_warehouse_writer` (one slot)
  and a file lock in `transforms.locking`.
* **Engine**: `RCM_ENGINE` (default `duckdb`) chooses where `dbt_build` runs. With `spark` it builds
  the same dbt project on Spark (local pyspark; a full rebuild) and writes the marts as Parquet under
  `warehouse/spark/tables/marts.db/`; `publish_gate`, `publish` and `denial_report` read DuckDB and
  return `skipped` (nothing stale is published).
* **Safety**: a gate failure that makes the whole warehouse untrustworthy (marts that do not
  reconcile, bad keys, a failed build) fails the run before `publish`; the published file stays as
  it was. A critical finding on specific files only holds back those files (`audit.file_holds`);
  the rest publishes, and the gate releases them once they pass.

Each task calls one function of `transforms.pipeline`; the logic lives and is tested there.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import (
    Asset,
    AssetOrTimeSchedule,
    CronTriggerTimetable,
    dag,
    get_current_context,
    task,
)

from transforms.locking import POOL_NAME
from transforms.orchestration import LANDING_ASSET_NAME, LANDING_ASSET_URI
from transforms.settings import schedule_cron, schedule_timezone

LANDING_FILES = Asset(name=LANDING_ASSET_NAME, uri=LANDING_ASSET_URI)
PUBLISHED_WAREHOUSE = Asset(
    name="rcm_analytics_warehouse", uri="file:///rcm/warehouse/analytics.duckdb"
)

DEFAULT_ARGS = {
    "owner": "revenue-cycle-data",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=20),
    "execution_timeout": dt.timedelta(minutes=60),
}


def _ctx() -> tuple:
    from transforms import orchestration

    context = get_current_context()
    return (
        orchestration.data_dir(),
        orchestration.as_of_from_context(context),
        orchestration.run_id_from_context(context),
    )


def _backfill() -> bool:
    from transforms import orchestration

    return orchestration.is_backfill(get_current_context())


@dag(
    dag_id="billing_nightly",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable(schedule_cron(), timezone=schedule_timezone()),
        assets=[LANDING_FILES],
    ),
    start_date=dt.datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=dt.timedelta(hours=4),
    tags=["revenue-cycle", "nightly", "dbt", "great-expectations"],
    doc_md=__doc__,
)
def billing_nightly():
    @task(task_id="check_as_of")
    def check_as_of() -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.errors import AsOfRegression
        from transforms.pipeline import stage_check_as_of

        data_dir, as_of, _ = _ctx()
        try:
            return stage_check_as_of(data_dir, as_of, backfill=_backfill())
        except AsOfRegression as exc:  # a refusal, not a fault: retrying cannot help
            raise AirflowFailException(f"{exc} (in Airflow: `airflow backfill create`)") from exc

    @task(task_id="discover_landed_files")
    def discover_landed_files() -> dict:
        from transforms.pipeline import stage_discover

        data_dir, _, _ = _ctx()
        return stage_discover(data_dir)

    @task(task_id="ingest")
    def ingest() -> dict:
        from transforms.pipeline import stage_ingest

        data_dir, _, _ = _ctx()
        return stage_ingest(data_dir)

    @task(task_id="ingestion_gate", pool=POOL_NAME)
    def ingestion_gate() -> dict:
        from transforms.pipeline import stage_gate

        data_dir, as_of, run_id = _ctx()
        return stage_gate("ingestion", data_dir, as_of, run_id)

    @task(task_id="dbt_build", pool=POOL_NAME, execution_timeout=dt.timedelta(minutes=90))
    def dbt_build() -> dict:
        from transforms.pipeline import stage_build

        data_dir, as_of, _ = _ctx()
        return stage_build(data_dir, as_of)

    @task(task_id="publish_gate", pool=POOL_NAME)
    def publish_gate() -> dict:
        from transforms.pipeline import stage_gate

        data_dir, as_of, run_id = _ctx()
        return stage_gate("publish", data_dir, as_of, run_id)

    @task(task_id="publish", pool=POOL_NAME, outlets=[PUBLISHED_WAREHOUSE])
    def publish() -> dict:
        from transforms.pipeline import stage_publish

        data_dir, as_of, _ = _ctx()
        return stage_publish(data_dir, as_of=as_of, backfill=_backfill())

    @task(task_id="denial_report")
    def denial_report() -> dict:
        from transforms.pipeline import stage_report

        data_dir, as_of, run_id = _ctx()
        return stage_report(data_dir, as_of, run_id, backfill=_backfill())

    @task(task_id="run_summary")
    def run_summary(*results: dict) -> dict:
        from transforms.pipeline import stage_summary

        data_dir, as_of, run_id = _ctx()
        names = [
            "discover",
            "ingest",
            "ingestion_gate",
            "build",
            "publish_gate",
            "publish",
            "report",
        ]
        return stage_summary(data_dir, as_of, run_id, dict(zip(names, results, strict=True)))

    checked = check_as_of()
    found = discover_landed_files()
    loaded = ingest()
    checked_in = ingestion_gate()
    built = dbt_build()
    checked_out = publish_gate()
    published = publish()
    reported = denial_report()
    checked >> found >> loaded >> checked_in >> built >> checked_out >> published >> reported
    run_summary(found, loaded, checked_in, built, checked_out, published, reported)


billing_nightly()
