{#-
    One row per claim line: a coded service line, the 837 line it was billed on, or both, with the
    line's claim (claim_id: the 837 claim's, else the coded line's) and its payment outcome as of
    the run date.
      - initial outcome: the line's result on the claim's initial adjudication (a claim denied
        without service lines denies every line);
      - final outcome: the line's result on the claim's latest effective adjudication, else the
        claim's final status;
      - money nets over every counted remittance line matched to the 837 line;
      - denial_attributed_check: when the line was initially denied, the failed pre-submission
        check that predicted its primary denial CARC (seeds/ref_quality_check_denial_carcs.csv):
        a check its coded line failed, or one its claim's 837 rows failed (an NPI check digit
        predicts the claim-level CO-16); the first by name when several do, null when none does.
-#}
{#- incremental like the rest of intermediate/claims (dbt_project.yml): on a night, every input is
    filtered to the claims in scope; on a first build or full refresh, not filtered at all -#}
{%- set scope = claims_scope() %}
with

billed_lines as (

    select * from {{ ref('int_claim_lines_billed') }}
    where {{ scope }}

),

coded_lines as (

    select * from {{ ref('int_coded_lines') }}
    where {{ scope }}

),

coded_matches as (

    select * from {{ ref('int_coded_lines_matched') }}
    where {{ scope }}

),

remit_line_matches as (

    select * from {{ ref('int_remittance_lines_matched') }}
    where
        claim_line_id is not null
        and {{ scope }}

),

remit_lines as (

    select * from {{ ref('int_remittance_lines_adjudicated') }}
    where {{ scope }}

),

remit_claims as (

    select * from {{ ref('int_remittance_claims_adjudicated') }}
    where
        is_counted
        and {{ scope }}

),

claims as (

    select * from {{ ref('int_claims_lifecycle') }}
    where {{ scope }}

),

failures as (

    select * from {{ ref('int_presubmission_failures_by_row') }}
    where
        is_coding_check
        and {{ scope }}

),

failed_checks as (

    select * from {{ ref('int_presubmission_failures_by_check') }}
    where {{ scope }}

),

check_denial_carcs as (

    select * from {{ ref('ref_quality_check_denial_carcs') }}

),

check_owners as (

    select * from {{ ref('ref_quality_checks') }}

),

coded_with_match as (

    select
        coded_lines.*,
        coded_matches.claim_id,
        coded_matches.claim_line_id,
        coded_matches.match_method
    from coded_lines
    inner join coded_matches
        on coded_lines.coded_line_id = coded_matches.coded_line_id

),

lines as (

    select
        coalesce(billed_lines.claim_line_id, coded_with_match.encounter_line_id) as claim_line_key,
        billed_lines.claim_line_id,
        coded_with_match.coded_line_id,
        coded_with_match.encounter_line_id,
        coded_with_match.encounter_id,
        coalesce(billed_lines.claim_id, coded_with_match.claim_id) as claim_id,
        coalesce(billed_lines.patient_control_number, coded_with_match.patient_control_number)
            as patient_control_number,
        coalesce(billed_lines.line_number, coded_with_match.line_number) as line_number,
        coalesce(billed_lines.line_item_control_number, coded_with_match.line_item_control_number)
            as line_item_control_number,
        coalesce(coded_with_match.procedure_code, billed_lines.procedure_code) as procedure_code,
        coalesce(coded_with_match.modifier_1, billed_lines.modifier_1) as modifier_1,
        coalesce(coded_with_match.modifier_2, billed_lines.modifier_2) as modifier_2,
        coalesce(coded_with_match.modifier_3, billed_lines.modifier_3) as modifier_3,
        coalesce(coded_with_match.modifier_4, billed_lines.modifier_4) as modifier_4,
        billed_lines.procedure_code as billed_procedure_code,
        billed_lines.revenue_code,
        coalesce(coded_with_match.diagnosis_code_1, billed_lines.diagnosis_code_1) as diagnosis_code_1,
        coalesce(coded_with_match.diagnosis_code_2, billed_lines.diagnosis_code_2) as diagnosis_code_2,
        coalesce(coded_with_match.diagnosis_code_3, billed_lines.diagnosis_code_3) as diagnosis_code_3,
        coalesce(coded_with_match.diagnosis_code_4, billed_lines.diagnosis_code_4) as diagnosis_code_4,
        coalesce(billed_lines.service_date, coded_with_match.service_date) as service_date,
        coalesce(billed_lines.units, coded_with_match.units) as units,
        coalesce(billed_lines.place_of_service_code, coded_with_match.place_of_service_code)
            as place_of_service_code,
        coalesce(billed_lines.rendering_provider_npi, coded_with_match.rendering_provider_npi)
            as rendering_provider_npi,
        coalesce(billed_lines.billed_amount, coded_with_match.billed_amount) as billed_amount,
        coded_with_match.coder_id,
        coded_with_match.coded_at,
        coalesce(coded_with_match.is_recoded, false) as is_recoded,
        coded_with_match.recoded_from_procedure_code,
        coded_with_match.recoded_from_modifiers,
        coded_with_match.coded_line_id is not null as is_coded,
        billed_lines.claim_line_id is not null as is_billed,
        coalesce(coded_with_match.match_method, 'not_coded') as coding_match_method

    from billed_lines
    full outer join coded_with_match
        on billed_lines.claim_line_id = coded_with_match.claim_line_id

),

counted_remit_lines as (

    select
        remit_line_matches.claim_line_id,
        remit_claims.claim_id,
        remit_lines.*
    from remit_line_matches
    inner join remit_lines
        on remit_line_matches.remit_line_id = remit_lines.remit_line_id
    inner join remit_claims
        on remit_lines.remit_claim_id = remit_claims.remit_claim_id

),

line_money as (

    select
        counted_remit_lines.claim_line_id,
        count(*) as remittance_line_count,
        {{ sum_money('counted_remit_lines.paid_amount') }} as paid_amount,
        {{ sum_money('counted_remit_lines.contractual_adjustment_amount') }}
            as contractual_adjustment_amount,
        {{ sum_money('counted_remit_lines.patient_responsibility_adjustment_amount') }}
            as patient_responsibility_amount,
        max(case
            when counted_remit_lines.remit_claim_id = claims.initial_remit_claim_id
                then counted_remit_lines.remit_line_id
        end) as initial_remit_line_id,
        max(case
            when counted_remit_lines.remit_claim_id = claims.final_remit_claim_id
                then counted_remit_lines.remit_line_id
        end) as final_remit_line_id
    from counted_remit_lines
    inner join claims
        on counted_remit_lines.claim_id = claims.claim_id
    group by counted_remit_lines.claim_line_id

),

coding_failures as (

    select
        row_key as encounter_line_id,
        failed_checks,
        has_critical_failure
    from failures

),

joined as (

    select
        lines.*,
        claims.payer_id,
        claims.initial_outcome as claim_initial_outcome,
        claims.final_status as claim_final_status,
        claims.first_adjudication_date,
        claims.initial_remit_claim_id,
        claims.initial_denial_carc_codes as claim_initial_denial_carc_codes,
        claims.initial_primary_denial_carc_code as claim_initial_primary_denial_carc_code,
        claims.initial_denial_root_cause as claim_initial_denial_root_cause,
        claims.initial_remark_codes as claim_initial_remark_codes,
        coalesce(line_money.remittance_line_count, 0) as remittance_line_count,
        coalesce(line_money.paid_amount, 0) as paid_amount,
        coalesce(line_money.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        coalesce(line_money.patient_responsibility_amount, 0) as patient_responsibility_amount,
        initial_lines.remit_line_id as initial_remit_line_id,
        initial_lines.line_outcome as initial_remit_line_outcome,
        initial_lines.denied_amount as initial_remit_line_denied_amount,
        initial_lines.denial_carc_codes as initial_line_denial_carc_codes,
        initial_lines.primary_denial_carc_code as initial_line_primary_denial_carc_code,
        initial_lines.denial_root_cause as initial_line_denial_root_cause,
        initial_lines.remark_codes as initial_line_remark_codes,
        final_lines.line_outcome as final_remit_line_outcome,
        final_lines.denied_amount as final_remit_line_denied_amount,
        coding_failures.encounter_line_id is not null as has_coding_check_failure,
        coding_failures.failed_checks as failed_coding_checks

    from lines
    left join claims
        on
            lines.claim_id = claims.claim_id
            and lines.is_billed
    left join line_money
        on lines.claim_line_id = line_money.claim_line_id
    left join remit_lines as initial_lines
        on line_money.initial_remit_line_id = initial_lines.remit_line_id
    left join remit_lines as final_lines
        on line_money.final_remit_line_id = final_lines.remit_line_id
    left join coding_failures
        on lines.encounter_line_id = coding_failures.encounter_line_id

),

outcomes as (

    select
        *,
        case
            when not is_billed then 'not_billed'
            when initial_remit_line_outcome is not null then initial_remit_line_outcome
            when claim_initial_outcome is null then 'not_adjudicated'
            when claim_initial_outcome = 'denied' then 'denied'
            else 'not_on_remittance'
        end as initial_line_outcome,
        case
            when not is_billed then 'not_billed'
            when final_remit_line_outcome is not null then final_remit_line_outcome
            else claim_final_status
        end as final_line_outcome,
        coalesce(initial_remit_line_id is null and claim_initial_outcome = 'denied', false)
            as is_claim_level_denial
    from joined

),

classified as (

    select
        *,
        initial_line_outcome = 'denied' as is_initially_denied,
        final_line_outcome = 'denied' as is_finally_denied,
        {{ money("case
            when initial_line_outcome <> 'denied' then 0
            when is_claim_level_denial then billed_amount
            else initial_remit_line_denied_amount
        end") }} as initial_denied_amount,
        {{ money("case
            when final_line_outcome <> 'denied' then 0
            else coalesce(final_remit_line_denied_amount, billed_amount)
        end") }} as final_denied_amount,
        case
            when is_claim_level_denial then claim_initial_denial_carc_codes
            else initial_line_denial_carc_codes
        end as initial_denial_carc_codes,
        case
            when is_claim_level_denial then claim_initial_primary_denial_carc_code
            else initial_line_primary_denial_carc_code
        end as initial_primary_denial_carc_code,
        case
            when is_claim_level_denial then claim_initial_denial_root_cause
            else initial_line_denial_root_cause
        end as initial_denial_root_cause,
        coalesce(initial_line_remark_codes, claim_initial_remark_codes) as initial_remark_codes
    from outcomes

),

denied_lines as (

    select
        claim_line_key,
        encounter_line_id,
        claim_id,
        initial_primary_denial_carc_code
    from classified
    where is_initially_denied

),

{# the checks each denied line failed, by two equi-joins: a check on the coded line itself, or
    one on its claim's 837 rows (an OR of the two in one join condition is a nested-loop join) #}
line_checks as (

    select
        denied_lines.claim_line_key,
        denied_lines.initial_primary_denial_carc_code,
        failed_checks.check_name
    from denied_lines
    inner join failed_checks
        on denied_lines.encounter_line_id = failed_checks.row_key
    where failed_checks.table_name = 'encounter_lines'

    union all

    select
        denied_lines.claim_line_key,
        denied_lines.initial_primary_denial_carc_code,
        failed_checks.check_name
    from denied_lines
    inner join failed_checks
        on denied_lines.claim_id = failed_checks.claim_id
    where failed_checks.table_name <> 'encounter_lines'

),

explaining_checks as (

    select
        line_checks.claim_line_key,
        min(line_checks.check_name) as denial_attributed_check
    from line_checks
    inner join check_denial_carcs
        on
            line_checks.check_name = check_denial_carcs.check_name
            and line_checks.initial_primary_denial_carc_code = check_denial_carcs.carc_code
    group by line_checks.claim_line_key

),

final as (

    select
        classified.*,
        explaining_checks.denial_attributed_check,
        check_owners.owner_team as denial_attributed_check_owner
    from classified
    left join explaining_checks
        on classified.claim_line_key = explaining_checks.claim_line_key
    left join check_owners
        on explaining_checks.denial_attributed_check = check_owners.check_name

)

select * from final
