{#-
    One row per raw row and pre-submission check it failed (int_presubmission_failures_by_row
    groups them by row and team). Rows that failed at least one pre-submission check in a gate
    run up to the as-of date: checks on coded lines (suite coding_quality, rows of encounter_lines)
    and on claims (suite billing_quality, rows of the x837 tables). 835 findings are not
    pre-submission edits and are left out. The team that owns each check (coding, billing,
    front_end) comes from seeds/ref_quality_checks.csv, generated from the suites
    (transforms/quality/suites.py); a check the seed does not know (one recorded by an older
    release) falls back to billing for an NPI check digit, else its table's team (encounter_lines:
    coding, x837: billing). A check that failed in several runs counts once. The patient control
    number comes from the gate's claim_id, else from the raw row the key points at; the claim
    (claim_id: provider key + patient control number, macros/claim_keys.sql) from that raw row: a
    coded line's billing NPI, an 837 row's billing provider. A finding whose row is not found has
    no claim_id and flags no claim.
-#}
with

row_failures as (

    select * from {{ ref('stg_quality__row_failures') }}
    where
        as_of_date <= {{ as_of_date() }}
        and table_name in ('encounter_lines', 'x837_claims', 'x837_claim_lines', 'x837_diagnoses')
        and row_key is not null

),

check_owners as (

    select * from {{ ref('ref_quality_checks') }}

),

coded_lines as (

    select * from {{ ref('int_coded_lines') }}

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
            check_owners.owner_team,
            case
                when distinct_checks.check_name like '%npi_check_digit' then 'billing'
                when distinct_checks.table_name = 'encounter_lines' then 'coding'
                else 'billing'
            end
        ) as owner_team,
        coalesce(
            distinct_checks.patient_control_number,
            encounter_rows.patient_control_number,
            claim_rows.patient_control_number
        ) as patient_control_number,
        coalesce(encounter_rows.claim_id, claim_rows.claim_id) as claim_id
    from distinct_checks
    left join check_owners
        on distinct_checks.check_name = check_owners.check_name
    left join encounter_rows
        on
            distinct_checks.table_name = 'encounter_lines'
            and distinct_checks.row_key = encounter_rows.row_key
    left join claim_rows
        on
            distinct_checks.table_name <> 'encounter_lines'
            and distinct_checks.row_key = claim_rows.row_key

)

select * from located
