with

source as (

    select * from {{ source('claims', 'x837_diagnoses') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        claim_diagnosis_id,
        claim_submission_id,
        file_name,
        file_sha256,
        segment_position,
        patient_control_number,
        diagnosis_sequence,
        code_qualifier,
        upper(replace(trim(diagnosis_code), '.', '')) as diagnosis_code

    from source

)

select * from renamed
