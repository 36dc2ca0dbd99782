{#-
    One row per raw row that failed at least one pre-submission check in a gate run up to the
    as-of date: coding checks (suite coding_quality, rows of encounter_lines) and claim billing
    checks (suite billing_quality, rows of the x837 tables). 835 findings are not pre-submission
    edits and are left out. A check that failed in several runs counts once. The patient control
    number comes from the gate's claim_id, else from the raw row the key points at; the claim
    (claim_id: provider key + patient control number, macros/claim_keys.sql) from that raw row: a
    coded line's billing NPI, an 837 row's billing provider. A finding whose row is not found has
    no claim_id and flags no claim.
-#}
with

row_failures as (

    select * from {{ ref('stg_quality__row_failures') }}
    where as_of_date <= {{ as_of_date() }}
        and table_name in ('encounter_lines', 'x837_claims', 'x837_claim_lines', 'x837_diagnoses')
        and row_key is not null

),

coded_lines as (

    select * from {{ ref('stg_encounters__coded_lines') }}

),

submissions as (

    select * from {{ ref('stg_claims__claims') }}

),

encounter_rows as (

    select
        coded_lines.encounter_line_id as row_key,
        coded_lines.patient_control_number,
        {{ coded_line_claim_id('coded_lines') }} as claim_id
    from coded_lines

),

claim_rows as (

    select
        x837_rows.row_key,
        x837_rows.patient_control_number,
        {{ claim_key(provider_key('submissions.billing_provider_npi',
                                  'submissions.billing_provider_tax_id'),
                     'x837_rows.patient_control_number') }} as claim_id
    from ({{ x837_rows_by_key() }}) as x837_rows
    left join submissions
        on x837_rows.claim_submission_id = submissions.claim_submission_id

),

distinct_checks as (

    select
        table_name,
        row_key,
        check_name,
        max(patient_control_number) as patient_control_number,
        max(case when severity = 'critical' then 1 else 0 end) as is_critical
    from row_failures
    group by table_name, row_key, check_name

),

located as (

    select
        distinct_checks.table_name,
        distinct_checks.row_key,
        distinct_checks.check_name,
        distinct_checks.is_critical,
        coalesce(
            distinct_checks.patient_control_number,
            encounter_rows.patient_control_number,
            claim_rows.patient_control_number
        ) as patient_control_number,
        coalesce(encounter_rows.claim_id, claim_rows.claim_id) as claim_id
    from distinct_checks
    left join encounter_rows
        on distinct_checks.table_name = 'encounter_lines'
        and distinct_checks.row_key = encounter_rows.row_key
    left join claim_rows
        on distinct_checks.table_name <> 'encounter_lines'
        and distinct_checks.row_key = claim_rows.row_key

),

final as (

    select
        table_name,
        row_key,
        max(patient_control_number) as patient_control_number,
        max(claim_id) as claim_id,
        table_name = 'encounter_lines' as is_coding_check,
        count(*) as failed_check_count,
        {{ dbt.listagg('check_name', "','", 'order by check_name') }} as failed_checks,
        max(is_critical) = 1 as has_critical_failure
    from located
    group by table_name, row_key

)

select * from final
