"""A night with files nobody here wrote: every public 835/837 fixture, a remittance from a provider we
never billed that reuses one of our patient control numbers, and a generated practice.

GIVEN that landing folder WHEN the whole nightly job runs THEN the warehouse publishes; every readable
file's money is in the remittance marts to the cent (reference totals from an independent reader,
tests/fixtures/x12/reference_totals.json); the unreadable one is quarantined with its reason; the
manifest shows each file's status, versions and findings; the foreign remittance is its own
unmatched claim, never merged into ours; and every KPI rate stays in [0, 1].
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from transforms.harness.x12_synth import interchange, payment_835
from transforms.settings import Paths

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "x12"
REFERENCE: dict[str, dict] = json.loads((FIXTURES / "reference_totals.json").read_text())
REJECTIONS = {
    name: value["rejected"]
    for name, value in json.loads((FIXTURES / "expected_rejections.json").read_text()).items()
    if not name.startswith("_")
}
AS_OF = dt.date(2026, 6, 30)
FOREIGN = "foreign/unknown_provider.835"


def _foreign_remittance(pcn: str) -> str:
    """A payer's 835 to a provider we never billed (payee NPI 1234567893), reusing our PCN."""
    claim = [
        ["CLP", pcn, "1", "250", "200", "50", "12", "FOREIGN1"],
        ["CAS", "PR", "1", "50"],
        ["NM1", "QC", "1", "ROE", "RICHARD", "", "", "", "MI", "M-FOREIGN"],
    ]
    return interchange([payment_835([claim], payment="200")], isa_control="000000777")


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> tuple[Path, dict, str]:
    from transforms.generate import generate
    from transforms.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("real_world")
    generate(out=root, claims=300, start=dt.date(2026, 3, 1), days=60, seed=5)
    landing = Paths(root).landing
    for name in REFERENCE:
        target = landing / "public" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / name, target)
    extract = next((landing / "encounters").glob("*.csv"))
    with extract.open(newline="", encoding="utf-8-sig") as handle:
        pcn = next(csv.DictReader(handle))["claim_id"]
    (landing / "foreign").mkdir()
    (landing / FOREIGN).write_text(_foreign_remittance(pcn))
    summary = run_pipeline(root, AS_OF, run_id="real-world-1")
    return root, summary, pcn


def _published(root: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Paths(root).analytics_db), read_only=True)


def test_the_night_publishes_with_every_public_file_in_it(night):
    root, summary, _ = night
    # THEN the job reached publish and report
    assert Paths(root).analytics_db.exists()
    assert "publish" in summary and "report" in summary
    con = _published(root)
    statuses = dict(
        con.execute(
            "select file_name, status from audit.file_manifest where file_name like 'public/%'"
        ).fetchall()
    )
    assert set(statuses) == {f"public/{name}" for name in REFERENCE}
    assert {name for name, status in statuses.items() if status != "loaded"} == {
        f"public/{name}" for name in REJECTIONS
    }


def test_each_files_money_is_in_the_marts_to_the_cent(night):
    root, _, _ = night
    con = _published(root)
    paid = dict(
        con.execute(
            "select file_name, sum(paid_amount) from marts.fct_remittance_claims group by file_name"
        ).fetchall()
    )
    payments = dict(
        con.execute(
            "select file_name, sum(case when credit_debit_flag = 'D' then -payment_amount "
            "else payment_amount end) from marts.fct_remittance_payments group by file_name"
        ).fetchall()
    )
    for name, expected in REFERENCE.items():
        if expected["kind"] != "835" or name in REJECTIONS:
            continue
        key = f"public/{name}"
        assert paid.get(key, Decimal("0.00")) == Decimal(expected["clp04_total"]), name
        assert payments[key] == Decimal(expected["bpr02_total"]), name


def test_the_unreadable_files_are_quarantined_with_a_precise_reason(night):
    root, _, _ = night
    con = _published(root)
    for name, expected in REJECTIONS.items():
        reasons = con.execute(
            "select source_position, element_id, rule_id from audit.quarantine "
            "where file_name = ? order by source_position",
            [f"public/{name}"],
        ).fetchall()
        assert reasons == [tuple(item) for item in expected], name


def test_envelope_defects_are_findings_in_audit(night):
    root, _, _ = night
    con = _published(root)
    rules = {
        row[0]: set(row[1].split(","))
        for row in con.execute(
            "select file_name, string_agg(distinct rule_id, ',') from audit.file_findings "
            "group by file_name"
        ).fetchall()
    }
    assert (
        "iea02_control_number"
        in rules["public/835/affect-therapeutics-edi-835-parser__nevada_medicaid.txt"]
    )
    assert {"ge02_control_number", "iea02_control_number", "iea01_count"} <= rules[
        "public/837/pyx12__trailer_errors_004010X096A1.txt"
    ]
    counts = dict(
        con.execute("select file_name, finding_count from audit.file_manifest").fetchall()
    )
    for name, found in rules.items():
        assert (
            counts[name]
            == con.execute(
                "select count(*) from audit.file_findings where file_name = ?", [name]
            ).fetchone()[0]
        )
        assert found
    versions = dict(
        con.execute("select file_name, x12_versions from audit.file_manifest").fetchall()
    )
    assert versions["public/835/stupidedi__X091A1__case-1-pipe-separator.edi"] == "004010X091A1"


def test_a_foreign_remittance_is_never_merged_into_our_claim(night):
    root, _, pcn = night
    con = _published(root)
    claims = con.execute(
        "select claim_id, paid_amount from marts.fct_claims where patient_control_number = ? "
        "order by claim_id",
        [pcn],
    ).fetchall()
    # ours and the foreign one: two claims with different keys
    assert len(claims) == 2 and claims[0][0] != claims[1][0]
    foreign = con.execute(
        "select sum(paid_amount) from marts.fct_remittance_claims where file_name = ?", [FOREIGN]
    ).fetchone()[0]
    assert foreign == Decimal("200.00")


def test_every_kpi_rate_stays_in_bounds(night):
    root, _, _ = night
    con = _published(root)
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'rpt_kpis_monthly' and column_name like '%rate%'"
        ).fetchall()
    ]
    assert columns
    for column in columns:
        low, high = con.execute(
            f'select min("{column}"), max("{column}") from marts.rpt_kpis_monthly'
        ).fetchone()
        assert low is None or (low >= 0 and high <= 1), column


def test_the_report_shows_findings_and_the_unmatched_bucket(night):
    root, _, _ = night
    html = (Paths(root).reports / AS_OF.isoformat() / "denial_report.html").read_text()
    assert "Accepted with findings" in html and "iea02_control_number" in html
    assert "Remittances for claims we did not bill" in html and FOREIGN in html


def test_every_public_remittance_claim_lands_in_the_ledger_to_the_cent(night):
    """Each balanced 835 claim of every public file: CLP03 = CLP04 + PR + contractual + denied +
    other + prior payer + duplicate + pending, so no adjustment is dropped or posted twice; and
    every claim of the warehouse (ours and theirs) ties out billed = paid + PR + contractual +
    other + final denied + open."""
    root, _, _ = night
    with _published(root) as con:
        balanced, broken = con.execute(
            """select count(*), count(*) filter (where billed_amount <> paid_amount
                + patient_responsibility_adjustment_amount + contractual_adjustment_amount
                + denied_amount + other_adjustment_amount + prior_payer_adjustment_amount
                + duplicate_adjustment_amount + pending_adjustment_amount)
            from marts.fct_remittance_claims
            where is_balanced and file_name like 'public/%'"""
        ).fetchone()
        claims, untied = con.execute(
            """select count(*), count(*) filter (where billed_amount <> paid_amount
                + patient_responsibility_amount + contractual_adjustment_amount
                + other_adjustment_amount + final_denied_amount + open_balance_amount)
            from marts.fct_claims"""
        ).fetchone()
    assert balanced > 100 and broken == 0
    assert claims > 300 and untied == 0


def test_every_provider_a_public_837_names_has_its_name_in_dim_providers(night):
    root, _, _ = night
    raw = Paths(root).raw
    con = _published(root)
    # GIVEN the NPIs the public 837s name (NM1*85 billing, NM1*82 rendering, with NM103)
    named = con.execute(
        f"""
        with seen as (
            select file_name, billing_provider_npi as npi, billing_provider_last_name as last_name,
                   billing_provider_first_name as first_name
            from read_parquet('{raw}/x837_claims/*.parquet', union_by_name = true)
            union all
            select file_name, rendering_provider_npi, rendering_provider_last_name,
                   rendering_provider_first_name
            from read_parquet('{raw}/x837_claims/*.parquet', union_by_name = true)
            union all
            select file_name, rendering_provider_npi, rendering_provider_last_name,
                   rendering_provider_first_name
            from read_parquet('{raw}/x837_claim_lines/*.parquet', union_by_name = true)
        )
        select seen.npi, list(distinct seen.last_name), any_value(providers.provider_name),
               any_value(providers.provider_last_name)
        from seen
        left join marts.dim_providers as providers on providers.provider_npi = seen.npi
        where seen.file_name like 'public/%' and seen.npi is not null
            and seen.last_name is not null
        group by seen.npi
        """
    ).fetchall()
    # THEN each has a name in dim_providers, the one the 837 gives when it gives only one
    assert len(named) >= 3
    for npi, last_names, provider_name, provider_last_name in named:
        assert provider_name, npi
        if len(last_names) == 1:
            assert provider_last_name == last_names[0], npi
