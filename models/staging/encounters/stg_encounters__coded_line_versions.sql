{#-
    Every visible version of every coded service line, renamed and cast: one row per delivered
    row of the extract. A line re-coded in a later delivery has several versions; which one counts
    is decided in int_coded_lines (latest coded_at wins). Codings made after the as-of date are not
    visible yet, nor are rows of files the ingestion gate holds back (macros/file_holds.sql). The
    raw layer keeps every delivery.
-#}
with

source as (

    select source_rows.*
    from {{ source('encounters', 'encounter_lines') }} as source_rows
    where {{ exclude_held_files('source_rows.file_sha256') }}

),

renamed as (

    select
        encounter_line_id,
        encounter_id,
        claim_id as patient_control_number,
        line_number,
        line_item_control_number,
        patient_id,
        cast(patient_birth_date as date) as patient_birth_date,
        patient_sex,
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        rendering_npi as rendering_provider_npi,
        billing_npi as billing_provider_npi,
        place_of_service_code,
        cast(service_date as date) as service_date,
        procedure_code,
        modifier_1,
        modifier_2,
        modifier_3,
        modifier_4,
        cast(units as decimal(12, 2)) as units,
        {{ money('charge_amount') }} as billed_amount,
        upper(replace(trim(diagnosis_code_1), '.', '')) as diagnosis_code_1,
        upper(replace(trim(diagnosis_code_2), '.', '')) as diagnosis_code_2,
        upper(replace(trim(diagnosis_code_3), '.', '')) as diagnosis_code_3,
        upper(replace(trim(diagnosis_code_4), '.', '')) as diagnosis_code_4,
        coder_id,
        coded_at,
        file_name,
        file_sha256,
        source_line_number

    from source

),

signed as (

    select
        *,
        concat_ws(
            '|', procedure_code, modifier_1, modifier_2, modifier_3, modifier_4,
            diagnosis_code_1, diagnosis_code_2, diagnosis_code_3, diagnosis_code_4)
            as coding_signature

    from renamed

),

final as (

    select * from signed
    where coded_at < {{ dbt.dateadd('day', 1, as_of_date()) }}

)

select * from final
