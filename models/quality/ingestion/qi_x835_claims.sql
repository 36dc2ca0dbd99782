with

remit_claims as (

    {{ gate_batch('remittances', 'x835_claims') }}

),

-- every 837 claim ever loaded (any batch): a remittance may pay a claim billed months ago
all_submitted_claims as (

    select * from {{ source('claims', 'x837_claims') }}

),

repeated_ids as (

    {{ gate_repeated_keys('remit_claims', ['remit_claim_id']) }}

),

submitted as (

    select distinct patient_control_number
    from all_submitted_claims
    where patient_control_number is not null

),

final as (

    select
        remit_claims.remit_claim_id,
        remit_claims.patient_control_number,
        remit_claims.file_sha256,
        coalesce(repeated_ids.occurrences, 1) as remit_claim_id_occurrences,
        remit_claims.claim_status_code,
        remit_claims.billed_amount,
        remit_claims.paid_amount,
        remit_claims.is_balanced,
        remit_claims.balance_difference,
        case
            when remit_claims.patient_control_number is not null
                then submitted.patient_control_number is not null
        end as has_submitted_claim
    from remit_claims
    left join repeated_ids on remit_claims.remit_claim_id = repeated_ids.remit_claim_id
    left join submitted on remit_claims.patient_control_number = submitted.patient_control_number

)

select * from final
