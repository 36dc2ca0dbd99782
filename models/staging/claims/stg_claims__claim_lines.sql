with

source as (

    select * from {{ source('claims', 'x837_claim_lines') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        claim_line_id,
        claim_submission_id,
        file_name,
        file_sha256,
        segment_position,
        patient_control_number,
        line_number,
        service_segment,
        procedure_qualifier,
        procedure_code,
        modifier_1,
        modifier_2,
        modifier_3,
        modifier_4,
        revenue_code,
        {{ money('billed_amount') }} as billed_amount,
        unit_basis_code,
        cast(units as decimal(18, 6)) as units,
        place_of_service_code,
        diagnosis_pointer_1,
        diagnosis_pointer_2,
        diagnosis_pointer_3,
        diagnosis_pointer_4,
        cast(service_date as date) as service_date,
        cast(service_end_date as date) as service_end_date,
        line_item_control_number,
        rendering_provider_npi,
        rendering_provider_last_name,
        rendering_provider_first_name

    from source

)

select * from renamed
