{#- Codes only: CPT descriptions are the AMA's copyright and are not shipped. -#}
with

coded_lines as (

    select * from {{ ref('int_coded_lines') }}

),

claim_lines as (

    select * from {{ ref('stg_claims__claim_lines') }}

),

remit_lines as (

    select * from {{ ref('stg_remittances__service_lines') }}

),

code_uses as (

    select
        procedure_code,
        service_date,
        'coded' as used_on
    from coded_lines
    union all
    select
        procedure_code,
        service_date,
        'billed'
    from claim_lines
    where coalesce(procedure_qualifier, 'HC') <> 'NU'
    union all
    select
        procedure_code,
        service_date,
        'remitted'
    from remit_lines
    where coalesce(procedure_qualifier, 'HC') <> 'NU'

),

final as (

    select
        procedure_code,
        case
            when {{ is_cpt_format('procedure_code') }} then 'cpt'
            when {{ is_hcpcs_level2_format('procedure_code') }} then 'hcpcs_level_2'
            else 'other'
        end as code_system,
        min(service_date) as first_service_date,
        max(service_date) as last_service_date,
        sum(case when used_on = 'coded' then 1 else 0 end) as coded_line_count,
        sum(case when used_on = 'billed' then 1 else 0 end) as billed_line_count,
        sum(case when used_on = 'remitted' then 1 else 0 end) as remitted_line_count
    from code_uses
    where procedure_code is not null
    group by procedure_code

)

select * from final
