"""The raw layer's contract: every table under `data/raw/<table>/`, its columns and their types.

Ingestion (`transforms.ingest`, `transforms.x12`) writes exactly these columns, in this order, as
Parquet (one file per source file and table, named `<file_sha256>.parquet`); dbt declares them as
sources (`models/staging/*/_sources.yml`) and the Great Expectations suites read them. Types are
written in SQL (DuckDB) terms; `transforms.ingest` maps them to Arrow. Money is DECIMAL(18,2).

Row ids are computed at parse time and are stable across re-runs: `<first 16 hex of file sha256>:
<segment position>[:<index>]`, so every row can be traced back to the byte range it came from.
Columns flagged PHI are marked in `PHI_COLUMNS` and carry `meta: {phi: true}` in dbt.
"""

from __future__ import annotations

MONEY = "DECIMAL(18,2)"
# X12 `R` quantities (units, days) may carry any number of decimals; six keep every real one exact
# (anesthesia minutes, NDC quantities such as 0.333). A seventh non-zero decimal is rounded and
# recorded as a finding (see transforms.x12.values.parse_quantity).
QTY = "DECIMAL(18,6)"

# Lineage carried by every X12 row (x12_version: the enclosing GS08, e.g. 005010X221A1 or
# 004010X091A1; segment_position: 1-based index of the row's anchor segment in the file, counting
# every segment from the first ISA).
X12_LINEAGE: list[tuple[str, str]] = [
    ("file_name", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("interchange_control_number", "VARCHAR"),
    ("group_control_number", "VARCHAR"),
    ("transaction_control_number", "VARCHAR"),
    ("x12_version", "VARCHAR"),
    ("segment_position", "BIGINT"),
]

RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    # ---- 835: one row per transaction set (payment) ----
    "x835_payments": [
        ("payment_id", "VARCHAR"),
        *X12_LINEAGE,
        ("transaction_handling_code", "VARCHAR"),  # BPR01
        ("payment_amount", MONEY),  # BPR02
        ("credit_debit_flag", "VARCHAR"),  # BPR03
        ("payment_method_code", "VARCHAR"),  # BPR04
        ("payment_date", "DATE"),  # BPR16
        ("trace_number", "VARCHAR"),  # TRN02
        ("trace_originator_id", "VARCHAR"),  # TRN03
        ("payer_id", "VARCHAR"),  # N1*PR N104, else REF*2U, else TRN03
        ("payer_name", "VARCHAR"),  # N1*PR N102
        ("payee_id", "VARCHAR"),  # N1*PE N104 (NPI when N103=XX)
        ("payee_id_qualifier", "VARCHAR"),  # N1*PE N103
        ("payee_name", "VARCHAR"),
        ("payee_npi", "VARCHAR"),  # N1*PE N104 when N103=XX
        ("payee_tax_id", "VARCHAR"),  # N1*PE N104 when N103=FI, else 1000B REF*TJ
        ("production_date", "DATE"),  # DTM*405
        ("claim_count", "INTEGER"),
        ("claim_paid_total", MONEY),  # sum CLP04
        ("provider_adjustment_total", MONEY),  # sum of every PLB amount
        ("balance_difference", MONEY),  # BPR02 - (sum CLP04 - sum PLB)
        ("is_balanced", "BOOLEAN"),
    ],
    # ---- 835: one row per CLP occurrence ----
    "x835_claims": [
        ("remit_claim_id", "VARCHAR"),
        ("payment_id", "VARCHAR"),
        *X12_LINEAGE,
        ("patient_control_number", "VARCHAR"),  # CLP01 (= CLM01)
        ("claim_status_code", "VARCHAR"),  # CLP02
        ("billed_amount", MONEY),  # CLP03
        ("paid_amount", MONEY),  # CLP04
        ("patient_responsibility_amount", MONEY),  # CLP05
        ("claim_filing_indicator_code", "VARCHAR"),  # CLP06
        ("payer_claim_control_number", "VARCHAR"),  # CLP07
        ("facility_type_code", "VARCHAR"),  # CLP08
        ("claim_frequency_code", "VARCHAR"),  # CLP09
        ("drg_code", "VARCHAR"),  # CLP11
        ("patient_id", "VARCHAR"),  # NM1*QC NM109 (PHI)
        ("insured_id", "VARCHAR"),  # NM1*IL NM109 (PHI)
        ("rendering_provider_npi", "VARCHAR"),  # NM1*82 NM109
        ("service_start_date", "DATE"),  # DTM*232
        ("service_end_date", "DATE"),  # DTM*233
        ("received_date", "DATE"),  # DTM*050
        ("reference_ids", "VARCHAR"),  # claim REFs as 'qual:value|qual:value'
        ("line_count", "INTEGER"),
        ("line_paid_total", MONEY),  # sum SVC03
        ("claim_adjustment_total", MONEY),  # sum claim-level CAS
        ("line_adjustment_total", MONEY),  # sum line-level CAS
        ("balance_difference", MONEY),  # CLP03 - claim CAS - line CAS - CLP04
        ("is_balanced", "BOOLEAN"),
    ],
    # ---- 835: one row per SVC ----
    "x835_service_lines": [
        ("remit_line_id", "VARCHAR"),
        ("remit_claim_id", "VARCHAR"),
        ("payment_id", "VARCHAR"),
        *X12_LINEAGE,
        ("line_sequence", "INTEGER"),  # 1-based order within the claim
        ("procedure_qualifier", "VARCHAR"),  # SVC01-1 (HC, AD, NU, ...)
        ("procedure_code", "VARCHAR"),  # SVC01-2
        ("modifier_1", "VARCHAR"),
        ("modifier_2", "VARCHAR"),
        ("modifier_3", "VARCHAR"),
        ("modifier_4", "VARCHAR"),
        ("billed_amount", MONEY),  # SVC02
        ("paid_amount", MONEY),  # SVC03
        ("revenue_code", "VARCHAR"),  # SVC04
        ("units_paid", QTY),  # SVC05
        ("original_procedure_qualifier", "VARCHAR"),  # SVC06-1
        ("original_procedure_code", "VARCHAR"),  # SVC06-2
        ("original_units", QTY),  # SVC07
        ("service_date", "DATE"),  # DTM*472, else DTM*150
        ("service_end_date", "DATE"),  # DTM*151, else service_date
        ("line_item_control_number", "VARCHAR"),  # REF*6R
        ("allowed_amount", MONEY),  # AMT*B6
        ("adjustment_total", MONEY),  # sum line CAS
        ("balance_difference", MONEY),  # SVC02 - line CAS - SVC03
        ("is_balanced", "BOOLEAN"),
    ],
    # ---- 835: one row per CAS triple ----
    "x835_adjustments": [
        ("adjustment_id", "VARCHAR"),
        ("payment_id", "VARCHAR"),
        ("remit_claim_id", "VARCHAR"),
        ("remit_line_id", "VARCHAR"),  # null for claim-level CAS
        *X12_LINEAGE,
        ("adjustment_level", "VARCHAR"),  # 'claim' | 'line'
        ("group_code", "VARCHAR"),  # CO, PR, OA, PI, CR
        ("reason_code", "VARCHAR"),  # CARC
        ("adjustment_amount", MONEY),
        ("adjustment_quantity", QTY),
    ],
    # ---- 835: one row per PLB pair ----
    "x835_provider_adjustments": [
        ("provider_adjustment_id", "VARCHAR"),
        ("payment_id", "VARCHAR"),
        *X12_LINEAGE,
        ("provider_id", "VARCHAR"),  # PLB01
        ("fiscal_period_date", "DATE"),  # PLB02
        ("provider_adjustment_reason_code", "VARCHAR"),  # composite part 1 (WO, L6, FB...)
        ("provider_adjustment_reference", "VARCHAR"),  # composite part 2
        ("provider_adjustment_amount", MONEY),  # positive reduces the payment
    ],
    # ---- 835: one row per remark code (MIA/MOA at claim level, LQ at line level) ----
    "x835_remarks": [
        ("remark_id", "VARCHAR"),
        ("payment_id", "VARCHAR"),
        ("remit_claim_id", "VARCHAR"),
        ("remit_line_id", "VARCHAR"),
        *X12_LINEAGE,
        ("remark_level", "VARCHAR"),  # 'claim' | 'line'
        ("source_segment", "VARCHAR"),  # MIA | MOA | LQ
        ("remark_qualifier", "VARCHAR"),  # HE (RARC) | RX (NCPDP) | null for MIA/MOA
        ("remark_code", "VARCHAR"),
    ],
    # ---- 837P / 837I: one row per CLM ----
    "x837_claims": [
        ("claim_submission_id", "VARCHAR"),
        *X12_LINEAGE,
        ("claim_type", "VARCHAR"),  # '837P' | '837I'
        ("batch_id", "VARCHAR"),  # BHT03
        ("submission_date", "DATE"),  # BHT04, else GS04
        ("billing_provider_npi", "VARCHAR"),  # 2010AA NM1*85 NM109
        ("billing_provider_tax_id", "VARCHAR"),  # 2010AA REF*EI
        ("payer_responsibility_code", "VARCHAR"),  # SBR01 of the first SBR (P, S, T)
        ("claim_filing_indicator_code", "VARCHAR"),  # SBR09
        ("payer_id", "VARCHAR"),  # 2010BB NM1*PR NM109
        ("payer_name", "VARCHAR"),
        ("subscriber_id", "VARCHAR"),  # 2010BA NM1*IL NM109 (PHI)
        ("patient_id", "VARCHAR"),  # 2010CA NM1*QC NM109, else subscriber (PHI)
        ("patient_birth_date", "DATE"),  # DMG02 (PHI)
        ("patient_sex", "VARCHAR"),  # DMG03
        ("patient_control_number", "VARCHAR"),  # CLM01
        ("billed_amount", MONEY),  # CLM02
        ("place_of_service_code", "VARCHAR"),  # CLM05-1 (837P POS; 837I facility type)
        ("facility_code_qualifier", "VARCHAR"),  # CLM05-2
        ("claim_frequency_code", "VARCHAR"),  # CLM05-3
        ("statement_start_date", "DATE"),  # DTP*434 (837I)
        ("statement_end_date", "DATE"),
        ("rendering_provider_npi", "VARCHAR"),  # 2310B NM1*82 NM109
        ("line_count", "INTEGER"),
        ("line_billed_total", MONEY),  # sum of line charges
        ("billing_provider_last_name", "VARCHAR"),  # 2010AA NM1*85 NM103 (org or last name)
        ("billing_provider_first_name", "VARCHAR"),  # 2010AA NM1*85 NM104 (a person only)
        ("rendering_provider_last_name", "VARCHAR"),  # 2310B NM1*82 NM103
        ("rendering_provider_first_name", "VARCHAR"),  # 2310B NM1*82 NM104
    ],
    # ---- 837P / 837I: one row per LX ----
    "x837_claim_lines": [
        ("claim_line_id", "VARCHAR"),
        ("claim_submission_id", "VARCHAR"),
        *X12_LINEAGE,
        ("patient_control_number", "VARCHAR"),  # CLM01 of the parent claim
        ("line_number", "INTEGER"),  # LX01
        ("service_segment", "VARCHAR"),  # 'SV1' | 'SV2'
        ("procedure_qualifier", "VARCHAR"),
        ("procedure_code", "VARCHAR"),
        ("modifier_1", "VARCHAR"),
        ("modifier_2", "VARCHAR"),
        ("modifier_3", "VARCHAR"),
        ("modifier_4", "VARCHAR"),
        ("revenue_code", "VARCHAR"),  # SV201 (837I)
        ("billed_amount", MONEY),  # SV102 / SV203
        ("unit_basis_code", "VARCHAR"),  # SV103 / SV204 (UN, MJ, DA)
        ("units", QTY),  # SV104 / SV205
        ("place_of_service_code", "VARCHAR"),  # SV105, else the claim's
        ("diagnosis_pointer_1", "INTEGER"),  # SV107 components
        ("diagnosis_pointer_2", "INTEGER"),
        ("diagnosis_pointer_3", "INTEGER"),
        ("diagnosis_pointer_4", "INTEGER"),
        ("service_date", "DATE"),  # DTP*472 (D8, or start of RD8)
        ("service_end_date", "DATE"),
        ("line_item_control_number", "VARCHAR"),  # REF*6R
        ("rendering_provider_npi", "VARCHAR"),  # 2420A NM1*82, else the claim's
        ("rendering_provider_last_name", "VARCHAR"),  # NM103 of the NM1*82 the NPI came from
        ("rendering_provider_first_name", "VARCHAR"),  # NM104 of that NM1*82
    ],
    # ---- 837: one row per diagnosis in HI, in order ----
    "x837_diagnoses": [
        ("claim_diagnosis_id", "VARCHAR"),
        ("claim_submission_id", "VARCHAR"),
        *X12_LINEAGE,
        ("patient_control_number", "VARCHAR"),
        ("diagnosis_sequence", "INTEGER"),  # 1-based order across HI segments
        ("code_qualifier", "VARCHAR"),  # ABK principal, ABF other, BK/BF (ICD-9), ABJ...
        ("diagnosis_code", "VARCHAR"),  # as sent (no dot)
    ],
    # ---- encounter extract: one row per coded service line (see transforms.contracts) ----
    # Columns: `encounter_line_id`, the contract's columns in contract order, then
    # `file_name`, `file_sha256`, `source_line_number` (CSV physical line; Parquet row index + 1).
    "encounter_lines": [],  # filled below from transforms.contracts
    # ---- patient-payments extract (optional): one row per posting (see transforms.contracts) ----
    # Columns: `patient_payment_row_id`, the contract's columns in contract order, then the same
    # lineage as encounter_lines. A night without the extract leaves only `_schema.parquet` here.
    "patient_payments": [],  # filled below from transforms.contracts
    # ---- ingestion records (one Parquet file per ingest run) ----
    "file_manifest": [
        ("ingest_run_id", "VARCHAR"),
        ("file_name", "VARCHAR"),  # path relative to landing/
        ("file_sha256", "VARCHAR"),
        ("file_kind", "VARCHAR"),  # '835' | '837' | 'encounters' | 'patient_payments' | 'unknown'
        ("size_bytes", "BIGINT"),
        ("received_at", "TIMESTAMP"),  # file mtime
        ("loaded_at", "TIMESTAMP"),
        ("status", "VARCHAR"),  # loaded | duplicate | quarantined | partially_quarantined
        ("duplicate_of", "VARCHAR"),  # file_name first loaded with the same sha256
        ("units_in", "BIGINT"),  # transaction sets (X12) or data rows (CSV)
        ("units_loaded", "BIGINT"),
        ("units_quarantined", "BIGINT"),
        ("row_counts", "VARCHAR"),  # JSON object: raw table -> rows written
        ("x12_versions", "VARCHAR"),  # distinct GS08 values in the file, comma-separated
        ("finding_count", "BIGINT"),  # findings recorded (see ingest_findings)
    ],
    "quarantine_records": [
        ("ingest_run_id", "VARCHAR"),
        ("file_name", "VARCHAR"),
        ("file_sha256", "VARCHAR"),
        ("unit", "VARCHAR"),  # 'file' | 'transaction' | 'row'
        ("position", "BIGINT"),  # segment position (X12) or line number (CSV)
        ("segment_id", "VARCHAR"),
        ("element", "VARCHAR"),  # e.g. 'SE01'
        ("column_name", "VARCHAR"),  # CSV column, when a row is quarantined
        ("rule", "VARCHAR"),  # machine-readable rule id, e.g. 'se01_count'
        ("message", "VARCHAR"),  # one sentence; never a patient identifier
        ("quarantine_path", "VARCHAR"),  # where the rejected bytes were written
        ("recorded_at", "TIMESTAMP"),
    ],
    # ---- defects that did not stop a unit from loading (one Parquet file per ingest run) ----
    "ingest_findings": [
        ("ingest_run_id", "VARCHAR"),
        ("file_name", "VARCHAR"),
        ("file_sha256", "VARCHAR"),
        ("position", "BIGINT"),  # segment position (X12)
        ("segment_id", "VARCHAR"),
        ("element", "VARCHAR"),  # e.g. 'IEA02', 'SVC05'
        ("transaction_control_number", "VARCHAR"),  # ST02 of the set it is in, when in one
        ("scope", "VARCHAR"),  # interchange | group | transaction | value
        ("rule", "VARCHAR"),  # e.g. 'iea02_control_number', 'negative_units'
        ("severity", "VARCHAR"),  # 'warning' (loaded as read) | 'error'
        ("message", "VARCHAR"),  # one sentence; never a patient identifier
        ("recorded_at", "TIMESTAMP"),
    ],
}


def _extract_columns(row_id: str, contract: tuple) -> list[tuple[str, str]]:
    """A CSV extract's raw columns: its row id, its contract's columns, then its lineage."""
    return (
        [(row_id, "VARCHAR")]
        + [(c.name, c.sql_type) for c in contract]
        + [("file_name", "VARCHAR"), ("file_sha256", "VARCHAR"), ("source_line_number", "BIGINT")]
    )


def _fill_extract_tables() -> None:
    from transforms.contracts import ENCOUNTER_COLUMNS, PATIENT_PAYMENT_COLUMNS

    RAW_TABLES["encounter_lines"] = _extract_columns("encounter_line_id", ENCOUNTER_COLUMNS)
    RAW_TABLES["patient_payments"] = _extract_columns(
        "patient_payment_row_id", PATIENT_PAYMENT_COLUMNS
    )


_fill_extract_tables()

PHI_COLUMNS: dict[str, frozenset[str]] = {
    "x835_claims": frozenset({"patient_id", "insured_id", "reference_ids"}),
    "x837_claims": frozenset({"subscriber_id", "patient_id", "patient_birth_date"}),
    "encounter_lines": frozenset({"patient_id", "patient_birth_date"}),
}

# Ingestion's own records (one Parquet file per ingest run), as opposed to data from landed files.
RECORD_TABLES = ("file_manifest", "quarantine_records", "ingest_findings")
X835_TABLES = tuple(t for t in RAW_TABLES if t.startswith("x835_"))
X837_TABLES = tuple(t for t in RAW_TABLES if t.startswith("x837_"))


def columns(table: str) -> list[str]:
    return [name for name, _ in RAW_TABLES[table]]
