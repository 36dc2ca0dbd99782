with

code_set as (

    select * from {{ ref('stg_codesets__icd10cm_codes') }}

),

coded_lines as (

    select * from {{ ref('int_coded_lines') }}

),

claim_diagnoses as (

    select * from {{ ref('stg_claims__diagnoses') }}

),

used_codes as (

    select diagnosis_code_1 as diagnosis_code from coded_lines
    union
    select diagnosis_code_2 from coded_lines
    union
    select diagnosis_code_3 from coded_lines
    union
    select diagnosis_code_4 from coded_lines
    union
    select diagnosis_code from claim_diagnoses

),

all_codes as (

    select icd10cm_code as diagnosis_code from code_set
    union
    select diagnosis_code from used_codes
    where diagnosis_code is not null

),

final as (

    select
        all_codes.diagnosis_code,
        code_set.icd10cm_code_dotted as diagnosis_code_dotted,
        code_set.icd10cm_description as description,
        coalesce(code_set.is_billable, false) as is_billable,
        code_set.chapter,
        code_set.fiscal_year,
        code_set.icd10cm_code is not null as is_in_code_set,
        used_codes.diagnosis_code is not null as is_used,
        code_set.codeset_version
    from all_codes
    left join code_set
        on all_codes.diagnosis_code = code_set.icd10cm_code
    left join used_codes
        on all_codes.diagnosis_code = used_codes.diagnosis_code

)

select * from final
