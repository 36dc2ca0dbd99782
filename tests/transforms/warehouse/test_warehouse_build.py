"""End to end: a hand-built raw layer -> `build()` (one real `dbt build`) -> marts checked exactly.

The data set is described in warehouse_scenario.py. Every expected number below was worked out by
hand from that description, not read back from the warehouse. One build serves every test here
(dbt start-up dominates the cost).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from warehouse_scenario import AS_OF, C2_LINE2_CODED_ROW, OTHER_NPI, claim_key, write_scenario

from transforms.warehouse import WarehouseBuildFailed, build, docs

Q = Decimal


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    # GIVEN the scenario's raw layer, code set and gate findings in a fresh data directory
    data_dir = tmp_path_factory.mktemp("warehouse") / "data"
    write_scenario(data_dir)
    # WHEN the warehouse is built as of 2026-03-31, with dbt's unit tests (a nightly leaves them out)
    summary = build(data_dir, AS_OF, unit_tests=True)
    return data_dir, summary


def query(data_dir: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def test_build_runs_every_node_and_reports_them(built):
    data_dir, summary = built
    # THEN nothing failed, the unit tests and data tests ran, and the summary says where
    assert summary["failed"] == []
    assert summary["statuses"].get("error", 0) == 0 and summary["statuses"].get("fail", 0) == 0
    assert summary["statuses"]["pass"] >= 100  # data + unit tests
    run = json.loads((data_dir / "dbt" / "target" / "run_results.json").read_text())
    unit = [r for r in run["results"] if r["unique_id"].startswith("unit_test.")]
    assert len(unit) >= 20 and {r["status"] for r in unit} == {"pass"}
    assert summary["statuses"]["success"] >= 40  # models + seeds
    assert summary["as_of"] == "2026-03-31"
    assert summary["database"] == str((data_dir / "warehouse" / "build.duckdb").resolve())
    assert (data_dir / "dbt" / "target" / "run_results.json").exists()


def test_kpis_monthly_match_hand_computation(built):
    data_dir, _ = built
    rows = {
        (r["month_start_date"].isoformat(), r["payer_id"]): r
        for r in query(data_dir, "select * from marts.rpt_kpis_monthly")
    }
    # THEN one row per month x payer plus one 'ALL' row per month
    assert sorted(rows) == [
        ("2025-11-01", "ACME01"),
        ("2025-11-01", "ALL"),
        ("2026-01-01", "ACME01"),
        ("2026-01-01", "ALL"),
        ("2026-01-01", "MCD01"),
        ("2026-02-01", "ACME01"),
        ("2026-02-01", "ALL"),
        ("2026-03-01", "ACME01"),  # a payment whose only money is a PLB (FB -60): cash, no claim
        ("2026-03-01", "ALL"),
    ]
    # 2026-01 ACME01: C1, C2, C3, C5 first adjudicated (PA1, 01-20; the re-sent PA1 ignored).
    # Billed 100+200+200+90 = 590. Denied on first adjudication: C3 (200) in full and C2 line 2
    # (50) in part -> 2 claims (HFMA counts partial denials), 250 dollars. Still denied: C2's 50.
    # C3 overturned in full, C2 not at all -> 1/2. First pass: C1, C5. Paid net: 80 + 120 + 150 +
    # (70 - 70 + 60) = 410; PLB L6 interest -5 on PA1 -> +5 cash (the re-sent PA1's not counted).
    # Contractual CO-45 net: 20+30+50+(20-20+30) = 130 (CO-97 and CO-50 are denials); no PR.
    # Payer NCR (410 + 5) / (590 - 130 - 0) = 0.902174.
    # Days: C1 15, C2 15, C3 36 (01-10 -> 02-15), C5 5 -> median 15, mean 71/4 = 17.75.
    # Submitted: C1, C2, C3, C5; C2 failed a coding check and C3 a billing check -> clean 2/4.
    expect_jan_acme = {
        "payer_name": "ACME HEALTH",
        "claims_adjudicated": 4,
        "claims_initially_denied": 2,
        "claims_initially_denied_full": 1,
        "claims_initially_denied_partial": 1,
        "initial_denial_rate": Q("0.500000"),
        "initial_denial_rate_dollars": Q("0.423729"),
        "adjudicated_billed_amount": Q("590.00"),
        "initial_denied_amount": Q("250.00"),
        "final_denied_amount": Q("50.00"),
        "final_denial_rate": Q("0.084746"),
        "claims_overturned": 1,
        "denial_overturn_rate": Q("0.500000"),
        "claims_submitted": 4,
        "clean_claims": 2,
        "clean_claim_rate": Q("0.500000"),
        "claims_first_pass_resolved": 2,
        "first_pass_resolution_rate": Q("0.500000"),
        "paid_amount": Q("410.00"),
        "contractual_adjustment_amount": Q("130.00"),
        "provider_adjustment_cash_amount": Q("5.00"),
        "payer_net_collection_rate": Q("0.902174"),
        "median_days_to_payment": Q("15.00"),
        "mean_days_to_payment": Q("17.75"),
    }
    assert {k: rows[("2026-01-01", "ACME01")][k] for k in expect_jan_acme} == expect_jan_acme
    # 2026-01 MCD01: C4 paid 0 with PR-1 only -> adjudicated, not denied, resolved on first pass;
    # the payers owed nothing (120 - 0 - 120 PR), so the payer NCR is null.
    expect_jan_mcd = {
        "claims_adjudicated": 1,
        "claims_initially_denied": 0,
        "initial_denial_rate": Q("0"),
        "adjudicated_billed_amount": Q("120.00"),
        "denial_overturn_rate": None,
        "first_pass_resolution_rate": Q("1"),
        "paid_amount": Q("0"),
        "payer_net_collection_rate": None,
        "median_days_to_payment": None,
        "clean_claim_rate": Q("1"),
    }
    assert {k: rows[("2026-01-01", "MCD01")][k] for k in expect_jan_mcd} == expect_jan_mcd
    # 2026-01 ALL: the five claims together: 2/5 denied, 250/710, 50/710, first pass 3/5,
    # payer NCR (410 + 5) / (710 - 130 - 120) = 0.902174, clean 3/5.
    expect_jan_all = {
        "payer_name": "All payers",
        "claims_adjudicated": 5,
        "initial_denial_rate": Q("0.400000"),
        "initial_denial_rate_dollars": Q("0.352113"),
        "final_denial_rate": Q("0.070423"),
        "first_pass_resolution_rate": Q("0.600000"),
        "payer_net_collection_rate": Q("0.902174"),
        "clean_claim_rate": Q("0.600000"),
        "median_days_to_payment": Q("15.00"),
        "mean_days_to_payment": Q("17.75"),
    }
    assert {k: rows[("2026-01-01", "ALL")][k] for k in expect_jan_all} == expect_jan_all
    # The other practice's C1 (PO1, 01-25, paid 500) is a remittance matching no claim we billed:
    # in no rate of January, only in the unmatched columns.
    assert (
        rows[("2026-01-01", "ACME01")]["unmatched_remittance_claims"],
        rows[("2026-01-01", "ACME01")]["unmatched_paid_amount"],
    ) == (1, Q("500.00"))
    assert rows[("2026-01-01", "ALL")]["unmatched_paid_amount"] == Q("500.00")
    # 2026-02 ACME01: C9 (paid 60, later reversed), C10 (denied with claim-level CO-16 80, no
    # lines); X999 (a remittance with no claim, paid 50) counts apart as unmatched. 1/2 denied;
    # 80/140 dollars, still denied 80/140; overturn 0/1; first pass 1/2; paid 0 + 0; NCR 0/140;
    # (March holds the FB -60 PLB of C9's reversal payment: +60 cash, no claim adjudicated)
    # days: C9 02-01 -> 02-15 = 14. Submitted in Feb: C6, C9, C10, all clean.
    expect_feb = {
        "claims_adjudicated": 2,
        "claims_initially_denied": 1,
        "initial_denial_rate": Q("0.500000"),
        "initial_denial_rate_dollars": Q("0.571429"),
        "final_denial_rate": Q("0.571429"),
        "denial_overturn_rate": Q("0"),
        "first_pass_resolution_rate": Q("0.500000"),
        "paid_amount": Q("0.00"),
        "payer_net_collection_rate": Q("0"),
        "median_days_to_payment": Q("14.00"),
        "claims_submitted": 3,
        "clean_claim_rate": Q("1"),
        "unmatched_remittance_claims": 1,
        "unmatched_paid_amount": Q("50.00"),
    }
    assert {k: rows[("2026-02-01", "ACME01")][k] for k in expect_feb} == expect_feb
    # 2025-11: only C7's submission (never answered): adjudication rates are null, clean 1/1.
    nov = rows[("2025-11-01", "ACME01")]
    assert (nov["claims_adjudicated"], nov["initial_denial_rate"], nov["clean_claim_rate"]) == (
        0,
        None,
        Q("1"),
    )


def test_claim_lifecycle_final_and_initial_states(built):
    data_dir, _ = built
    rows = {
        r["claim_id"]: (r["initial_outcome"], r["final_status"], r["paid_amount"])
        for r in query(data_dir, "select * from marts.fct_claims")
    }
    # THEN each claim nets its remittances into the state worked out by hand
    assert rows == {
        claim_key("C1"): ("paid", "paid", Q("80.00")),
        claim_key("C2"): ("partially_paid", "partially_paid", Q("120.00")),
        claim_key("C3"): ("denied", "paid", Q("150.00")),
        # PB1 names the payee by tax id only: matched to our claim by TIN
        claim_key("C4"): ("patient_responsibility", "patient_responsibility", Q("0.00")),
        claim_key("C5"): ("paid", "paid", Q("60.00")),
        claim_key("C6"): (None, "open", Q("0.00")),  # its payment is dated after the as-of date
        claim_key("C7"): (None, "open", Q("0.00")),
        claim_key("C9"): ("paid", "reversed", Q("0.00")),
        claim_key("C10"): ("denied", "denied", Q("0.00")),
        claim_key("X999"): ("paid", "paid", Q("50.00")),  # a remittance with no claim is kept
        claim_key("C1", OTHER_NPI): ("paid", "paid", Q("500.00")),  # the other practice's C1
    }


def test_ar_aging_buckets_as_of_run_date(built):
    data_dir, _ = built
    rows = [
        (
            r["payer_id"],
            r["age_bucket"],
            r["open_claims"],
            r["insurance_balance_amount"],
            r["denied_balance_amount"],
            r["patient_balance_amount"],
            r["ar_balance_amount"],
        )
        for r in query(data_dir, "select * from marts.rpt_ar_aging order by payer_id, bucket_order")
    ]
    # THEN A/R holds every billed dollar not paid or written off: C6 (02-20, 39 days, never
    # answered, 110), C9 (02-01, 58 days, reversed, 60) and C10 (02-01, 58 days, denied 80, last
    # remittance 02-15: still appealable) are 31-60; C2 (01-05, 85 days, 50 of a line still
    # denied) is 61-90; C7 (2025-11-15, 136 days, 75) is >120; C4's 120 left to the patient by
    # MCD01 (01-12, 78 days) is a patient balance in 61-90. Unmatched X999 is no A/R of ours.
    z = Q("0.00")
    assert rows == [
        ("ACME01", "0-30", 0, z, z, z, z),
        ("ACME01", "31-60", 3, Q("170.00"), Q("80.00"), z, Q("250.00")),
        ("ACME01", "61-90", 1, z, Q("50.00"), z, Q("50.00")),
        ("ACME01", "91-120", 0, z, z, z, z),
        ("ACME01", ">120", 1, Q("75.00"), z, z, Q("75.00")),
        ("MCD01", "0-30", 0, z, z, z, z),
        ("MCD01", "31-60", 0, z, z, z, z),
        ("MCD01", "61-90", 1, z, z, Q("120.00"), Q("120.00")),
        ("MCD01", "91-120", 0, z, z, z, z),
        ("MCD01", ">120", 0, z, z, z, z),
    ]
    assert {
        r["as_of_date"] for r in query(data_dir, "select as_of_date from marts.rpt_ar_aging")
    } == {dt.date(2026, 3, 31)}


def test_denials_by_root_cause_link_coding_failures(built):
    data_dir, _ = built
    rows = [
        (
            r["month_start_date"].isoformat(),
            r["denial_root_cause"],
            r["carc_code"],
            r["procedure_code"],
            r["coder_id"],
            r["denied_lines"],
            r["denied_amount"],
            r["lines_failed_coding_check"],
            r["still_denied_amount"],
        )
        for r in query(data_dir, "select * from marts.rpt_denials order by denied_amount")
    ]
    # THEN C2 line 2 (CO-97 coding, 50, its coded line failed a check, still denied), C10
    # (claim-level CO-16 billing, 80, still denied) and C3 (CO-50 clinical, 200, overturned)
    assert rows == [
        ("2026-01-01", "coding", "97", "93000", "CODER-A", 1, Q("50.00"), 1, Q("50.00")),
        ("2026-02-01", "billing", "16", "99214", "CODER-B", 1, Q("80.00"), 0, Q("80.00")),
        ("2026-01-01", "clinical", "50", "99215", "CODER-B", 1, Q("200.00"), 0, Q("0.00")),
    ]


def test_payments_reconcile_and_resent_payment_counts_once(built):
    data_dir, _ = built
    rows = query(
        data_dir,
        "select file_name, payment_amount, is_duplicate_delivery, is_counted "
        "from marts.fct_remittance_payments order by file_name",
    )
    # THEN every raw payment is in the mart (275 + 275 + 0 + 250 + 0 + 100 + 500 = 1400) ...
    assert sum(r["payment_amount"] for r in rows) == Q("1400.00")
    # ... the re-sent PA1 is flagged, and only payments up to the as-of date count once
    assert [r["file_name"] for r in rows if r["is_duplicate_delivery"]] == ["remits/pa1_resent.835"]
    assert sum(r["payment_amount"] for r in rows if r["is_counted"]) == Q("1025.00")


def test_claim_lines_join_coding_to_billing_and_payment(built):
    data_dir, _ = built
    lines = {
        (r["patient_control_number"], r["line_number"]): r
        for r in query(data_dir, "select * from marts.fct_claim_lines")
    }
    # THEN C1's re-coding dated after the as-of date is not visible (coder stays CODER-A)
    assert lines[("C1", 1)]["coder_id"] == "CODER-A"
    # C2 line 2: the later coding wins, it failed a coding check, and it was denied for 50
    c2 = lines[("C2", 2)]
    assert (c2["encounter_line_id"], c2["diagnosis_code_1"], c2["has_coding_check_failure"]) == (
        C2_LINE2_CODED_ROW,
        "R0789",
        True,
    )
    assert (
        c2["initial_line_outcome"],
        c2["initial_denied_amount"],
        c2["initial_denial_root_cause"],
    ) == ("denied", Q("50.00"), "coding")
    # C7's coded line carries another REF*6R: matched on line number instead
    assert lines[("C7", 1)]["coding_match_method"] == "line_number"
    # C8 was coded and never billed
    assert (lines[("C8", 1)]["is_billed"], lines[("C8", 1)]["coding_match_method"]) == (
        False,
        "unbilled",
    )


def test_orphans_on_every_side_are_counted(built):
    data_dir, _ = built
    summary = {
        (r["record_type"], r["match_status"]): (r["record_count"], r["amount"])
        for r in query(data_dir, "select * from audit.match_summary")
    }
    # THEN X999 and the other practice's C1 are remittances with no claim of ours (50 + 500),
    # C6/C7 are claims with no remittance (75 + 110), C8 a coded line never billed (100), and C2
    # line 2 (no REF*6R echo) matched on service+charge
    assert summary[("remittance_claim", "unmatched")] == (2, Q("550.00"))
    assert summary[("claim", "without_remittance")] == (2, Q("185.00"))
    assert summary[("coded_line", "unbilled")] == (1, Q("100.00"))
    assert summary[("remittance_line", "procedure_modifiers_service_date_charge")][0] == 1


def test_a_patient_control_number_reused_by_another_practice_stays_two_claims(built):
    data_dir, _ = built
    # GIVEN two remittance files from the same payer naming different payees (PA1: our NPI, PO1:
    # another practice's NPI and TIN) that reuse the patient control number C1
    claims = {
        r["claim_id"]: r
        for r in query(
            data_dir, "select * from marts.fct_claims where patient_control_number = 'C1'"
        )
    }
    # THEN they are two claims: ours (billed 100, paid 80) and the other practice's, kept apart
    # as an unmatched remittance (billed 600 on its 835, paid 500), nothing netted across them
    assert {
        key: (r["billing_provider_key"], r["has_submission"], r["billed_amount"], r["paid_amount"])
        for key, r in claims.items()
    } == {
        claim_key("C1"): ("NPI:1234567893", True, Q("100.00"), Q("80.00")),
        claim_key("C1", OTHER_NPI): (f"NPI:{OTHER_NPI}", False, Q("600.00"), Q("500.00")),
    }
    # ... the money of both is in fct_remittance_claims, each CLP on its own claim
    remits = query(
        data_dir,
        """
        select file_name, claim_id, claim_match_status, provider_match_method, paid_amount
        from marts.fct_remittance_claims
        where patient_control_number in ('C1', 'C4') and is_counted order by file_name""",
    )
    assert [tuple(r.values()) for r in remits] == [
        (
            "remits/other_practice.835",
            claim_key("C1", OTHER_NPI),
            "unmatched",
            "other_provider",
            Q("500.00"),
        ),
        ("remits/pa1.835", claim_key("C1"), "matched", "payee_npi", Q("80.00")),
        # PB1 names its payee by tax id only: matched to our C4 by TIN
        ("remits/pb1.835", claim_key("C4"), "matched", "payee_tin", Q("0.00")),
    ]
    # ... the other practice's line echoes our REF*6R but pays no line of ours
    lines = query(
        data_dir,
        """
        select claim_line_id, claim_line_match_method from marts.fct_remittance_service_lines
        where file_name = 'remits/other_practice.835'""",
    )
    assert lines == [{"claim_line_id": None, "claim_line_match_method": "unmatched"}]
    ours = query(
        data_dir,
        "select paid_amount, remittance_line_count from marts.fct_claim_lines "
        "where claim_id = 'NPI:1234567893|C1'",
    )
    assert ours == [{"paid_amount": Q("80.00"), "remittance_line_count": 1}]
    # ... the unmatched ones are counted in their own bucket, by file, payer and reason
    bucket = {
        (r["file_name"], r["payer_id"], r["payee_provider_key"], r["unmatched_reason"]): (
            r["remittance_claims"],
            r["paid_amount"],
        )
        for r in query(data_dir, "select * from audit.unmatched_remittances")
    }
    assert bucket == {
        ("remits/other_practice.835", "ACME01", f"NPI:{OTHER_NPI}", "other_provider"): (
            1,
            Q("500.00"),
        ),
        ("remits/pa2.835", "ACME01", "NPI:1234567893", "not_billed"): (1, Q("50.00")),
    }
    # ... and every KPI rate stays in [0, 1] (merged, C1 would have netted 580 on a charge of 100)
    rates = query(
        data_dir,
        """
        unpivot (select month_start_date, payer_id, columns('_rate') from marts.rpt_kpis_monthly)
        on columns('_rate') into name rate_name value rate_value""",
    )
    assert rates and all(Q(0) <= r["rate_value"] <= Q(1) for r in rates)


def test_audit_models_expose_ingestion_records(built):
    data_dir, _ = built
    manifest = query(
        data_dir, "select status, count(*) as files from audit.file_manifest group by status"
    )
    quarantine = query(data_dir, "select rule_id, file_name from audit.quarantine")
    # THEN the manifest and the quarantine are queryable in schema audit
    assert {r["status"]: r["files"] for r in manifest} == {"loaded": 12, "quarantined": 1}
    assert quarantine == [{"rule_id": "no_isa", "file_name": "remits/garbage.835"}]


def test_materialisations_follow_the_measured_plan(built):
    data_dir, _ = built
    # WHEN the relations' kinds are read from the catalog
    kinds = {
        (r["table_schema"], r["table_name"]): r["table_type"]
        for r in query(
            data_dir, "select table_schema, table_name, table_type from information_schema.tables"
        )
    }
    # THEN the coded lines (read by ~8 models) are written once as a (claim-scoped incremental)
    # table over a view of their versions, the adjustments' classification is a view, the line
    # outcomes are a table that fct_claim_lines projects, and every mart analysts query is a table
    assert kinds[("intermediate", "int_coded_lines")] == "BASE TABLE"
    assert kinds[("staging", "stg_encounters__coded_line_versions")] == "VIEW"
    assert kinds[("staging", "stg_claims__claim_lines")] == "VIEW"
    assert kinds[("intermediate", "int_claim_lines_outcomes")] == "BASE TABLE"
    assert kinds[("intermediate", "int_remittance_adjustments_classified")] == "VIEW"
    assert kinds[("intermediate", "int_claims_lifecycle")] == "BASE TABLE"
    marts = {name: kind for (schema, name), kind in kinds.items() if schema == "marts"}
    assert len(marts) >= 14 and set(marts.values()) == {"BASE TABLE"}


def test_claim_line_counts_on_claims_agree_with_claim_lines(built):
    data_dir, _ = built
    # WHEN fct_claims' line summary is compared with fct_claim_lines (which it now reads) counted
    # independently here
    mismatches = query(
        data_dir,
        """
        select claims.claim_id
        from marts.fct_claims as claims
        left join (
            select claim_id, count(*) filter (where is_coded) as coded,
                count(*) filter (where has_coding_check_failure) as failed
            from marts.fct_claim_lines where is_billed group by claim_id
        ) as lines on claims.claim_id = lines.claim_id
        where claims.coded_line_count <> coalesce(lines.coded, 0)
            or claims.lines_failed_coding_check <> coalesce(lines.failed, 0)
    """,
    )
    coded = query(data_dir, "select sum(coded_line_count) as n from marts.fct_claims")
    # THEN every claim agrees, and the scenario has coded billed lines to count
    assert mismatches == []
    assert coded[0]["n"] > 0


def test_docs_generate_offline_into_the_data_dir(built):
    data_dir, _ = built
    # WHEN the docs are generated after the build (no network in this sandbox)
    result = docs(data_dir)
    page = Path(result["static_index"])
    # THEN one self-contained page sits in the data dir's dbt target, documenting the marts, and
    # it uses the as-of date of the last build
    assert page.parent == data_dir.resolve() / "dbt" / "target"
    text = page.read_text(encoding="utf-8")
    assert "model.rcm.rpt_kpis_monthly" in text and "Initial denial rate" in text
    assert result["as_of"] == "2026-03-31"


@pytest.mark.slow
def test_build_names_the_failing_rule(tmp_path: Path):
    # GIVEN the scenario with one 835 payment whose balancing flag contradicts its numbers
    data_dir = tmp_path / "data"
    write_scenario(data_dir)
    raw = data_dir / "raw" / "x835_payments"
    for path in raw.glob("*.parquet"):
        table = pq.read_table(path)
        if table.num_rows:
            table = table.set_column(
                table.schema.get_field_index("is_balanced"),
                "is_balanced",
                pc.invert(table["is_balanced"]),
            )
            pq.write_table(table, path)
            break
    # WHEN building THEN the error names the singular test that quotes the rule
    with pytest.raises(WarehouseBuildFailed, match="assert_835_payment_balancing_reflected"):
        build(data_dir, AS_OF)


def test_after_a_build_the_ingestion_gate_needs_no_dbt_run(built, monkeypatch):
    from transforms.quality import inputs

    data_dir, _ = built
    # GIVEN the build (it created the gates' views from this project) WHEN a gate prepares its
    # inputs, THEN dbt is not run again
    monkeypatch.setattr(inputs, "_run_dbt", lambda *args: pytest.fail("dbt ran again"))
    assert inputs.build(data_dir, AS_OF, "ingestion", ["qi_encounter_lines"]) == {}
    assert inputs.build(data_dir, AS_OF, "publish", ["qi_rpt_kpis_monthly"]) == {}
