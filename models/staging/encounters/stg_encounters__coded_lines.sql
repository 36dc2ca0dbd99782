{#-
    One row per coded service line (encounter_id + line_number): a line re-coded in a later
    delivery supersedes the earlier one (latest coded_at wins; ties go to the later file row).
    is_recoded: the line's visible versions differ in their coding (procedure, modifiers or
    diagnoses; a second delivery of the same coding is not a re-coding); recoded_from_*: the
    coding of the version just before the one kept, when it differs.
    Codings made after the as-of date are not visible yet, nor are rows of files the ingestion gate
    holds back (macros/file_holds.sql). The raw layer keeps every delivery.
    A table rebuilt in full every night (dbt_project.yml): ~7 models read it, and a staging model
    reads only sources, so it cannot take the claim scope (an intermediate model) to grow by night.
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

ranked as (

    select
        *,
        row_number() over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as coding_version_rank,
        count(*) over (partition by encounter_id, line_number) as coding_version_count,
        min(coding_signature) over (partition by encounter_id, line_number)
        <> max(coding_signature) over (partition by encounter_id, line_number) as is_recoded,
        lead(coding_signature) over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as previous_coding_signature,
        lead(procedure_code) over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as previous_procedure_code,
        lead(concat_ws(':', modifier_1, modifier_2, modifier_3, modifier_4)) over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as previous_modifiers

    from signed
    where coded_at < {{ dbt.dateadd('day', 1, as_of_date()) }}

),

final as (

    select
        {{ composite_key(['encounter_id', 'line_number']) }} as coded_line_id,
        *,
        case
            when previous_coding_signature <> coding_signature
                then previous_procedure_code
        end as recoded_from_procedure_code,
        case
            when previous_coding_signature <> coding_signature
                then nullif(previous_modifiers, '')
        end as recoded_from_modifiers
    from ranked
    where coding_version_rank = 1

)

select * from final
