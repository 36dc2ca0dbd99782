with

source as (

    select * from {{ source('remittances', 'x835_claims') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        remit_claim_id,
        payment_id,
        file_name,
        file_sha256,
        segment_position,
        patient_control_number,
        claim_status_code,
        {{ money('billed_amount') }} as billed_amount,
        {{ money('paid_amount') }} as paid_amount,
        {{ money('patient_responsibility_amount') }} as patient_responsibility_amount,
        claim_filing_indicator_code,
        payer_claim_control_number,
        facility_type_code,
        claim_frequency_code,
        drg_code,
        patient_id,
        insured_id,
        rendering_provider_npi,
        cast(service_start_date as date) as service_start_date,
        cast(service_end_date as date) as service_end_date,
        cast(received_date as date) as received_date,
        reference_ids,
        line_count,
        {{ money('line_paid_total') }} as line_paid_total,
        {{ money('claim_adjustment_total') }} as claim_adjustment_total,
        {{ money('line_adjustment_total') }} as line_adjustment_total,
        {{ money('balance_difference') }} as balance_difference,
        is_balanced

    from source

)

select * from renamed
