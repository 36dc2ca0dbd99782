"""What each GX suite sees: one DuckDB query per `<suite>.<asset>`, streamed to pandas in chunks.

GX's pandas route holds a whole dataframe in memory, so the gates never hand it a table: each frame
selects only the columns its suite checks, computes in DuckDB whatever needs the whole batch
(uniqueness as window counts, claim totals from their lines, the remittance-to-claim match, the
raw-to-marts reconciliation), and is read in chunks of `CHUNK_ROWS` rows.

No frame carries a patient identifier or birth date: derived values replace them (the patient's
age in days at the date of service stands in for the birth date). `PHI_COLUMNS` lists the names a
frame must never output; a test holds every frame to it.

Ingestion frames read views named after the raw tables (restricted to the batch's files; see
`gates.raw_views`) plus `all_x837_claims` (every raw 837 claim ever loaded). Publish frames read the
`marts` schema of the build database, `raw_x835_payments` (every raw 835 payment) and
`held_files` (the sha256 of every file the ingestion gate holds back; see `holds`).
Named parameters (`$as_of_date`) are bound from the gate's parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from transforms.codesets import procedure_rules

CHUNK_ROWS = 50_000

PHI_COLUMNS = frozenset({"patient_id", "patient_birth_date", "subscriber_id", "insured_id"})


@dataclass(frozen=True)
class Frame:
    """The rows one GX suite validates, and how to name them in `quality.row_failures`."""

    gx_suite: str  # '<suite>.<asset>'; the asset has the same name in GX
    table_name: str  # what row_failures.table_name says
    sql: str
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


def _repeats(name: str, table: str, *columns: str) -> str:
    """CTE of the key values seen more than once in `table` (only those: a small hash table, so
    the frame's main scan still streams instead of materialising a window over the batch)."""
    keys = ", ".join(columns)
    return (
        f"{name} as (select {keys}, count(*) as occurrences from {table} "
        f"where {' and '.join(f'{c} is not null' for c in columns)} "
        f"group by {keys} having count(*) > 1)"
    )


def _join_repeats(name: str, alias: str, *columns: str) -> str:
    on = " and ".join(f"{name}.{c} = {alias}.{c}" for c in columns)
    return f"left join {name} on {on}"


# ---- ingestion gate: coding_quality -------------------------------------------------------------

# Modifier and diagnosis-support rules (`transforms.codesets.procedure_rules`; the gate registers its
# tables as `ref_*` next to the raw views). A rule that needs the other lines of the visit looks at
# one *coding version* of one encounter: the lines of one file with the same encounter_id and
# coded_at (an encounter re-coded later comes again, whole, with a later coded_at). Each rule
# column is null where the rule does not apply, true when it holds, false when it fails.
_PR = procedure_rules


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


_ENCOUNTER_RULES = f"""
        lines as (
            select
                e.*,
                upper(trim(e.procedure_code)) as code,
                list_filter(
                    [upper(trim(e.modifier_1)), upper(trim(e.modifier_2)),
                     upper(trim(e.modifier_3)), upper(trim(e.modifier_4))],
                    lambda m: m is not null and m <> '') as modifier_list,
                list_filter(
                    [upper(replace(trim(e.diagnosis_code_1), '.', '')),
                     upper(replace(trim(e.diagnosis_code_2), '.', '')),
                     upper(replace(trim(e.diagnosis_code_3), '.', '')),
                     upper(replace(trim(e.diagnosis_code_4), '.', ''))],
                    lambda d: d is not null and d <> '') as diagnosis_list,
                f.family
            from encounter_lines as e
            left join ref_procedure_families as f
                on length(trim(e.procedure_code)) = 5
                and upper(trim(e.procedure_code))
                    between f.procedure_code_first and f.procedure_code_last
        ),
        versions as (
            select
                file_sha256,
                encounter_id,
                coded_at,
                bool_or(family in ('procedure', 'administration', 'em_preventive'))
                    as has_service_beside_em,
                bool_or(family = 'procedure') as has_procedure,
                list(distinct code) as version_codes
            from lines
            group by file_sha256, encounter_id, coded_at
        ),
        repeated_labs as (
            select file_sha256, encounter_id, coded_at, code, min(line_number) as first_line_number
            from lines
            where family = 'lab'
            group by file_sha256, encounter_id, coded_at, code
            having count(*) > 1
        ),
        requirements as (
            select
                procedure_code,
                bool_or(requirement = 'laterality') as needs_laterality,
                bool_or(requirement = 'professional_component') as needs_component,
                list(paired_procedure_code) filter (where requirement = 'distinct_service')
                    as distinct_from_codes
            from ref_procedure_modifier_requirements
            group by procedure_code
        ),
        supports as (
            select
                procedure_code_first,
                procedure_code_last,
                list(icd10cm_prefix) as supporting_prefixes
            from ref_dx_procedure_support
            group by procedure_code_first, procedure_code_last
        ),
        judged as (
            select
                l.*,
                case
                    when l.family = 'em' and v.has_service_beside_em
                        then list_contains(l.modifier_list, '{_PR.SEPARATE_EM_MODIFIER}')
                    when l.family = 'em_preventive' and v.has_procedure
                        then list_contains(l.modifier_list, '{_PR.SEPARATE_EM_MODIFIER}')
                    when l.family in ('em', 'em_preventive') then true
                end as separate_em_modifier_ok,
                case
                    when l.line_number > rl.first_line_number
                        then list_contains(l.modifier_list, '{_PR.REPEAT_LAB_MODIFIER}')
                    when rl.first_line_number is not null then true
                end as repeat_lab_modifier_ok,
                case when r.needs_laterality
                    then list_has_any(l.modifier_list, {_sql_list(_PR.LATERALITY_MODIFIERS)})
                end as laterality_modifier_ok,
                case when l.family in ('em', 'em_preventive')
                        and trim(l.place_of_service_code) in {_PR.TELEHEALTH_POS}
                    then list_has_any(l.modifier_list, {_sql_list(_PR.TELEHEALTH_MODIFIERS)})
                end as telehealth_modifier_ok,
                case when r.needs_component
                        and trim(l.place_of_service_code) in {_PR.FACILITY_POS}
                    then list_has_any(l.modifier_list, {_sql_list(_PR.COMPONENT_MODIFIERS)})
                end as component_modifier_ok,
                case when list_has_any(r.distinct_from_codes, v.version_codes)
                    then list_has_any(l.modifier_list, {_sql_list(_PR.DISTINCT_SERVICE_MODIFIERS)})
                end as distinct_service_modifier_ok,
                case when len(l.diagnosis_list) > 0
                    then list_has_any(
                        s.supporting_prefixes,
                        flatten(list_transform(l.diagnosis_list,
                            lambda d: [d[1:1], d[1:2], d[1:3], d[1:4], d[1:5]])))
                end as diagnosis_supports_procedure
            from lines as l
            left join versions as v
                on v.file_sha256 is not distinct from l.file_sha256
                and v.encounter_id is not distinct from l.encounter_id
                and v.coded_at is not distinct from l.coded_at
            left join repeated_labs as rl
                on rl.file_sha256 is not distinct from l.file_sha256
                and rl.encounter_id is not distinct from l.encounter_id
                and rl.coded_at is not distinct from l.coded_at
                and rl.code = l.code
            left join requirements as r on r.procedure_code = l.code
            left join supports as s
                on length(l.code) = 5
                and l.code between s.procedure_code_first and s.procedure_code_last
        )
"""

ENCOUNTER_LINES = Frame(
    file_key="file_sha256",
    gx_suite="coding_quality.encounter_lines",
    table_name="encounter_lines",
    source="encounter_lines",
    row_key="encounter_line_id",
    claim_key="claim_id",
    sql=f"""
        with {_repeats("repeated_ids", "encounter_lines", "encounter_line_id")},
        {_ENCOUNTER_RULES}
        select
            e.encounter_line_id,
            e.claim_id,
            e.file_sha256,
            coalesce(repeated_ids.occurrences, 1) as encounter_line_id_occurrences,
            nullif(trim(e.diagnosis_code_1), '') as diagnosis_code_1,
            nullif(trim(e.diagnosis_code_2), '') as diagnosis_code_2,
            nullif(trim(e.diagnosis_code_3), '') as diagnosis_code_3,
            nullif(trim(e.diagnosis_code_4), '') as diagnosis_code_4,
            e.procedure_code,
            nullif(trim(e.modifier_1), '') as modifier_1,
            nullif(trim(e.modifier_2), '') as modifier_2,
            nullif(trim(e.modifier_3), '') as modifier_3,
            nullif(trim(e.modifier_4), '') as modifier_4,
            e.units,
            e.charge_amount,
            e.service_date,
            date_diff('day', e.patient_birth_date, e.service_date) as patient_age_days_at_service,
            e.place_of_service_code,
            e.separate_em_modifier_ok,
            e.repeat_lab_modifier_ok,
            e.laterality_modifier_ok,
            e.telehealth_modifier_ok,
            e.component_modifier_ok,
            e.distinct_service_modifier_ok,
            e.diagnosis_supports_procedure,
            concat_ws(':', e.code, list_aggregate(e.modifier_list, 'string_agg', ':'))
                || coalesce(' POS ' || trim(e.place_of_service_code), '')
                as procedure_modifiers_place,
            e.code || ' <- ' || coalesce(array_to_string(e.diagnosis_list, ' '), '')
                as procedure_diagnoses
        from judged as e
        {_join_repeats("repeated_ids", "e", "encounter_line_id")}
    """,
)

# ---- ingestion gate: billing_quality ------------------------------------------------------------

X837_CLAIMS = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x837_claims",
    table_name="x837_claims",
    source="x837_claims",
    row_key="claim_submission_id",
    claim_key="patient_control_number",
    sql=f"""
        with line_totals as (
            select
                claim_submission_id,
                sum(billed_amount) as line_charge_total,
                min(service_date) as first_line_service_date
            from x837_claim_lines
            group by claim_submission_id
        ),
        {_repeats("repeated_ids", "x837_claims", "claim_submission_id")},
        {
        _repeats("repeated_claims", "x837_claims", "patient_control_number", "claim_frequency_code")
    },
        claims as (
            select
                c.claim_submission_id,
                c.patient_control_number,
                c.file_sha256,
                c.claim_frequency_code,
                c.billed_amount,
                t.line_charge_total,
                nullif(trim(c.payer_id), '') as payer_id,
                c.submission_date,
                nullif(trim(c.billing_provider_npi), '') as billing_provider_npi,
                nullif(trim(c.rendering_provider_npi), '') as rendering_provider_npi,
                coalesce(t.first_line_service_date, c.statement_start_date) as first_service_date,
                coalesce(repeated_ids.occurrences, 1) as claim_submission_id_occurrences,
                coalesce(repeated_claims.occurrences, 1) as claim_occurrences
            from x837_claims as c
            left join line_totals as t on t.claim_submission_id = c.claim_submission_id
            {_join_repeats("repeated_ids", "c", "claim_submission_id")}
            {
        _join_repeats("repeated_claims", "c", "patient_control_number", "claim_frequency_code")
    }
        )
        select
            *,
            date_diff('day', first_service_date, submission_date) as days_service_to_submission
        from claims
    """,
)

X837_CLAIM_LINES = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x837_claim_lines",
    table_name="x837_claim_lines",
    source="x837_claim_lines",
    row_key="claim_line_id",
    claim_key="patient_control_number",
    sql=f"""
        with {_repeats("repeated_ids", "x837_claim_lines", "claim_line_id")}
        select
            l.claim_line_id,
            l.claim_submission_id,
            l.file_sha256,
            l.patient_control_number,
            coalesce(repeated_ids.occurrences, 1) as claim_line_id_occurrences,
            l.billed_amount,
            l.diagnosis_pointer_1
        from x837_claim_lines as l
        {_join_repeats("repeated_ids", "l", "claim_line_id")}
    """,
)

X835_PAYMENTS = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x835_payments",
    table_name="x835_payments",
    source="x835_payments",
    row_key="payment_id",
    sql=f"""
        with {_repeats("repeated_ids", "x835_payments", "payment_id")}
        select
            p.payment_id,
            p.file_sha256,
            coalesce(repeated_ids.occurrences, 1) as payment_id_occurrences,
            p.payment_amount,
            nullif(trim(p.payer_id), '') as payer_id,
            p.is_balanced,
            p.balance_difference
        from x835_payments as p
        {_join_repeats("repeated_ids", "p", "payment_id")}
    """,
)

X835_CLAIMS = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x835_claims",
    table_name="x835_claims",
    source="x835_claims",
    row_key="remit_claim_id",
    claim_key="patient_control_number",
    sql=f"""
        with {_repeats("repeated_ids", "x835_claims", "remit_claim_id")},
        submitted as (
            select distinct patient_control_number from all_x837_claims
            where patient_control_number is not null
        )
        select
            c.remit_claim_id,
            c.patient_control_number,
            c.file_sha256,
            coalesce(repeated_ids.occurrences, 1) as remit_claim_id_occurrences,
            c.claim_status_code,
            c.billed_amount,
            c.paid_amount,
            c.is_balanced,
            c.balance_difference,
            case when c.patient_control_number is null then null
                 else submitted.patient_control_number is not null
            end as has_submitted_claim
        from x835_claims as c
        {_join_repeats("repeated_ids", "c", "remit_claim_id")}
        left join submitted on submitted.patient_control_number = c.patient_control_number
    """,
)

_REMIT_CLAIM_KEYS = """
    remit_claim_keys as (
        select remit_claim_id, any_value(patient_control_number) as patient_control_number
        from x835_claims
        group by remit_claim_id
    )
"""

X835_SERVICE_LINES = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x835_service_lines",
    table_name="x835_service_lines",
    source="x835_service_lines",
    row_key="remit_line_id",
    claim_key="patient_control_number",
    sql=f"""
        with {_REMIT_CLAIM_KEYS},
        {_repeats("repeated_ids", "x835_service_lines", "remit_line_id")}
        select
            s.remit_line_id,
            s.remit_claim_id,
            k.patient_control_number,
            s.file_sha256,
            coalesce(repeated_ids.occurrences, 1) as remit_line_id_occurrences,
            s.billed_amount,
            s.paid_amount,
            s.is_balanced,
            s.balance_difference
        from x835_service_lines as s
        left join remit_claim_keys as k on k.remit_claim_id = s.remit_claim_id
        {_join_repeats("repeated_ids", "s", "remit_line_id")}
    """,
)

X835_ADJUSTMENTS = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x835_adjustments",
    table_name="x835_adjustments",
    source="x835_adjustments",
    row_key="adjustment_id",
    claim_key="patient_control_number",
    sql=f"""
        with {_REMIT_CLAIM_KEYS},
        {_repeats("repeated_ids", "x835_adjustments", "adjustment_id")}
        select
            a.adjustment_id,
            k.patient_control_number,
            a.file_sha256,
            coalesce(repeated_ids.occurrences, 1) as adjustment_id_occurrences,
            a.group_code,
            a.reason_code,
            a.adjustment_amount
        from x835_adjustments as a
        left join remit_claim_keys as k on k.remit_claim_id = a.remit_claim_id
        {_join_repeats("repeated_ids", "a", "adjustment_id")}
    """,
)

X835_PROVIDER_ADJUSTMENTS = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.x835_provider_adjustments",
    table_name="x835_provider_adjustments",
    source="x835_provider_adjustments",
    row_key="provider_adjustment_id",
    sql=f"""
        with {_repeats("repeated_ids", "x835_provider_adjustments", "provider_adjustment_id")}
        select
            p.provider_adjustment_id,
            p.file_sha256,
            coalesce(repeated_ids.occurrences, 1) as provider_adjustment_id_occurrences,
            p.provider_adjustment_reason_code,
            p.provider_adjustment_amount
        from x835_provider_adjustments as p
        {_join_repeats("repeated_ids", "p", "provider_adjustment_id")}
    """,
)

# One row per 835 file x payer of the batch: how many of its distinct claims match a submitted 837
# claim (any batch) of the same provider -- the rule of models/intermediate/remittances/
# int_remittance_claims_matched.sql: same patient control number and the payee's NPI or TIN is the
# billing provider's (a payee naming neither may match any biller). Row-level, so a low rate names
# the file and the payer.
REMIT_MATCH_SUMMARY = Frame(
    gx_suite="billing_quality.remit_match_summary",
    table_name="x835_claims",
    source="x835_claims",
    row_key="remit_match_key",
    file_key="file_sha256",
    sql="""
        with submitted as (
            select distinct patient_control_number, billing_provider_npi, billing_provider_tax_id
            from all_x837_claims
            where patient_control_number is not null
        ),
        batch_claims as (
            select distinct
                c.file_sha256,
                c.file_name,
                coalesce(nullif(trim(p.payer_id), ''), '?') as payer_id,
                c.patient_control_number,
                nullif(trim(p.payee_npi), '') as payee_npi,
                nullif(trim(p.payee_tax_id), '') as payee_tax_id
            from x835_claims as c
            left join x835_payments as p on p.payment_id = c.payment_id
            where c.patient_control_number is not null
        ),
        matched as (
            select
                b.file_sha256,
                b.file_name,
                b.payer_id,
                b.patient_control_number,
                bool_or(s.patient_control_number is not null) as is_matched
            from batch_claims as b
            left join submitted as s
                on s.patient_control_number = b.patient_control_number
                and (s.billing_provider_npi = b.payee_npi
                     or s.billing_provider_tax_id = b.payee_tax_id
                     or (b.payee_npi is null and b.payee_tax_id is null))
            group by all
        )
        select
            coalesce(file_name, file_sha256) || ' | payer ' || payer_id as remit_match_key,
            file_sha256,
            payer_id,
            count(*) as remit_claims,
            count(*) filter (where is_matched) as remit_claims_matched,
            cast(count(*) filter (where is_matched) as double) / count(*) as remit_match_rate
        from matched
        group by file_sha256, file_name, payer_id
        order by 1
    """,
)

PATIENT_PAYMENTS = Frame(
    file_key="file_sha256",
    gx_suite="billing_quality.patient_payments",
    table_name="patient_payments",
    source="patient_payments",
    row_key="patient_payment_row_id",
    claim_key="claim_id",
    sql="""
        select
            pp.patient_payment_row_id,
            pp.claim_id,
            pp.file_sha256,
            pp.amount,
            pp.payment_date
        from patient_payments as pp
    """,
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
    requires=("rpt_kpis_monthly",),
    row_key="kpi_row_key",
    sql="""
        select
            cast(month_start_date as varchar) || '|' || coalesce(payer_id, '') as kpi_row_key,
            month_start_date,
            payer_id,
            count(*) over (partition by month_start_date, payer_id) as kpi_row_key_occurrences,
            case when payer_id = 'ALL' then cast(initial_denial_rate as double) end
                as all_payers_initial_denial_rate
        from marts.rpt_kpis_monthly
    """,
)

# Every column whose name contains `_rate` (initial_denial_rate_dollars, _full, _partial,
# initial_line_denial_rate, final_denial_rate_net_revenue, payer_net_collection_rate and, once the
# mart has it, the full net_collection_rate), one row per month x payer x rate; read by name
# pattern, so a rate the mart adds is checked without a change here. Null rates (denominator 0,
# or no patient-payments feed) are dropped by UNPIVOT.
KPIS_MONTHLY_RATES = Frame(
    gx_suite="publish_checks.rpt_kpis_monthly_rates",
    table_name="marts.rpt_kpis_monthly",
    requires=("rpt_kpis_monthly",),
    row_key="kpi_rate_key",
    sql="""
        with rates as (
            select
                cast(month_start_date as varchar) || '|' || coalesce(payer_id, '') as kpi_row_key,
                columns('_rate') :: double
            from marts.rpt_kpis_monthly
        ),
        long as (
            unpivot rates on columns(* exclude (kpi_row_key))
            into name rate_name value rate_value
        )
        select kpi_row_key || '|' || rate_name as kpi_rate_key, rate_name, rate_value
        from long
    """,
)

_PAYMENT_STATES = """
    raw as (
        select payment_id, trace_number, payer_id, payment_amount, payment_date, file_sha256
        from raw_x835_payments
    ),
    in_marts as (
        select distinct payment_id from marts.fct_remittance_payments
    ),
    kept as (
        select r.trace_number, r.payer_id, r.payment_amount
        from raw as r
        where r.payment_id in (select payment_id from in_marts)
    ),
    classified as (
        select
            r.payment_id,
            r.payment_amount,
            case
                when r.payment_id in (select payment_id from in_marts) then 'in_marts'
                when r.file_sha256 in (select file_sha256 from held_files) then 'held_file'
                when exists (
                    select 1 from kept as k
                    where k.trace_number is not distinct from r.trace_number
                      and k.payer_id is not distinct from r.payer_id
                      and k.payment_amount = r.payment_amount
                ) then 'duplicate_delivery'
                when r.payment_date > $as_of_date then 'after_as_of'
                else 'missing_from_marts'
            end as reconciliation_status
        from raw as r
    )
"""

PAYMENT_RECONCILIATION = Frame(
    gx_suite="publish_checks.payment_reconciliation",
    table_name="x835_payments",
    requires=("fct_remittance_payments",),
    row_key="payment_id",
    sql=f"""
        with {_PAYMENT_STATES}
        select payment_id, payment_amount, reconciliation_status
        from classified
    """,
)

PAYMENT_TOTALS = Frame(
    gx_suite="publish_checks.payment_totals",
    table_name="marts.fct_remittance_payments",
    requires=("fct_remittance_payments",),
    row_key=None,
    sql=f"""
        with {_PAYMENT_STATES},
        totals as (
            select
                (select count(*) from raw) as raw_payment_count,
                (select coalesce(sum(payment_amount), 0) from raw) as raw_payment_amount,
                (select count(*) from marts.fct_remittance_payments) as marts_payment_count,
                (select coalesce(sum(payment_amount), 0) from marts.fct_remittance_payments)
                    as marts_payment_amount,
                (select coalesce(sum(payment_amount), 0) from classified
                 where reconciliation_status in ('duplicate_delivery', 'after_as_of', 'held_file'))
                    as explained_payment_amount,
                (select count(*) from marts.fct_remittance_payments
                 where payment_id not in (select payment_id from raw where payment_id is not null))
                    as marts_payments_not_in_raw
        )
        select
            *,
            raw_payment_amount - explained_payment_amount - marts_payment_amount
                as unreconciled_payment_amount
        from totals
    """,
)

REMITTANCE_LINE_ORPHANS = Frame(
    gx_suite="publish_checks.fct_remittance_service_lines",
    table_name="marts.fct_remittance_service_lines",
    requires=("fct_remittance_service_lines", "fct_remittance_claims"),
    row_key="remit_line_id",
    sql="""
        select
            s.remit_line_id,
            s.remit_claim_id,
            case when s.remit_claim_id is null then null
                 else s.remit_claim_id in (
                     select remit_claim_id from marts.fct_remittance_claims
                     where remit_claim_id is not null)
            end as has_remit_claim
        from marts.fct_remittance_service_lines as s
    """,
)

PUBLISH_FRAMES: tuple[Frame, ...] = (
    KPIS_MONTHLY,
    KPIS_MONTHLY_RATES,
    PAYMENT_RECONCILIATION,
    PAYMENT_TOTALS,
    REMITTANCE_LINE_ORPHANS,
)

FRAMES_BY_GATE: dict[str, tuple[Frame, ...]] = {
    "ingestion": INGESTION_FRAMES,
    "publish": PUBLISH_FRAMES,
}


def bind(sql: str, parameters: dict[str, object]) -> dict[str, object]:
    """The named parameters a query actually uses (DuckDB rejects unused ones)."""
    return {name: value for name, value in parameters.items() if f"${name}" in sql}


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
