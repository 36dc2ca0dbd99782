"""What each GX suite sees: one dbt model per `<suite>.<asset>`, read in chunks into pandas.

GX's pandas route holds a whole dataframe in memory, so the gates never hand it a table: each
asset is a view of `models/quality/` (schema `quality_input`, see `inputs`) that selects only the
columns its suite checks and computes in DuckDB whatever needs the whole batch (uniqueness as
repeat counts, claim totals from their lines, the remittance-to-claim match, the coding rules);
the gate reads it with one select, in chunks of `CHUNK_ROWS` rows.

No model carries a patient identifier or birth date: derived values replace them (the patient's
age in days at the date of service stands in for the birth date). `PHI_COLUMNS` lists the names a
frame must never output; a test holds every model to it.

Ingestion models read the raw tables restricted to the batch's files (macros/gate_batch.sql) plus
every raw 837 claim ever loaded; publish models read the marts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

CHUNK_ROWS = 50_000

PHI_COLUMNS = frozenset({"patient_id", "patient_birth_date", "subscriber_id", "insured_id"})


@dataclass(frozen=True)
class Frame:
    """The rows one GX suite validates, and how to name them in `quality.row_failures`."""

    gx_suite: str  # '<suite>.<asset>'; the asset has the same name in GX
    table_name: str  # what row_failures.table_name says
    model: str  # the view in models/quality/ (schema quality_input) that GX validates
    row_key: str | None  # column holding the raw row id (None: one-row summary)
    # column holding the row's patient control number (row_failures.claim_id): the build scope's
    # key; the warehouse completes the claim (provider key + PCN) from the raw row itself
    claim_key: str | None = None
    source: str | None = None  # ingestion: the raw table whose batch files drive the frame
    requires: tuple[str, ...] = field(default_factory=tuple)  # publish: marts tables needed
    # ingestion: column holding the raw file's sha256, so a critical finding can hold that file
    file_key: str | None = None

    @property
    def suite(self) -> str:
        return self.gx_suite.partition(".")[0]

    @property
    def asset(self) -> str:
        return self.gx_suite.partition(".")[2]


# ---- ingestion gate: coding_quality and billing_quality (models/quality/ingestion) ------------

ENCOUNTER_LINES = Frame(
    gx_suite="coding_quality.encounter_lines",
    table_name="encounter_lines",
    model="qi_encounter_lines",
    source="encounter_lines",
    row_key="encounter_line_id",
    claim_key="claim_id",
    file_key="file_sha256",
)
X837_CLAIMS = Frame(
    gx_suite="billing_quality.x837_claims",
    table_name="x837_claims",
    model="qi_x837_claims",
    source="x837_claims",
    row_key="claim_submission_id",
    claim_key="patient_control_number",
    file_key="file_sha256",
)
X837_CLAIM_LINES = Frame(
    gx_suite="billing_quality.x837_claim_lines",
    table_name="x837_claim_lines",
    model="qi_x837_claim_lines",
    source="x837_claim_lines",
    row_key="claim_line_id",
    claim_key="patient_control_number",
    file_key="file_sha256",
)
X835_PAYMENTS = Frame(
    gx_suite="billing_quality.x835_payments",
    table_name="x835_payments",
    model="qi_x835_payments",
    source="x835_payments",
    row_key="payment_id",
    file_key="file_sha256",
)
X835_CLAIMS = Frame(
    gx_suite="billing_quality.x835_claims",
    table_name="x835_claims",
    model="qi_x835_claims",
    source="x835_claims",
    row_key="remit_claim_id",
    claim_key="patient_control_number",
    file_key="file_sha256",
)
X835_SERVICE_LINES = Frame(
    gx_suite="billing_quality.x835_service_lines",
    table_name="x835_service_lines",
    model="qi_x835_service_lines",
    source="x835_service_lines",
    row_key="remit_line_id",
    claim_key="patient_control_number",
    file_key="file_sha256",
)
X835_ADJUSTMENTS = Frame(
    gx_suite="billing_quality.x835_adjustments",
    table_name="x835_adjustments",
    model="qi_x835_adjustments",
    source="x835_adjustments",
    row_key="adjustment_id",
    claim_key="patient_control_number",
    file_key="file_sha256",
)
X835_PROVIDER_ADJUSTMENTS = Frame(
    gx_suite="billing_quality.x835_provider_adjustments",
    table_name="x835_provider_adjustments",
    model="qi_x835_provider_adjustments",
    source="x835_provider_adjustments",
    row_key="provider_adjustment_id",
    file_key="file_sha256",
)
# One row per 835 file x payer of the batch (the row names the file and the payer).
REMIT_MATCH_SUMMARY = Frame(
    gx_suite="billing_quality.remit_match_summary",
    table_name="x835_claims",
    model="qi_remit_match_summary",
    source="x835_claims",
    row_key="remit_match_key",
    file_key="file_sha256",
)
PATIENT_PAYMENTS = Frame(
    gx_suite="billing_quality.patient_payments",
    table_name="patient_payments",
    model="qi_patient_payments",
    source="patient_payments",
    row_key="patient_payment_row_id",
    claim_key="claim_id",
    file_key="file_sha256",
)

INGESTION_FRAMES: tuple[Frame, ...] = (
    ENCOUNTER_LINES,
    X837_CLAIMS,
    X837_CLAIM_LINES,
    X835_PAYMENTS,
    X835_CLAIMS,
    X835_SERVICE_LINES,
    X835_ADJUSTMENTS,
    X835_PROVIDER_ADJUSTMENTS,
    REMIT_MATCH_SUMMARY,
    PATIENT_PAYMENTS,
)

# ---- publish gate: publish_checks ---------------------------------------------------------------

KPIS_MONTHLY = Frame(
    gx_suite="publish_checks.rpt_kpis_monthly",
    table_name="marts.rpt_kpis_monthly",
    model="qi_rpt_kpis_monthly",
    requires=("rpt_kpis_monthly",),
    row_key="kpi_row_key",
)

PUBLISH_FRAMES: tuple[Frame, ...] = (KPIS_MONTHLY,)

FRAMES_BY_GATE: dict[str, tuple[Frame, ...]] = {
    "ingestion": INGESTION_FRAMES,
    "publish": PUBLISH_FRAMES,
}


def chunks(
    reader: pa.RecordBatchReader | pa.Table, rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """Pandas frames of at most `rows` rows from an Arrow stream or table (money stays Decimal)."""
    batches = reader.to_batches(max_chunksize=rows) if isinstance(reader, pa.Table) else reader
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for batch in batches:
        while batch.num_rows:
            take = min(rows - pending_rows, batch.num_rows)
            pending.append(batch.slice(0, take))
            pending_rows += take
            batch = batch.slice(take)
            if pending_rows == rows:
                yield pa.Table.from_batches(pending).to_pandas()
                pending, pending_rows = [], 0
    if pending_rows:
        yield pa.Table.from_batches(pending).to_pandas()
