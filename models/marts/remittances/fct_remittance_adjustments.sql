with

adjustments as (

    select * from {{ ref('int_remittance_adjustments_classified') }}

),

final as (

    select
        adjustment_id,
        payment_id,
        remit_claim_id,
        remit_line_id,
        file_name,
        adjustment_level,
        group_code,
        reason_code as carc_code,
        adjustment_amount,
        adjustment_quantity,
        root_cause,
        is_known_carc,
        is_denial_carc,
        is_denial_adjustment,
        is_contractual_adjustment,
        is_patient_responsibility_adjustment,
        is_pending_adjustment
    from adjustments

)

select * from final
