"""Builders for the quality-gate tests: small synthetic raw batches, written per raw_schema.

`RawBatch` writes rows as `raw/<table>/<sha>.parquet` (exact raw_schema columns and types) plus the
ingest run's `raw/file_manifest/<run>.parquet`, the way ingestion leaves them. Row factories give a
clean, internally consistent claim (coded lines, 837 claim and lines, 835 payment, claim, lines,
adjustments, PLB); tests override single fields to break exactly one rule. All identifiers are
made up; nothing here is patient data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from transforms import raw_schema

AS_OF = dt.date(2026, 6, 30)
SERVICE_DATE = dt.date(2026, 3, 2)
SUBMITTED = dt.date(2026, 3, 5)
PAID = dt.date(2026, 4, 1)
GOOD_NPI = "1234567893"  # Luhn-valid (prefix 80840)
GOOD_NPI_2 = "1245319599"  # Luhn-valid
BAD_NPI = "1234567890"  # wrong check digit


def _arrow_type(sql_type: str) -> pa.DataType:
    match = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", sql_type)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    return {
        "VARCHAR": pa.string(),
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "BOOLEAN": pa.bool_(),
        "DOUBLE": pa.float64(),
    }[sql_type]


def raw_arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _arrow_type(t)) for name, t in raw_schema.RAW_TABLES[table]])


def write_raw(data_dir: Path, table: str, sha: str, rows: list[dict[str, Any]]) -> Path:
    """Write rows (missing columns = null) as raw/<table>/<sha>.parquet."""
    schema = raw_arrow_schema(table)
    folder = data_dir / "raw" / table
    folder.mkdir(parents=True, exist_ok=True)
    data = pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)
    path = folder / f"{sha}.parquet"
    pq.write_table(data, path)
    return path


def sha_of(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


class RawBatch:
    """One ingest run: files (each a sha) with rows per raw table, and the run's manifest."""

    def __init__(
        self,
        data_dir: Path,
        ingest_run_id: str = "ingest-001",
        loaded_at: dt.datetime = dt.datetime(2026, 6, 30, 2, 0),
    ) -> None:
        self.data_dir = data_dir
        self.ingest_run_id = ingest_run_id
        self.loaded_at = loaded_at
        self.files: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def add(self, file_label: str, table: str, rows: list[dict[str, Any]]) -> RawBatch:
        self.files.setdefault(file_label, {}).setdefault(table, []).extend(rows)
        return self

    def write(self, status: str = "loaded") -> RawBatch:
        manifest = []
        for label, tables in self.files.items():
            sha = sha_of(label)
            for table, rows in tables.items():
                # lineage as ingestion writes it: every row names the file it came from
                rows = [{**r, "file_name": label, "file_sha256": sha} for r in rows]
                write_raw(self.data_dir, table, sha, rows)
            manifest.append(
                {
                    "ingest_run_id": self.ingest_run_id,
                    "file_name": label,
                    "file_sha256": sha,
                    "file_kind": "encounters" if "encounter_lines" in tables else "x12",
                    "size_bytes": 1,
                    "received_at": self.loaded_at,
                    "loaded_at": self.loaded_at,
                    "status": status,
                    "units_in": 1,
                    "units_loaded": 1,
                    "units_quarantined": 0,
                }
            )
        write_raw(self.data_dir, "file_manifest", self.ingest_run_id, manifest)
        return self


# ---- clean rows --------------------------------------------------------------------------------


def encounter_line(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "encounter_line_id": f"enc:{n}",
        "encounter_id": f"E{n // 10}",
        "claim_id": "PCN001",
        "line_number": n,
        "line_item_control_number": f"LI{n}",
        "patient_id": "P-SYNTH-1",
        "patient_birth_date": dt.date(1970, 5, 1),
        "patient_sex": "F",
        "payer_id": "PAYER1",
        "payer_name": "Payer One",
        "claim_filing_indicator_code": "CI",
        "rendering_npi": GOOD_NPI,
        "billing_npi": GOOD_NPI_2,
        "place_of_service_code": "11",
        "service_date": SERVICE_DATE,
        "procedure_code": "99213",
        "modifier_1": "25",
        "units": Decimal("1.00"),
        "charge_amount": Decimal("120.00"),
        "diagnosis_code_1": "E11.9",
        "diagnosis_code_2": "I10",
        "coder_id": "coder-1",
        "coded_at": dt.datetime(2026, 3, 3, 9, 0),
        "file_name": "encounters.csv",
        "file_sha256": sha_of("encounters.csv"),
        "source_line_number": n + 1,
    }
    row.update(overrides)
    return row


def x837_claim(pcn: str = "PCN001", **overrides: Any) -> dict[str, Any]:
    row = {
        "claim_submission_id": f"c837:{pcn}",
        "claim_type": "837P",
        "submission_date": SUBMITTED,
        "billing_provider_npi": GOOD_NPI_2,
        "payer_id": "PAYER1",
        "payer_name": "Payer One",
        "patient_control_number": pcn,
        "billed_amount": Decimal("200.00"),
        "claim_frequency_code": "1",
        "place_of_service_code": "11",
        "line_count": 2,
        "line_billed_total": Decimal("200.00"),
        "patient_id": "P-SYNTH-1",
        "patient_birth_date": dt.date(1970, 5, 1),
    }
    row.update(overrides)
    return row


def x837_line(pcn: str = "PCN001", n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "claim_line_id": f"l837:{pcn}:{n}",
        "claim_submission_id": f"c837:{pcn}",
        "patient_control_number": pcn,
        "line_number": n,
        "service_segment": "SV1",
        "procedure_qualifier": "HC",
        "procedure_code": "99213",
        "billed_amount": Decimal("100.00"),
        "unit_basis_code": "UN",
        "units": Decimal("1.00"),
        "diagnosis_pointer_1": 1,
        "service_date": SERVICE_DATE,
        "line_item_control_number": f"LI{n}",
    }
    row.update(overrides)
    return row


def x835_payment(pid: str = "pay:1", **overrides: Any) -> dict[str, Any]:
    row = {
        "payment_id": pid,
        "transaction_handling_code": "I",
        "payment_amount": Decimal("150.00"),
        "credit_debit_flag": "C",
        "payment_method_code": "ACH",
        "payment_date": PAID,
        "trace_number": f"TRN-{pid}",
        "payer_id": "PAYER1",
        "payer_name": "Payer One",
        "claim_count": 1,
        "claim_paid_total": Decimal("150.00"),
        "provider_adjustment_total": Decimal("0.00"),
        "balance_difference": Decimal("0.00"),
        "is_balanced": True,
    }
    row.update(overrides)
    return row


def x835_claim(pcn: str = "PCN001", rid: str = "rc:1", **overrides: Any) -> dict[str, Any]:
    row = {
        "remit_claim_id": rid,
        "payment_id": "pay:1",
        "patient_control_number": pcn,
        "claim_status_code": "1",
        "billed_amount": Decimal("200.00"),
        "paid_amount": Decimal("150.00"),
        "patient_responsibility_amount": Decimal("0.00"),
        "payer_claim_control_number": f"PCC-{rid}",
        "patient_id": "P-SYNTH-1",
        "balance_difference": Decimal("0.00"),
        "is_balanced": True,
    }
    row.update(overrides)
    return row


def x835_line(rid: str = "rc:1", n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "remit_line_id": f"{rid}:{n}",
        "remit_claim_id": rid,
        "payment_id": "pay:1",
        "line_sequence": n,
        "procedure_qualifier": "HC",
        "procedure_code": "99213",
        "billed_amount": Decimal("100.00"),
        "paid_amount": Decimal("75.00"),
        "adjustment_total": Decimal("25.00"),
        "balance_difference": Decimal("0.00"),
        "is_balanced": True,
    }
    row.update(overrides)
    return row


def x835_adjustment(rid: str = "rc:1", n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "adjustment_id": f"{rid}:adj{n}",
        "payment_id": "pay:1",
        "remit_claim_id": rid,
        "remit_line_id": f"{rid}:{n}",
        "adjustment_level": "line",
        "group_code": "CO",
        "reason_code": "45",
        "adjustment_amount": Decimal("25.00"),
    }
    row.update(overrides)
    return row


def x835_plb(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "provider_adjustment_id": f"plb:{n}",
        "payment_id": "pay:1",
        "provider_id": GOOD_NPI_2,
        "fiscal_period_date": dt.date(2026, 12, 31),
        "provider_adjustment_reason_code": "L6",
        "provider_adjustment_amount": Decimal("-1.50"),
    }
    row.update(overrides)
    return row


def clean_batch(data_dir: Path, **kwargs: Any) -> RawBatch:
    """One encounter file (2 coded lines) + one 837 (1 claim, 2 lines) + one 835 for it."""
    batch = RawBatch(data_dir, **kwargs)
    batch.add("encounters.csv", "encounter_lines", [encounter_line(1), encounter_line(2)])
    batch.add("claims.837", "x837_claims", [x837_claim()])
    batch.add("claims.837", "x837_claim_lines", [x837_line(n=1), x837_line(n=2)])
    batch.add("remit.835", "x835_payments", [x835_payment()])
    batch.add("remit.835", "x835_claims", [x835_claim()])
    batch.add("remit.835", "x835_service_lines", [x835_line(n=1), x835_line(n=2)])
    batch.add("remit.835", "x835_adjustments", [x835_adjustment(n=1), x835_adjustment(n=2)])
    batch.add("remit.835", "x835_provider_adjustments", [x835_plb()])
    return batch


# ---- reference code sets ----------------------------------------------------------------------


def write_seeds(folder: Path) -> Path:
    """Tiny stand-ins for the dbt seeds the billing suite reads (codes only)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ref_claim_status_codes.csv").write_text(
        "claim_status_code,description\n1,a\n2,b\n3,c\n4,d\n19,e\n22,f\n"
    )
    (folder / "ref_cas_group_codes.csv").write_text(
        "group_code,description\nCO,a\nPR,b\nOA,c\nPI,d\n"
    )
    (folder / "ref_carc_codes.csv").write_text(
        "carc_code,description,root_cause,is_denial\n1,a,x,false\n2,b,x,false\n45,c,x,false\n"
        "16,d,x,true\n50,e,x,true\n"
    )
    (folder / "ref_plb_reason_codes.csv").write_text("plb_reason_code,description\nL6,a\nWO,b\n")
    return folder


# ---- marts (publish gate) ----------------------------------------------------------------------

KPI_COLUMNS = (
    "initial_denial_rate",
    "initial_denial_rate_dollars",
    "final_denial_rate",
    "denial_overturn_rate",
    "clean_claim_rate",
    "first_pass_resolution_rate",
    "payer_net_collection_rate",
)


def build_marts(
    data_dir: Path,
    *,
    kpis: list[tuple] | None = None,
    payments: list[tuple] | None = None,
    claims: list[str] | None = None,
    lines: list[tuple] | None = None,
    skip: tuple[str, ...] = (),
) -> Path:
    """Write marts tables into build.duckdb (only the columns the publish checks read)."""
    db = data_dir / "warehouse" / "build.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    con.execute("create schema if not exists marts")
    if "rpt_kpis_monthly" not in skip:
        rate_columns = ", ".join(f"{c} decimal(9,6)" for c in KPI_COLUMNS)
        # is_mature and days_since_month_end: columns of the mart that are not rates
        con.execute(
            f"create or replace table marts.rpt_kpis_monthly (month_start_date date, "
            f"payer_id varchar, claims_adjudicated integer, {rate_columns}, "
            "days_since_month_end bigint default 90, is_mature boolean default true)"
        )
        for row in kpis or [
            (dt.date(2026, 3, 1), "ALL", 10, *(["0.100000"] * 7)),
            (dt.date(2026, 3, 1), "PAYER1", 10, *(["0.100000"] * 7)),
        ]:
            con.execute(
                "insert into marts.rpt_kpis_monthly (month_start_date, payer_id, "
                f"claims_adjudicated, {', '.join(KPI_COLUMNS)}) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(row),
            )
    if "fct_remittance_payments" not in skip:
        con.execute(
            "create or replace table marts.fct_remittance_payments "
            "(payment_id varchar, payment_amount decimal(18,2), trace_number varchar)"
        )
        for row in payments if payments is not None else [("pay:1", "150.00", "TRN-pay:1")]:
            con.execute("insert into marts.fct_remittance_payments values (?, ?, ?)", list(row))
    if "fct_remittance_claims" not in skip:
        con.execute("create or replace table marts.fct_remittance_claims (remit_claim_id varchar)")
        for rid in claims if claims is not None else ["rc:1"]:
            con.execute("insert into marts.fct_remittance_claims values (?)", [rid])
    if "fct_remittance_service_lines" not in skip:
        con.execute(
            "create or replace table marts.fct_remittance_service_lines "
            "(remit_line_id varchar, remit_claim_id varchar)"
        )
        for row in lines if lines is not None else [("rc:1:1", "rc:1"), ("rc:1:2", "rc:1")]:
            con.execute("insert into marts.fct_remittance_service_lines values (?, ?)", list(row))
    con.close()
    return db
