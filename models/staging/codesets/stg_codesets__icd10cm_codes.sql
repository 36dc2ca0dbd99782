with

source as (

    select * from {{ source('codesets', 'icd10cm_codes') }}

),

renamed as (

    select
        upper(icd10cm_code) as icd10cm_code,
        icd10cm_code_dotted,
        description as icd10cm_description,
        is_billable,
        chapter,
        fiscal_year,
        source as codeset_source,
        source_version as codeset_version

    from source

)

select * from renamed
