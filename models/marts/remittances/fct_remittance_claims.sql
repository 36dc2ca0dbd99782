with

remit_claims as (

    select * from {{ ref('int_remittance_claims_adjudicated') }}

),

final as (

    select
        remit_claim_id,
        payment_id,
        file_name,
        claim_id,
        patient_control_number,
        billing_provider_key,
        payee_provider_key,
        payer_id,
        payment_date,
        adjudication_date,
        claim_status_code,
        billed_amount,
        paid_amount,
        patient_responsibility_amount,
        patient_responsibility_adjustment_amount,
        contractual_adjustment_amount,
        other_adjustment_amount,
        prior_payer_adjustment_amount,
        duplicate_adjustment_amount,
        pending_adjustment_amount,
        claim_filing_indicator_code,
        payer_claim_control_number,
        facility_type_code,
        claim_frequency_code,
        drg_code,
        rendering_provider_npi,
        service_start_date,
        service_end_date,
        received_date,
        service_line_count,
        claim_adjustment_total as claim_adjustment_amount,
        line_adjustment_total as line_adjustment_amount,
        balance_difference as balance_difference_amount,
        is_balanced,
        is_reversal,
        remit_outcome,
        is_denied,
        denied_line_count,
        denial_scope,
        denied_amount,
        denial_carc_codes,
        primary_denial_carc_code,
        denial_root_cause,
        remark_codes,
        claim_match_status,
        provider_match_method,
        is_duplicate_delivery,
        is_counted
    from remit_claims

)

select * from final
