"""The Spark target (issue 17): the same dbt project on dbt-spark gives the same marts as DuckDB.

GIVEN a small generated practice with every public X12 fixture landed beside it, ingested and
checked by the ingestion gate (so the gates' row failures feed the clean-claim measures)
WHEN `rcm parity` builds it on DuckDB and on Spark (local pyspark) and compares the marts
THEN it exits 0 with one JSON line last, every mart table is equal row for row (money and rates to
the last digit), money is DECIMAL(18,2) in Spark's Parquet too, and the comparison does catch a
one-cent difference. The slow tests run dbt's data and unit tests on Spark and a larger practice.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from transforms.settings import Paths

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "x12"
AS_OF = dt.date(2026, 6, 30)
MARTS = {
    "dim_diagnosis_codes", "dim_payers", "dim_procedure_codes", "dim_providers",
    "fct_claim_events", "fct_claim_lines", "fct_claims", "fct_patient_payments", "fct_provider_adjustments",
    "fct_remittance_adjustments", "fct_remittance_claims", "fct_remittance_payments",
    "fct_remittance_service_lines", "rpt_ar_aging", "rpt_denial_work_queue", "rpt_denials",
    "rpt_kpis_monthly",
    # the report's marts (issue 18)
    "rpt_ar_aging_by_bucket", "rpt_ar_aging_by_payer", "rpt_days_to_payment", "rpt_denial_rankings",
    "rpt_denial_remark_codes", "rpt_denial_work_queue_by_team", "rpt_denials_by_payer_root_cause",
    "rpt_denials_by_root_cause", "rpt_denials_by_root_cause_monthly", "rpt_report_months",
    "rpt_report_windows", "rpt_warehouse_summary", "rpt_denial_work_queue_totals",
}  # fmt: skip


def _java_17() -> bool:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return False
    return any(f'version "{v}' in out.stderr for v in range(17, 40))


pytestmark = pytest.mark.skipif(
    not _java_17(), reason="the Spark target needs Java 17+ (make java)"
)


def _practice(root: Path, claims: int, days: int) -> Path:
    from transforms.generate import generate
    from transforms.pipeline import stage_gate, stage_ingest

    generate(out=root, claims=claims, start=dt.date(2026, 3, 1), days=days, seed=5)
    references = json.loads((FIXTURES / "reference_totals.json").read_text())
    for name in references:
        target = Paths(root).landing / "public" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / name, target)
    stage_ingest(root)
    stage_gate("ingestion", root, AS_OF, run_id="spark-parity-1")
    return root


@pytest.fixture(scope="module")
def parity_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = _practice(tmp_path_factory.mktemp("spark_parity"), claims=120, days=60)
    done = subprocess.run(
        [sys.executable, "-m", "transforms.cli", "parity", "--data-dir", str(root),
         "--as-of", AS_OF.isoformat()],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    return root, done


def test_parity_exits_0_with_one_json_line_last(parity_run):
    _, done = parity_run
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["equal"] is True
    assert summary["tables_differing"] == []
    assert summary["tables_compared"] == len(MARTS)
    assert summary["rows_compared"] > 1000


def test_every_mart_is_equal_row_for_row_and_holds_the_public_files(parity_run):
    root, done = parity_run
    lines = [line for line in done.stderr.splitlines() if line.startswith("marts.")]
    tables = {line.split(":", 1)[0]: json.loads(line.split(":", 1)[1]) for line in lines}
    assert set(tables) == {f"marts.{name}" for name in MARTS}
    for name, table in tables.items():
        assert table["equal"], (name, table)
        assert table["only_in_duckdb"] == table["only_in_spark"] == 0, name
        assert table["rows_duckdb"] == table["rows_spark"], name
    # the public fixtures are in both builds, not only the generated practice
    spark_payments = Paths(root).warehouse / "spark/tables/marts.db/fct_remittance_payments"
    con = duckdb.connect()
    public = con.execute(
        f"select count(*) from read_parquet('{spark_payments}/*.parquet') "
        "where file_name like '%stupidedi%' or file_name like '%pyx12%'"
    ).fetchone()[0]
    assert public >= 5


def test_money_is_decimal_18_2_in_sparks_parquet(parity_run):
    root, _ = parity_run
    con = duckdb.connect()
    wrong = []
    for name in MARTS:
        folder = Paths(root).warehouse / "spark/tables/marts.db" / name
        for column, kind, *_ in con.execute(
            f"describe select * from read_parquet('{folder}/*.parquet')"
        ).fetchall():
            if column.endswith("_amount") and kind != "DECIMAL(18,2)":
                wrong.append((name, column, kind))
    assert wrong == []


def test_the_comparison_catches_one_cent(parity_run, tmp_path):
    from transforms.warehouse.parity import compare_table

    root, _ = parity_run
    folder = Paths(root).warehouse / "spark/tables/marts.db/fct_claims"
    con = duckdb.connect()
    con.execute(f"attach '{Paths(root).build_db}' as duck (read_only)")
    changed = tmp_path / "fct_claims.parquet"
    con.execute(
        f"copy (select * replace (case when row_number() over (order by claim_id) = 1 "
        f"then paid_amount + 0.01 else paid_amount end as paid_amount) "
        f"from read_parquet('{folder}/*.parquet')) to '{changed}' (format parquet)"
    )
    result = compare_table(con, "duck.marts.fct_claims", f"read_parquet('{changed}')")
    assert result["equal"] is False
    assert result["only_in_duckdb"] == result["only_in_spark"] == 1
    assert result["differing_columns"] == ["paid_amount"]


@pytest.mark.slow
def test_dbt_data_and_unit_tests_pass_on_spark(parity_run):
    from transforms.warehouse import build

    root, _ = parity_run
    summary = build(root, AS_OF, engine="spark", tests=True)
    assert summary["failed"] == []
    assert summary["statuses"]["pass"] >= 100


@pytest.mark.slow
def test_parity_on_a_larger_practice(tmp_path):
    from transforms.warehouse.parity import parity

    root = _practice(tmp_path, claims=3000, days=180)
    result = parity(root, AS_OF)
    assert result["equal"], result["tables_differing"]
