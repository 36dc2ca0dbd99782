with

source as (

    select * from {{ source('claims', 'x837_claims') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        claim_submission_id,
        file_name,
        file_sha256,
        segment_position,
        x12_version,
        claim_type,
        batch_id,
        cast(submission_date as date) as submission_date,
        billing_provider_npi,
        billing_provider_tax_id,
        payer_responsibility_code,
        claim_filing_indicator_code,
        payer_id,
        payer_name,
        subscriber_id,
        patient_id,
        cast(patient_birth_date as date) as patient_birth_date,
        patient_sex,
        patient_control_number,
        {{ money('billed_amount') }} as billed_amount,
        place_of_service_code,
        facility_code_qualifier,
        claim_frequency_code,
        cast(statement_start_date as date) as statement_start_date,
        cast(statement_end_date as date) as statement_end_date,
        rendering_provider_npi,
        line_count,
        {{ money('line_billed_total') }} as line_billed_total,
        billing_provider_last_name,
        billing_provider_first_name,
        rendering_provider_last_name,
        rendering_provider_first_name

    from source

)

select * from renamed
