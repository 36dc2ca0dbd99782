{#-
    One row per raw row and owning team that failed at least one pre-submission check in a gate
    run up to the as-of date (int_presubmission_failures_by_check, grouped): checks on coded lines
    (suite coding_quality, rows of encounter_lines) and on claims (suite billing_quality, rows of
    the x837 tables). is_coding_check = the coding team owns these failures (an NPI check digit is
    billing's, the 837's payer front end's): a claim with a failure whose is_coding_check is false
    has a billing-side (billing or front_end) failure.
-#}
with

failed_checks as (

    select * from {{ ref('int_presubmission_failures_by_check') }}

),

final as (

    select
        table_name,
        row_key,
        owner_team,
        max(patient_control_number) as patient_control_number,
        max(claim_id) as claim_id,
        owner_team = 'coding' as is_coding_check,
        count(*) as failed_check_count,
        {{ dbt.listagg('check_name', "','", 'order by check_name') }} as failed_checks,
        max(is_critical) = 1 as has_critical_failure
    from failed_checks
    group by table_name, row_key, owner_team

)

select * from final
