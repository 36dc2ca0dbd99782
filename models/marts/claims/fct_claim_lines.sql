with

claim_lines as (

    select * from {{ ref('int_claim_lines_outcomes') }}
    where {{ claims_scope() }}

),

final as (

    select
        claim_line_key,
        claim_id,
        patient_control_number,
        line_number,
        claim_line_id,
        coded_line_id,
        encounter_line_id,
        encounter_id,
        line_item_control_number,
        is_coded,
        is_billed,
        coding_match_method,
        payer_id,
        coder_id,
        coded_at,
        is_recoded,
        recoded_from_procedure_code,
        recoded_from_modifiers,
        rendering_provider_npi,
        place_of_service_code,
        service_date,
        procedure_code,
        billed_procedure_code,
        modifier_1,
        modifier_2,
        modifier_3,
        modifier_4,
        revenue_code,
        diagnosis_code_1,
        diagnosis_code_2,
        diagnosis_code_3,
        diagnosis_code_4,
        units,
        billed_amount,
        has_coding_check_failure,
        failed_coding_checks,
        remittance_line_count,
        first_adjudication_date,
        initial_line_outcome,
        is_initially_denied,
        initial_denied_amount,
        initial_denial_carc_codes,
        initial_primary_denial_carc_code,
        initial_denial_root_cause,
        initial_remark_codes,
        denial_attributed_check,
        denial_attributed_check_owner,
        final_line_outcome,
        is_finally_denied,
        final_denied_amount,
        paid_amount,
        patient_responsibility_amount,
        contractual_adjustment_amount
    from claim_lines

)

select * from final
