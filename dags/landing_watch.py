"""
### landing_watch — tell `billing_nightly` that new files have landed

Every 15 minutes, looks for files under `landing/` that the raw layer's manifest has not seen. When
there are some, its task finishes and updates the asset `rcm_landing_files`, which triggers
`billing_nightly` outside its nightly slot; when there are none the task is skipped and nothing is
triggered. Looking is cheap: names, sizes and hashes only, no parsing.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Asset, dag, task

from transforms.orchestration import LANDING_ASSET_NAME, LANDING_ASSET_URI

LANDING_FILES = Asset(name=LANDING_ASSET_NAME, uri=LANDING_ASSET_URI)


@dag(
    dag_id="landing_watch",
    schedule=dt.timedelta(minutes=15),
    start_date=dt.datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": dt.timedelta(minutes=1),
        "execution_timeout": dt.timedelta(minutes=5),
    },
    tags=["revenue-cycle", "sensor"],
    doc_md=__doc__,
)
def landing_watch():
    @task(task_id="announce_new_files", outlets=[LANDING_FILES])
    def announce_new_files() -> int:
        from airflow.sdk.exceptions import AirflowSkipException

        from transforms.orchestration import data_dir
        from transforms.pipeline import stage_discover

        found = stage_discover(data_dir())["new_files"]
        if not found:
            raise AirflowSkipException("no new files under landing/")
        return found

    announce_new_files()


landing_watch()
