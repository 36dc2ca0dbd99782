"""The CSV extract contracts: the encounter extract (one row per coded service line, as the coding
system exports it) and the optional patient-payments extract (one row per posting).

This module is the single source of truth shared by `rcm generate` (which writes the extracts), the
extract loader in `rcm ingest` (which enforces them) and the README (which documents them).
Each column: (name, DuckDB type, required, meaning). Money is DECIMAL(18,2); dates are ISO
`YYYY-MM-DD`; `coded_at` is an ISO timestamp `YYYY-MM-DDTHH:MM:SS`.
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    name: str
    sql_type: str
    required: bool
    meaning: str
    phi: bool = False


ENCOUNTER_COLUMNS: tuple[Column, ...] = (
    Column("encounter_id", "VARCHAR", True, "Visit identifier in the coding system."),
    Column(
        "claim_id",
        "VARCHAR",
        True,
        "Patient control number the biller sends as CLM01 (and the payer echoes as CLP01).",
    ),
    Column("line_number", "INTEGER", True, "Service line number within the claim (1-based, LX01)."),
    Column(
        "line_item_control_number",
        "VARCHAR",
        True,
        "Charge id sent as REF*6R on the 837 line and echoed on the 835 line.",
    ),
    Column("patient_id", "VARCHAR", True, "Patient identifier (PHI).", True),
    Column("patient_birth_date", "DATE", True, "Patient date of birth (PHI).", True),
    Column("patient_sex", "VARCHAR", True, "F, M or U."),
    Column("payer_id", "VARCHAR", True, "Payer identifier (as sent in NM1*PR09)."),
    Column("payer_name", "VARCHAR", True, "Payer name."),
    Column(
        "claim_filing_indicator_code",
        "VARCHAR",
        True,
        "SBR09: MB Medicare B, MC Medicaid, CI commercial...",
    ),
    Column("rendering_npi", "VARCHAR", True, "NPI of the clinician who performed the service."),
    Column("billing_npi", "VARCHAR", True, "NPI of the billing provider (group)."),
    Column("place_of_service_code", "VARCHAR", True, "CMS place-of-service code, 2 digits."),
    Column("service_date", "DATE", True, "Date of service."),
    Column(
        "procedure_code", "VARCHAR", True, "CPT or HCPCS Level II code (no descriptions shipped)."
    ),
    Column("modifier_1", "VARCHAR", False, "First procedure modifier."),
    Column("modifier_2", "VARCHAR", False, "Second procedure modifier."),
    Column("modifier_3", "VARCHAR", False, "Third procedure modifier."),
    Column("modifier_4", "VARCHAR", False, "Fourth procedure modifier."),
    Column("units", "DECIMAL(9,2)", True, "Service units."),
    Column("charge_amount", "DECIMAL(18,2)", True, "Line charge in dollars."),
    Column(
        "diagnosis_code_1",
        "VARCHAR",
        True,
        "ICD-10-CM code of the line's first diagnosis pointer (dot optional).",
    ),
    Column("diagnosis_code_2", "VARCHAR", False, "Second pointed diagnosis."),
    Column("diagnosis_code_3", "VARCHAR", False, "Third pointed diagnosis."),
    Column("diagnosis_code_4", "VARCHAR", False, "Fourth pointed diagnosis."),
    Column("coder_id", "VARCHAR", True, "Person or system that coded the line."),
    Column("coded_at", "TIMESTAMP", True, "When the line was coded; a later coded_at supersedes."),
)

ENCOUNTER_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in ENCOUNTER_COLUMNS)
PHI_COLUMNS: frozenset[str] = frozenset(c.name for c in ENCOUNTER_COLUMNS if c.phi)


# ---- the patient-payments extract (optional): one row per posting of a patient payment ----------
# Delivered by the practice-management system under landing/patient_payments/ (see README). No
# patient names or ids: the claim's patient control number is the only link to the patient.
PAYMENT_KIND_PAYMENT = "payment"
PAYMENT_KIND_REFUND = "refund"
PAYMENT_KINDS: tuple[str, ...] = (PAYMENT_KIND_PAYMENT, PAYMENT_KIND_REFUND)
PAYMENT_METHODS: tuple[str, ...] = ("cash", "card", "check", "portal")

PATIENT_PAYMENT_COLUMNS: tuple[Column, ...] = (
    Column("payment_id", "VARCHAR", True, "Posting identifier, unique per posting."),
    Column(
        "billing_npi",
        "VARCHAR",
        True,
        "NPI of the billing provider (group) the claim is billed by.",
    ),
    Column(
        "claim_id",
        "VARCHAR",
        True,
        "Patient control number of the claim paid (CLM01, as in the encounter extract).",
    ),
    Column("payment_date", "DATE", True, "Date the payment or refund was posted."),
    Column(
        "amount",
        "DECIMAL(18,2)",
        True,
        "Dollars received from the patient; negative for a refund to the patient.",
    ),
    Column("payment_kind", "VARCHAR", True, "payment (amount > 0) or refund (amount < 0)."),
    Column("method", "VARCHAR", False, "cash, card, check or portal."),
)

PATIENT_PAYMENT_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in PATIENT_PAYMENT_COLUMNS)
