"""The whole nightly job on generated data: `rcm run` twice, a failing run, and the real DAG.

GIVEN a generated practice (a few hundred claims) WHEN the pipeline runs THEN the published
warehouse holds the marts, reconciles with the raw layer, reruns are identical, a failure before
publish leaves the published file byte-identical, and the Airflow DAG publishes the same marts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from transforms.settings import Paths

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 6, 30)
MARTS = ["fct_remittance_payments", "fct_remittance_claims", "fct_remittance_service_lines",
         "fct_remittance_adjustments", "fct_provider_adjustments", "fct_claims", "fct_claim_lines",
         "dim_payers", "dim_providers", "dim_procedure_codes", "dim_diagnosis_codes",
         "rpt_kpis_monthly", "rpt_denials", "rpt_ar_aging"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_checksums(db: Path) -> dict[str, tuple[int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema='marts' order by 1"
        ).fetchall():
            n, digest = con.execute(
                f'select count(*), md5(coalesce(string_agg(r, chr(10) order by r), \'\')) '
                f'from (select cast(t as varchar) as r from marts."{name}" as t)'
            ).fetchone()
            out[name] = (n, digest)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    from transforms.generate import generate

    root = tmp_path_factory.mktemp("e2e")
    generate(out=root, claims=400, start=dt.date(2026, 3, 1), days=60, seed=11)
    return root


@pytest.fixture(scope="module")
def first_run(generated) -> dict:
    from transforms.pipeline import run_pipeline

    return run_pipeline(generated, AS_OF, run_id="e2e-1")


def test_run_publishes_every_mart(generated, first_run):
    paths = Paths(generated)
    assert paths.analytics_db.exists()
    sums = table_checksums(paths.analytics_db)
    assert set(MARTS) <= set(sums)
    assert sums["fct_claims"][0] > 300  # 400 claims minus any not yet submitted by the as-of date
    assert (paths.reports / AS_OF.isoformat() / "denial_report.html").exists()
    assert first_run["ingest"]["totals"]


def test_money_reconciles_raw_to_marts(generated, first_run):
    paths = Paths(generated)
    con = duckdb.connect(str(paths.analytics_db), read_only=True)
    try:
        mart = con.execute("select sum(payment_amount) from marts.fct_remittance_payments").fetchone()[0]
    finally:
        con.close()
    raw = duckdb.connect().execute(
        "select sum(payment_amount) from read_parquet(?) where payment_date <= ?",
        [str(paths.raw / "x835_payments" / "*.parquet"), AS_OF],
    ).fetchone()[0]
    assert mart == raw


def test_rerun_same_date_is_identical_and_duplicates_nothing(generated, first_run):
    from transforms.pipeline import run_pipeline

    paths = Paths(generated)
    before = table_checksums(paths.analytics_db)
    again = run_pipeline(generated, AS_OF, run_id="e2e-2")
    assert again["ingest"]["totals"]["loaded"] == 0  # nothing new: every file is a known one
    assert table_checksums(paths.analytics_db) == before


def test_failure_before_publish_leaves_published_file_byte_identical(generated, first_run, monkeypatch):
    from transforms import pipeline

    paths = Paths(generated)
    before = _sha(paths.analytics_db)

    def broken_build(data_dir, as_of):
        raise RuntimeError("dbt crashed mid-build")

    monkeypatch.setattr(pipeline, "stage_build", broken_build)
    with pytest.raises(RuntimeError, match="mid-build"):
        pipeline.run_pipeline(generated, AS_OF, run_id="e2e-broken")
    assert _sha(paths.analytics_db) == before


def test_airflow_dag_runs_end_to_end(generated, first_run, tmp_path):
    """The real DAG through `airflow dags test` in a temporary AIRFLOW_HOME publishes the same marts."""
    data = tmp_path / "data"
    shutil.copytree(generated / "landing", data / "landing")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "RCM_DATA_DIR": str(data),
    }
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([airflow, "pools", "set", "rcm_warehouse_writer", "1", "one writer"], env=env,
                   check=True, capture_output=True)
    run = subprocess.run([airflow, "dags", "test", "billing_nightly", AS_OF.isoformat()], env=env,
                         capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert table_checksums(Paths(data).analytics_db) == table_checksums(Paths(generated).analytics_db)


def test_warnings_publish_and_are_recorded(generated, first_run):
    # GIVEN the generated practice (it carries injected coding defects: warning-level checks)
    con = duckdb.connect(str(Paths(generated).analytics_db), read_only=True)
    try:
        warned = con.execute(
            "select count(*) from quality.expectation_results where run_id = 'e2e-1' "
            "and severity = 'warning' and not success"
        ).fetchone()[0]
        row_failures = con.execute(
            "select count(*) from quality.row_failures where run_id = 'e2e-1'").fetchone()[0]
    finally:
        con.close()
    # THEN the run published anyway, with the failing warnings and the failing rows on record
    assert warned > 0 and row_failures > 0


def test_critical_gate_failure_publishes_nothing_and_the_batch_stays_pending(generated, tmp_path,
                                                                             monkeypatch):
    from transforms.errors import GateFailed
    from transforms.pipeline import pending_ingest_runs, run_pipeline

    data = tmp_path / "data"
    shutil.copytree(generated / "landing", data / "landing")
    # GIVEN a remittance-to-claim match threshold no batch can meet (a critical check)
    monkeypatch.setenv("RCM_MATCH_RATE_MIN", "1.5")
    # WHEN the nightly job runs THEN the ingestion gate stops it: nothing is published
    with pytest.raises(GateFailed):
        run_pipeline(data, AS_OF, run_id="crit-1")
    assert not Paths(data).analytics_db.exists()
    blocked = pending_ingest_runs(data)
    assert blocked
    # AND once the threshold is sane again, the next night validates that same batch and publishes
    monkeypatch.setenv("RCM_MATCH_RATE_MIN", "0.9")
    result = run_pipeline(data, AS_OF, run_id="crit-2")
    assert result["ingest"]["totals"]["loaded"] == 0
    assert sorted(result["ingestion_gate"]["ingest_runs_validated"]) == sorted(blocked)
    assert pending_ingest_runs(data) == []
    assert Paths(data).analytics_db.exists()
