"""A small hand-made published warehouse for the report tests (no pipeline needed).

`build_warehouse(data_dir)` writes `<data_dir>/warehouse/analytics.duckdb` with the mart tables the
report reads (columns and types as the dbt marts in models/marts/** create them), a few rows each,
the gates' `quality` tables and two `ref` code sets. The report marts computed from those
(`REPORT_MODELS`: the window sums, rankings, A/R and audit summaries) are the dbt models
themselves, compiled once per session and run on the fixture (`build_report_marts`); a test that
changes a base table rebuilds them. Rows outside the report window, a later gate
run and an older one are there to prove the report filters them out. Patient identifiers
(`PHI_TOKENS`) sit in the columns that hold them in the real warehouse, and in an intermediate table with
names and birth dates, so a test can prove none of them reaches a report file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb

AS_OF = dt.date(2026, 10, 15)
RUN_ID = "2026-10-15__20261015T020000"
OLD_RUN_ID = "2026-10-14__20261014T020000"
LATER_RUN_ID = "2026-10-16__20261016T020000"

PHI_TOKENS = (
    "PCN-SECRET",
    "ENC-SECRET",
    "ROWKEY-SECRET",
    "Z99SECRET",
    "Quixote",
    "Zelda",
    "1931-07-04",
    "MBR-SECRET",
    "LICN-SECRET",
)

DDL = {
    "marts.dim_payers": "payer_id varchar, payer_name varchar, claim_filing_indicator_code "
    "varchar, payer_category varchar, is_on_claims boolean, "
    "is_on_remittances boolean",
    "marts.rpt_kpis_monthly": (
        "month_start_date date, payer_id varchar, payer_name varchar, claims_adjudicated bigint, "
        "claims_initially_denied hugeint, claims_initially_denied_full hugeint, "
        "claims_initially_denied_partial hugeint, initial_denial_rate decimal(9,6), "
        "initial_denial_rate_full decimal(9,6), initial_denial_rate_partial decimal(9,6), "
        "lines_adjudicated bigint, lines_initially_denied hugeint, "
        "initial_line_denial_rate decimal(9,6), initial_denial_rate_dollars decimal(9,6), "
        "adjudicated_billed_amount decimal(18,2), billed_amount decimal(18,2), "
        "initial_denied_amount decimal(18,2), final_denied_amount decimal(18,2), "
        "final_denial_rate decimal(9,6), final_denial_rate_net_revenue decimal(9,6), "
        "claims_overturned hugeint, claims_overturned_full hugeint, "
        "claims_overturned_partial hugeint, overturned_amount decimal(18,2), "
        "denial_overturn_rate decimal(9,6), claims_submitted bigint, clean_claims hugeint, "
        "clean_claim_rate decimal(9,6), claims_first_pass_resolved hugeint, "
        "first_pass_resolution_rate decimal(9,6), paid_amount decimal(18,2), "
        "secondary_paid_amount decimal(18,2), provider_adjustment_cash_amount decimal(18,2), "
        "patient_responsibility_amount decimal(18,2), contractual_adjustment_amount decimal(18,2), "
        "payer_net_collection_rate decimal(9,6), median_days_to_payment decimal(9,2), "
        "mean_days_to_payment decimal(9,2), unmatched_remittance_claims bigint, "
        "unmatched_paid_amount decimal(18,2), claims_submitted_adjudicated hugeint, "
        "adjudicated_share decimal(9,6), days_since_month_end bigint, is_mature boolean"
    ),
    "marts.rpt_denials": (
        "denial_group_key varchar, month_start_date date, payer_id varchar, payer_name varchar, "
        "denial_root_cause varchar, carc_code varchar, procedure_code varchar, "
        "rendering_provider_npi varchar, coder_id varchar, denied_claims bigint, "
        "denied_lines bigint, denied_amount decimal(18,2), lines_failed_coding_check hugeint, "
        "failed_coding_check_denied_amount decimal(18,2), lines_overturned hugeint, "
        "still_denied_amount decimal(18,2)"
    ),
    "marts.rpt_ar_aging": (
        "as_of_date date, payer_id varchar, payer_name varchar, age_bucket varchar, "
        "bucket_order integer, is_over_90_days boolean, open_claims bigint, "
        "insurance_balance_amount decimal(18,2), denied_balance_amount decimal(18,2), "
        "patient_balance_amount decimal(18,2), ar_balance_amount decimal(18,2)"
    ),
    "marts.fct_claims": (
        "claim_id varchar, patient_control_number varchar, billing_provider_key varchar, "
        "has_submission boolean, has_remittance boolean, payer_id varchar, "
        "rendering_provider_npi varchar, first_submission_date date, billed_amount decimal(18,2), "
        "first_adjudication_date date, last_adjudication_date date, first_payment_date date, "
        "days_to_payment bigint, initial_outcome varchar, final_status varchar, "
        "is_initially_denied boolean, paid_amount decimal(18,2), "
        "open_balance_amount decimal(18,2), is_clean_claim boolean"
    ),
    "marts.fct_claim_lines": (
        "claim_line_key varchar, claim_id varchar, patient_control_number varchar, "
        "line_number integer, claim_line_id varchar, "
        "coded_line_id varchar, encounter_line_id varchar, encounter_id varchar, "
        "line_item_control_number varchar, is_coded boolean, is_billed boolean, payer_id varchar, "
        "coder_id varchar, rendering_provider_npi varchar, service_date date, "
        "procedure_code varchar, billed_amount decimal(18,2), has_coding_check_failure boolean, "
        "first_adjudication_date date, is_initially_denied boolean, "
        "initial_denied_amount decimal(18,2), initial_primary_denial_carc_code varchar, "
        "initial_denial_root_cause varchar, initial_remark_codes varchar, "
        "is_finally_denied boolean, final_denied_amount decimal(18,2)"
    ),
    "ref.ref_carc_codes": "carc_code varchar, description varchar, root_cause varchar, "
    "is_denial boolean",
    "ref.ref_rarc_codes": "rarc_code varchar, description varchar",
    "ref.kpi_targets": (
        "measure varchar, comparator varchar, target_value decimal(9,6), "
        "benchmark_low decimal(9,6), benchmark_high decimal(9,6), target_text varchar, "
        "source varchar"
    ),
    "marts.rpt_denial_work_queue": (
        "as_of_date date, work_queue_rank bigint, priority integer, priority_label varchar, "
        "claim_id varchar, patient_control_number varchar, payer_id varchar, payer_name varchar, "
        "recoverable_amount decimal(18,2), denial_root_cause varchar, carc_code varchar, "
        "carc_description varchar, rarc_code varchar, rarc_description varchar, "
        "owning_team varchar, denial_attributed_check varchar, denial_date date, "
        "appeal_window_days integer, appeal_deadline_date date, days_left bigint, "
        "first_service_date date, timely_filing_days integer, "
        "timely_filing_deadline_date date, days_left_to_correct bigint, next_action varchar, "
        "next_deadline_date date, days_to_next_deadline bigint, deadline_source varchar, "
        "is_default_deadline boolean"
    ),
    "audit.file_manifest": (
        "file_name varchar, file_sha256 varchar, status varchar, units_in bigint, "
        "units_loaded bigint, units_quarantined bigint"
    ),
    "audit.file_holds": (
        "file_sha256 varchar, file_name varchar, hold_status varchar, held_since_as_of date, "
        "check_names varchar, flagged_rows bigint, released_as_of date"
    ),
    "audit.quarantine": (
        "file_name varchar, file_sha256 varchar, quarantine_unit varchar, rule_id varchar, "
        "recorded_at timestamp"
    ),
    "audit.unmatched_remittances": (
        "file_name varchar, payer_id varchar, payee_provider_key varchar, "
        "unmatched_reason varchar, remittance_claims bigint, paid_amount decimal(18,2)"
    ),
    "audit.build_watermarks": "built_at timestamp, as_of_date date",
    "audit.file_findings": (
        "file_name varchar, file_sha256 varchar, source_position bigint, element_id varchar, "
        "rule_id varchar, recorded_at timestamp"
    ),
    "intermediate.int_coded_lines": (
        "encounter_id varchar, patient_name varchar, patient_birth_date date, member_id varchar"
    ),
    "quality.validation_runs": (
        "run_id varchar, gate varchar, as_of_date date, suite varchar, started_at timestamp, "
        "finished_at timestamp, success boolean, critical_failures integer, "
        "warning_failures integer, evaluated_expectations integer, rows_validated bigint"
    ),
    "quality.expectation_results": (
        "run_id varchar, as_of_date date, suite varchar, expectation varchar, severity varchar, "
        "success boolean, unexpected_count bigint, unexpected_percent double, "
        "observed_value varchar, check_name varchar, table_name varchar, gx_suite varchar, "
        "element_count bigint"
    ),
    "quality.row_failures": (
        "run_id varchar, as_of_date date, check_name varchar, severity varchar, "
        "table_name varchar, row_key varchar, claim_id varchar, offending_value varchar"
    ),
}

PAYERS = {"P1": "ACME HEALTH", "P2": "NORTHWIND MUTUAL"}


def _rate(numerator: Any, denominator: Any) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def kpi_row(
    month: dt.date,
    payer_id: str,
    adjudicated: int,
    denied: int,
    billed: str,
    denied_amount: str,
    final_amount: str,
    overturned: int,
    submitted: int,
    clean: int,
    first_pass: int,
    paid: str,
    contractual: str,
    median: str | None,
    mean: str | None,
    *,
    mature: bool = False,
    denied_partial: int = 0,
    patient_responsibility: str = "0.00",
    plb_cash: str = "0.00",
) -> dict[str, Any]:
    """One rpt_kpis_monthly row, every rate computed from its counts and sums as the mart does.

    Lines: two per adjudicated claim; a full denial denies both, a partial one. Every overturn is
    a full one and recovers the initially denied minus the still denied dollars.
    """
    billed_d, paid_d, contractual_d = Decimal(billed), Decimal(paid), Decimal(contractual)
    pr_d, plb_d = Decimal(patient_responsibility), Decimal(plb_cash)
    denied_full = denied - denied_partial
    lines, lines_denied = 2 * adjudicated, 2 * denied_full + denied_partial
    month_end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {
        "month_start_date": month,
        "payer_id": payer_id,
        "payer_name": "All payers" if payer_id == "ALL" else PAYERS[payer_id],
        "claims_adjudicated": adjudicated,
        "claims_initially_denied": denied,
        "claims_initially_denied_full": denied_full,
        "claims_initially_denied_partial": denied_partial,
        "initial_denial_rate": _rate(denied, adjudicated),
        "initial_denial_rate_full": _rate(denied_full, adjudicated),
        "initial_denial_rate_partial": _rate(denied_partial, adjudicated),
        "lines_adjudicated": lines,
        "lines_initially_denied": lines_denied,
        "initial_line_denial_rate": _rate(lines_denied, lines),
        "initial_denial_rate_dollars": _rate(Decimal(denied_amount), billed_d),
        "adjudicated_billed_amount": billed_d,
        "billed_amount": billed_d,
        "initial_denied_amount": Decimal(denied_amount),
        "final_denied_amount": Decimal(final_amount),
        "final_denial_rate": _rate(Decimal(final_amount), billed_d),
        "final_denial_rate_net_revenue": _rate(Decimal(final_amount), billed_d - contractual_d),
        "claims_overturned": overturned,
        "claims_overturned_full": overturned,
        "claims_overturned_partial": 0,
        "overturned_amount": Decimal(denied_amount) - Decimal(final_amount),
        "denial_overturn_rate": _rate(overturned, denied),
        "claims_submitted": submitted,
        "clean_claims": clean,
        "clean_claim_rate": _rate(clean, submitted),
        "claims_first_pass_resolved": first_pass,
        "first_pass_resolution_rate": _rate(first_pass, adjudicated),
        "paid_amount": paid_d,
        "secondary_paid_amount": Decimal("0.00"),
        "provider_adjustment_cash_amount": plb_d,
        "patient_responsibility_amount": pr_d,
        "contractual_adjustment_amount": contractual_d,
        "payer_net_collection_rate": _rate(paid_d + plb_d, billed_d - contractual_d - pr_d),
        "median_days_to_payment": Decimal(median) if median else None,
        "mean_days_to_payment": Decimal(mean) if mean else None,
        "unmatched_remittance_claims": 0,
        "unmatched_paid_amount": Decimal("0.00"),
        "claims_submitted_adjudicated": submitted if mature else submitted // 2,
        "adjudicated_share": _rate(submitted if mature else submitted // 2, submitted),
        "days_since_month_end": (AS_OF - (month_end - dt.timedelta(days=1))).days,
        "is_mature": mature,
    }


def kpi_rows() -> list[dict[str, Any]]:
    d = dt.date
    return [
        # outside the window (before Nov 2025): must not appear in the trend tables
        kpi_row(
            d(2025, 10, 1),
            "ALL",
            999,
            99,
            "99999.00",
            "9999.00",
            "999.00",
            9,
            999,
            900,
            800,
            "50000.00",
            "9000.00",
            "30.00",
            "31.00",
            mature=True,
        ),
        # June and July 2026 are mature (more than 60 days since their end): July is the
        # headline month, compared with June. Its values sit on the targets' edges: initial
        # denial rate exactly 5% (misses < 5%), clean claims exactly 95% (meets >= 95%),
        # first-pass resolution 87.5% (misses >= 90%), payer NCR (2600 + 60) / (4000 - 1000 -
        # 200) = 95% (meets >= 95%).
        kpi_row(
            d(2026, 6, 1),
            "ALL",
            20,
            2,
            "2000.00",
            "200.00",
            "100.00",
            1,
            20,
            18,
            16,
            "1300.00",
            "500.00",
            "18.00",
            "19.00",
            mature=True,
        ),
        kpi_row(
            d(2026, 7, 1),
            "ALL",
            40,
            2,
            "4000.00",
            "300.00",
            "100.00",
            1,
            100,
            95,
            35,
            "2600.00",
            "1000.00",
            "19.00",
            "20.00",
            mature=True,
            denied_partial=1,
            patient_responsibility="200.00",
            plb_cash="60.00",
        ),
        kpi_row(
            d(2026, 7, 1),
            "P1",
            25,
            1,
            "2500.00",
            "100.00",
            "50.00",
            1,
            60,
            58,
            23,
            "1700.00",
            "600.00",
            "18.00",
            "19.00",
            mature=True,
            denied_partial=1,
            patient_responsibility="100.00",
            plb_cash="60.00",
        ),
        kpi_row(
            d(2026, 7, 1),
            "P2",
            15,
            1,
            "1500.00",
            "200.00",
            "50.00",
            0,
            40,
            37,
            12,
            "900.00",
            "400.00",
            "20.00",
            "21.50",
            mature=True,
            patient_responsibility="100.00",
        ),
        # August to October: immature (fewer than 60 days since their end)
        kpi_row(
            d(2026, 8, 1),
            "ALL",
            30,
            3,
            "3000.00",
            "310.00",
            "100.00",
            1,
            33,
            31,
            26,
            "2100.00",
            "600.00",
            "19.00",
            "20.50",
        ),
        kpi_row(
            d(2026, 8, 1),
            "P1",
            20,
            2,
            "2000.00",
            "210.00",
            "60.00",
            1,
            21,
            20,
            17,
            "1400.00",
            "400.00",
            "18.00",
            "19.25",
        ),
        kpi_row(
            d(2026, 8, 1),
            "P2",
            10,
            1,
            "1000.00",
            "100.00",
            "40.00",
            0,
            12,
            11,
            9,
            "700.00",
            "200.00",
            "21.00",
            "23.00",
        ),
        kpi_row(
            d(2026, 9, 1),
            "ALL",
            50,
            4,
            "5200.00",
            "420.00",
            "300.00",
            1,
            48,
            45,
            44,
            "3700.00",
            "1000.00",
            "20.00",
            "22.40",
        ),
        kpi_row(
            d(2026, 9, 1),
            "P1",
            30,
            3,
            "3100.00",
            "420.00",
            "300.00",
            1,
            28,
            26,
            25,
            "2200.00",
            "600.00",
            "20.00",
            "21.10",
        ),
        kpi_row(
            d(2026, 9, 1),
            "P2",
            20,
            1,
            "2100.00",
            "0.00",
            "0.00",
            0,
            20,
            19,
            19,
            "1500.00",
            "400.00",
            "21.50",
            "24.35",
        ),
        kpi_row(
            d(2026, 10, 1),
            "ALL",
            40,
            6,
            "4100.00",
            "740.00",
            "740.00",
            0,
            10,
            8,
            33,
            "2600.00",
            "800.00",
            "22.00",
            "23.75",
        ),
        kpi_row(
            d(2026, 10, 1),
            "P1",
            25,
            2,
            "2500.00",
            "80.00",
            "80.00",
            0,
            6,
            5,
            22,
            "1800.00",
            "500.00",
            "21.00",
            "22.00",
        ),
        kpi_row(
            d(2026, 10, 1),
            "P2",
            15,
            4,
            "1600.00",
            "660.00",
            "660.00",
            0,
            4,
            3,
            11,
            "800.00",
            "300.00",
            "24.00",
            "26.67",
        ),
    ]


DENIAL_FIELDS = (
    "month_start_date",
    "payer_id",
    "denial_root_cause",
    "carc_code",
    "procedure_code",
    "rendering_provider_npi",
    "coder_id",
    "denied_claims",
    "denied_lines",
    "denied_amount",
    "lines_failed_coding_check",
    "failed_coding_check_denied_amount",
    "lines_overturned",
    "still_denied_amount",
)


def denial_rows() -> list[dict[str, Any]]:
    d = dt.date
    raw = [
        (
            d(2026, 9, 1),
            "P1",
            "coding",
            "11",
            "99213",
            "1234567893",
            "CODER-A",
            2,
            2,
            "300.00",
            2,
            "300.00",
            0,
            "300.00",
        ),
        (
            d(2026, 9, 1),
            "P1",
            "billing",
            "16",
            "99214",
            "1234567893",
            "CODER-B",
            1,
            1,
            "120.00",
            0,
            "0.00",
            1,
            "0.00",
        ),
        (
            d(2026, 10, 1),
            "P2",
            "coding",
            "4",
            "99213",
            "1987654325",
            "CODER-A",
            1,
            3,
            "450.00",
            1,
            "150.00",
            0,
            "450.00",
        ),
        (
            d(2026, 10, 1),
            "P2",
            "front_end",
            "27",
            "99215",
            "1987654325",
            "CODER-B",
            1,
            1,
            "210.00",
            0,
            "0.00",
            0,
            "210.00",
        ),
        (
            d(2026, 10, 1),
            "P1",
            "billing",
            "16",
            "99213",
            "1234567893",
            "CODER-A",
            1,
            1,
            "80.00",
            1,
            "80.00",
            0,
            "80.00",
        ),
        (
            d(2026, 8, 1),
            "P2",
            "unknown",
            "unknown",
            "J1100",
            "unknown",
            "unknown",
            1,
            1,
            "25.00",
            0,
            "0.00",
            0,
            "25.00",
        ),
        (
            d(2026, 10, 1),
            "P1",
            "unclassified",
            "A1",
            "99214",
            "1234567893",
            "CODER-B",
            1,
            1,
            "65.00",
            0,
            "0.00",
            0,
            "65.00",
        ),
        # outside the window: must not be counted anywhere
        (
            d(2025, 9, 1),
            "P1",
            "coding",
            "11",
            "99213",
            "1234567893",
            "CODER-A",
            9,
            9,
            "9999.00",
            9,
            "9999.00",
            0,
            "9999.00",
        ),
    ]
    rows = []
    for values in raw:
        row = dict(zip(DENIAL_FIELDS, values, strict=True))
        for money in ("denied_amount", "failed_coding_check_denied_amount", "still_denied_amount"):
            row[money] = Decimal(row[money])
        row["payer_name"] = PAYERS[row["payer_id"]]
        row["denial_group_key"] = "|".join(str(values[i]) for i in range(7))
        rows.append(row)
    return rows


AR_BALANCES = {  # payer -> per bucket (insurance, denied, patient); A/R = their sum
    "P1": (
        ("60.00", "40.00", "0.00"),
        ("0.00", "0.00", "0.00"),
        ("200.50", "0.00", "50.00"),
        ("0.00", "0.00", "0.00"),
        ("0.00", "25.25", "50.00"),
    ),
    "P2": (
        ("0.00", "0.00", "0.00"),
        ("300.00", "0.00", "0.00"),
        ("0.00", "0.00", "0.00"),
        ("10.00", "30.00", "0.00"),
        ("0.00", "600.00", "400.00"),
    ),
}
# A/R by bucket: P1 100.00, 0, 250.50, 0, 75.25; P2 0, 300.00, 0, 40.00, 1000.00. Over 90 days:
# 75.25 + 40.00 + 1000.00 = 1115.25 of 1765.75 in all.
AR_OVER_90_SHARE = Decimal("0.631601")


def ar_rows() -> list[dict[str, Any]]:
    buckets = ("0-30", "31-60", "61-90", "91-120", ">120")
    claims = {"P1": (1, 0, 2, 0, 1), "P2": (0, 3, 0, 1, 4)}
    rows = []
    for payer in ("P1", "P2"):
        for order, bucket in enumerate(buckets, start=1):
            insurance, denied, patient = (Decimal(v) for v in AR_BALANCES[payer][order - 1])
            rows.append(
                {
                    "as_of_date": AS_OF,
                    "payer_id": payer,
                    "payer_name": PAYERS[payer],
                    "age_bucket": bucket,
                    "bucket_order": order,
                    "is_over_90_days": order >= 4,
                    "open_claims": claims[payer][order - 1],
                    "insurance_balance_amount": insurance,
                    "denied_balance_amount": denied,
                    "patient_balance_amount": patient,
                    "ar_balance_amount": insurance + denied + patient,
                }
            )
    return rows


def claim_rows() -> list[dict[str, Any]]:
    d = dt.date
    spec = [  # (first adjudication, days to payment)
        (d(2026, 9, 3), 10),
        (d(2026, 9, 20), 20),
        (d(2026, 10, 2), 14),
        (d(2026, 10, 9), 35),
        (d(2026, 8, 14), 130),
        (d(2025, 6, 1), 50),
        (d(2026, 10, 1), None),
        (None, None),
    ]
    rows = []
    for number, (adjudicated, days) in enumerate(spec, start=1):
        rows.append(
            {
                "claim_id": f"NPI:1234567893|PCN-SECRET-{number:04d}",
                "patient_control_number": f"PCN-SECRET-{number:04d}",
                "billing_provider_key": "NPI:1234567893",
                "has_submission": True,
                "has_remittance": adjudicated is not None,
                "payer_id": "P1" if number % 2 else "P2",
                "rendering_provider_npi": "1234567893",
                "first_submission_date": d(2026, 8, 1),
                "billed_amount": Decimal("100.00"),
                "first_adjudication_date": adjudicated,
                "last_adjudication_date": adjudicated,
                "days_to_payment": days,
                "final_status": "paid" if days else "open",
                "is_initially_denied": False,
                "paid_amount": Decimal("80.00"),
                "open_balance_amount": Decimal("0.00"),
                "is_clean_claim": True,
            }
        )
    return rows


def claim_line_rows() -> list[dict[str, Any]]:
    d = dt.date
    spec = [  # (adjudicated, remarks, denied, initial $, final $, failed coding check)
        (d(2026, 9, 10), "M76,N290", True, "300.00", "300.00", True),
        (d(2026, 10, 3), "M76", True, "150.00", "0.00", False),
        (d(2026, 10, 5), "MA130", True, "80.00", "80.00", True),
        (d(2025, 9, 1), "M76", True, "999.00", "999.00", True),  # outside the window
        (d(2026, 10, 6), "M80", False, "0.00", "0.00", False),  # not denied
        (d(2026, 10, 7), None, True, "55.00", "55.00", False),  # no remark code
    ]
    rows = []
    for number, (adjudicated, remarks, denied, initial, final, failed) in enumerate(spec, 1):
        rows.append(
            {
                "claim_line_key": f"line-{number}",
                "claim_id": f"NPI:1234567893|PCN-SECRET-{number:04d}",
                "patient_control_number": f"PCN-SECRET-{number:04d}",
                "line_number": 1,
                "claim_line_id": f"line-{number}",
                "coded_line_id": f"ENC-SECRET-{number}:1",
                "encounter_line_id": f"ENC-SECRET-{number}:1",
                "encounter_id": f"ENC-SECRET-{number}",
                "line_item_control_number": f"LICN-SECRET-{number}",
                "is_coded": True,
                "is_billed": True,
                "payer_id": "P1",
                "coder_id": "CODER-A",
                "rendering_provider_npi": "1234567893",
                "service_date": d(2026, 8, 1),
                "procedure_code": "99213",
                "billed_amount": Decimal("300.00"),
                "has_coding_check_failure": failed,
                "first_adjudication_date": adjudicated,
                "is_initially_denied": denied,
                "initial_denied_amount": Decimal(initial),
                "initial_remark_codes": remarks,
                "is_finally_denied": Decimal(final) > 0,
                "final_denied_amount": Decimal(final),
            }
        )
    return rows


def quality_rows() -> dict[str, list[dict[str, Any]]]:
    def run(
        run_id: str,
        as_of: dt.date,
        gate: str,
        suite: str,
        success: bool,
        critical: int,
        warnings: int,
        hour: int,
    ) -> dict[str, Any]:
        finished = dt.datetime.combine(as_of, dt.time(hour, 5))
        return {
            "run_id": run_id,
            "gate": gate,
            "as_of_date": as_of,
            "suite": suite,
            "started_at": finished - dt.timedelta(minutes=3),
            "finished_at": finished,
            "success": success,
            "critical_failures": critical,
            "warning_failures": warnings,
            "evaluated_expectations": 12,
            "rows_validated": 200,
        }

    old, later = dt.date(2026, 10, 14), dt.date(2026, 10, 16)
    runs = [
        run(OLD_RUN_ID, old, "ingestion", "coding_quality", False, 0, 2, 2),
        run(OLD_RUN_ID, old, "publish", "publish_checks", True, 0, 0, 3),
        run(RUN_ID, AS_OF, "ingestion", "billing_quality", True, 0, 0, 2),
        run(RUN_ID, AS_OF, "ingestion", "coding_quality", False, 0, 1, 2),
        run(RUN_ID, AS_OF, "publish", "publish_checks", True, 0, 0, 3),
        run(LATER_RUN_ID, later, "ingestion", "coding_quality", False, 0, 5, 2),
    ]

    def result(
        run_id: str,
        as_of: dt.date,
        check: str,
        success: bool,
        count: int | None,
        percent: float | None,
        observed: str | None = None,
    ) -> dict[str, Any]:
        suite = check.split(".")[0]
        return {
            "run_id": run_id,
            "as_of_date": as_of,
            "suite": suite,
            "expectation": "expect_column_values_to_be_in_set(diagnosis_code_1)",
            "severity": "warning",
            "success": success,
            "unexpected_count": count,
            "unexpected_percent": percent,
            "observed_value": observed,
            "check_name": check,
            "table_name": "encounter_lines",
            "gx_suite": suite,
            "element_count": 200,
        }

    results = [
        result(
            RUN_ID, AS_OF, "coding_quality.diagnosis_code_1_billable", False, 3, 1.5, "Z99SECRET"
        ),
        result(RUN_ID, AS_OF, "coding_quality.modifier_valid", True, 0, 0.0),
        result(OLD_RUN_ID, old, "coding_quality.old_run_only_check", False, 7, 3.5),
        result(LATER_RUN_ID, later, "coding_quality.later_run_only_check", False, 9, 4.5),
    ]
    failures = [
        {
            "run_id": RUN_ID,
            "as_of_date": AS_OF,
            "check_name": "coding_quality.diagnosis_code_1_billable",
            "severity": "warning",
            "table_name": "encounter_lines",
            "row_key": f"ROWKEY-SECRET-{n}",
            "claim_id": f"PCN-SECRET-{claim:04d}",
            "offending_value": "Z99SECRET",
        }
        for n, claim in ((1, 1), (2, 1), (3, 2))
    ]
    return {
        "quality.validation_runs": runs,
        "quality.expectation_results": results,
        "quality.row_failures": failures,
    }


WORK_QUEUE_TEAMS = ("coding", "billing", "front end", "clinical")
WORK_QUEUE_ROWS = 27  # the page shows 25: 2 more, 220.00 + 190.00 = 410.00


def work_queue_rows() -> list[dict[str, Any]]:
    """27 queue rows: rank i recovers 1000 - 30 i dollars; rank 3 is due in 5 days (P1), the
    others in 60 (P3); team = WORK_QUEUE_TEAMS[i % 4]. Patient control numbers WQ-0001.. are
    the claim keys the work queue may show."""
    rows = []
    for i in range(1, WORK_QUEUE_ROWS + 1):
        days = 5 if i == 3 else 60
        rows.append(
            {
                "as_of_date": AS_OF,
                "work_queue_rank": i,
                "priority": 1 if days <= 14 else 3,
                "priority_label": "P1: deadline within 14 days"
                if days <= 14
                else "P3: deadline later",
                "claim_id": f"NPI:1234567893|WQ-{i:04d}",
                "patient_control_number": f"WQ-{i:04d}",
                "payer_id": "P1" if i % 2 else "P2",
                "payer_name": PAYERS["P1" if i % 2 else "P2"],
                "recoverable_amount": Decimal(1000 - 30 * i).quantize(Decimal("0.01")),
                "denial_root_cause": "coding",
                "carc_code": "11",
                "carc_description": "Diagnosis does not fit the procedure",
                "rarc_code": "M76" if i == 1 else None,
                "rarc_description": "Diagnosis missing, incomplete or invalid" if i == 1 else None,
                "owning_team": WORK_QUEUE_TEAMS[i % 4],
                "denial_date": AS_OF - dt.timedelta(days=120 - days),
                "appeal_window_days": 120,
                "appeal_deadline_date": AS_OF + dt.timedelta(days=days),
                "days_left": days,
                "first_service_date": dt.date(2026, 8, 1),
                "timely_filing_days": 365,
                "timely_filing_deadline_date": dt.date(2027, 8, 1),
                "days_left_to_correct": 290,
                "next_action": "appeal",
                "next_deadline_date": AS_OF + dt.timedelta(days=days),
                "days_to_next_deadline": days,
                "deadline_source": "CMS rule" if i % 2 else "Assumption: contract not loaded",
                "is_default_deadline": False,
            }
        )
    return rows


def kpi_target_rows() -> list[dict[str, Any]]:
    """The targets exactly as the seed holds them (seeds/kpi_targets.csv): one source."""
    import csv

    from transforms.settings import PROJECT_ROOT

    with (PROJECT_ROOT / "seeds" / "kpi_targets.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for key in ("target_value", "benchmark_low", "benchmark_high"):
            row[key] = Decimal(row[key]) if row[key] else None
    return rows


def audit_rows() -> dict[str, list[dict[str, Any]]]:
    """Two loaded 837s, one duplicate, one partly quarantined 835, a released hold and one
    unmatched remittance group (2 claims, 125.50 paid)."""
    return {
        "audit.file_manifest": [
            {
                "file_name": "claims/a.837",
                "file_sha256": "a" * 64,
                "status": "loaded",
                "units_in": 3,
                "units_loaded": 3,
                "units_quarantined": 0,
            },
            {
                "file_name": "claims/b.837",
                "file_sha256": "b" * 64,
                "status": "loaded",
                "units_in": 2,
                "units_loaded": 2,
                "units_quarantined": 0,
            },
            {
                "file_name": "claims/a-again.837",
                "file_sha256": "a" * 64,
                "status": "duplicate",
                "units_in": 3,
                "units_loaded": 0,
                "units_quarantined": 0,
            },
            {
                "file_name": "remits/c.835",
                "file_sha256": "c" * 64,
                "status": "partially_quarantined",
                "units_in": 4,
                "units_loaded": 3,
                "units_quarantined": 1,
            },
        ],
        "audit.file_holds": [
            {
                "file_sha256": "d" * 64,
                "file_name": "encounters/d.csv",
                "hold_status": "released",
                "held_since_as_of": dt.date(2026, 10, 13),
                "check_names": "coding_quality.x",
                "flagged_rows": 4,
                "released_as_of": dt.date(2026, 10, 14),
            },
        ],
        "audit.quarantine": [
            {
                "file_name": "remits/c.835",
                "file_sha256": "c" * 64,
                "quarantine_unit": "transaction_set",
                "rule_id": "x12.se01_count",
                "recorded_at": dt.datetime(2026, 10, 15, 2, 1),
            },
        ],
        "audit.unmatched_remittances": [
            {
                "file_name": "remits/c.835",
                "payer_id": "P1",
                "payee_provider_key": "NPI:999",
                "unmatched_reason": "not_billed",
                "remittance_claims": 2,
                "paid_amount": Decimal("125.50"),
            },
        ],
        "audit.build_watermarks": [
            {"built_at": dt.datetime(2026, 10, 15, 2, 30), "as_of_date": AS_OF},
        ],
    }


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = [part.strip().split(" ")[0] for part in re.split(r",(?![^()]*\))", DDL[table])]
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into {table} ({', '.join(columns)}) values ({placeholders})",
        [[row.get(c) for c in columns] for row in rows],
    )


# The dbt models the report reads that the fixture does not write by hand: built from its tables.
REPORT_MODELS = (
    "rpt_report_months",
    "rpt_report_windows",
    "rpt_warehouse_summary",
    "rpt_denials_by_root_cause",
    "rpt_denials_by_root_cause_monthly",
    "rpt_denials_by_payer_root_cause",
    "rpt_denial_rankings",
    "rpt_denial_remark_codes",
    "rpt_ar_aging_by_payer",
    "rpt_ar_aging_by_bucket",
    "rpt_days_to_payment",
    "rpt_denial_work_queue_by_team",
    "rpt_denial_work_queue_totals",
    "data_health_summary",
    "file_findings_by_rule",
    "quarantine_by_rule",
)


@functools.cache
def compiled_report_models() -> tuple[tuple[str, str, str], ...]:
    """(schema, name, compiled SQL) of REPORT_MODELS in build order, compiled by dbt as of AS_OF
    against a database named like the fixture's (analytics), so their refs resolve in it."""
    from dbt.cli.main import dbtRunner

    from transforms.settings import PROJECT_ROOT
    from transforms.warehouse import _environment

    root = Path(tempfile.mkdtemp(prefix="report-models-"))
    database = root / "analytics.duckdb"
    duckdb.connect(str(database)).close()
    target = root / "target"
    env = {"RCM_BUILD_DB": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    with _environment(env):
        outcome = dbtRunner().invoke(
            ["compile", "--quiet", "--select", *REPORT_MODELS]
            + ["--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT)]
            + ["--target-path", str(target), "--log-path", str(root / "logs")]
            + ["--vars", json.dumps({"as_of_date": AS_OF.isoformat()})]
        )
    assert outcome.success, outcome.exception
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    chosen = {k: v for k, v in nodes.items() if v["resource_type"] == "model"}
    chosen = {k: v for k, v in chosen.items() if v["name"] in REPORT_MODELS}
    ordered: list[str] = []
    while len(ordered) < len(chosen):
        for key, node in sorted(chosen.items()):
            needs = [d for d in node["depends_on"]["nodes"] if d in chosen]
            if key not in ordered and all(d in ordered for d in needs):
                ordered.append(key)
    return tuple(
        (chosen[k]["schema"], chosen[k]["name"], chosen[k]["compiled_code"]) for k in ordered
    )


def build_report_marts(database: Path) -> None:
    """(Re)build the report marts (REPORT_MODELS) from the fixture's tables."""
    con = duckdb.connect(str(database))
    try:
        for schema, name, sql in compiled_report_models():
            con.execute(f"create or replace table {schema}.{name} as {sql}")
        con.execute("checkpoint")
    finally:
        con.close()


def build_warehouse(data_dir: Path, *, empty: bool = False) -> Path:
    """Write the fixture warehouse; `empty=True` creates the tables without rows."""
    path = data_dir / "warehouse" / "analytics.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "ref", "intermediate", "quality", "audit"):
            con.execute(f"create schema if not exists {schema}")
        for table, columns in DDL.items():
            con.execute(f"create table {table} ({columns})")
        if not empty:
            insert(
                con,
                "marts.dim_payers",
                [{"payer_id": k, "payer_name": v} for k, v in PAYERS.items()],
            )
            insert(con, "marts.rpt_kpis_monthly", kpi_rows())
            insert(con, "marts.rpt_denials", denial_rows())
            insert(con, "marts.rpt_ar_aging", ar_rows())
            insert(con, "marts.fct_claims", claim_rows())
            insert(con, "marts.fct_claim_lines", claim_line_rows())
            insert(
                con,
                "ref.ref_carc_codes",
                [
                    {
                        "carc_code": "11",
                        "description": "Diagnosis does not fit the procedure",
                        "root_cause": "coding",
                        "is_denial": True,
                    },
                    {
                        "carc_code": "16",
                        "description": "Claim lacks information or has a billing error",
                        "root_cause": "billing",
                        "is_denial": True,
                    },
                ],
            )
            insert(
                con,
                "ref.ref_rarc_codes",
                [{"rarc_code": "M76", "description": "Diagnosis missing, incomplete or invalid"}],
            )
            insert(
                con,
                "intermediate.int_coded_lines",
                [
                    {
                        "encounter_id": "ENC-SECRET-1",
                        "patient_name": "Quixote, Zelda",
                        "patient_birth_date": dt.date(1931, 7, 4),
                        "member_id": "MBR-SECRET-77",
                    }
                ],
            )
            for table, rows in quality_rows().items():
                insert(con, table, rows)
            insert(con, "ref.kpi_targets", kpi_target_rows())
            insert(con, "marts.rpt_denial_work_queue", work_queue_rows())
            for table, rows in audit_rows().items():
                insert(con, table, rows)
        con.execute("checkpoint")
    finally:
        con.close()
    build_report_marts(path)
    return path
