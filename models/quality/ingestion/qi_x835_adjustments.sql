with

adjustments as (

    {{ gate_batch('remittances', 'x835_adjustments') }}

),

remit_claims as (

    {{ gate_batch('remittances', 'x835_claims') }}

),

repeated_ids as (

    {{ gate_repeated_keys('adjustments', ['adjustment_id']) }}

),

remit_claim_keys as (

    select
        remit_claim_id,
        any_value(patient_control_number) as patient_control_number
    from remit_claims
    group by remit_claim_id

),

final as (

    select
        adjustments.adjustment_id,
        remit_claim_keys.patient_control_number,
        adjustments.file_sha256,
        coalesce(repeated_ids.occurrences, 1) as adjustment_id_occurrences,
        adjustments.group_code,
        adjustments.reason_code,
        adjustments.adjustment_amount
    from adjustments
    left join remit_claim_keys on adjustments.remit_claim_id = remit_claim_keys.remit_claim_id
    left join repeated_ids on adjustments.adjustment_id = repeated_ids.adjustment_id

)

select * from final
