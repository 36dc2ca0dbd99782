with

service_lines as (

    {{ gate_batch('remittances', 'x835_service_lines') }}

),

remit_claims as (

    {{ gate_batch('remittances', 'x835_claims') }}

),

repeated_ids as (

    {{ gate_repeated_keys('service_lines', ['remit_line_id']) }}

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
        service_lines.remit_line_id,
        service_lines.remit_claim_id,
        remit_claim_keys.patient_control_number,
        service_lines.file_sha256,
        coalesce(repeated_ids.occurrences, 1) as remit_line_id_occurrences,
        service_lines.billed_amount,
        service_lines.paid_amount,
        service_lines.is_balanced,
        service_lines.balance_difference
    from service_lines
    left join remit_claim_keys on service_lines.remit_claim_id = remit_claim_keys.remit_claim_id
    left join repeated_ids on service_lines.remit_line_id = repeated_ids.remit_line_id

)

select * from final
