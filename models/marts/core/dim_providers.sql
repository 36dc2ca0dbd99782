with

coded_lines as (

    select * from {{ ref('stg_encounters__coded_lines') }}

),

submitted_claims as (

    select * from {{ ref('stg_claims__claims') }}

),

claim_lines as (

    select * from {{ ref('stg_claims__claim_lines') }}

),

remit_claims as (

    select * from {{ ref('stg_remittances__claims') }}

),

payments as (

    select * from {{ ref('stg_remittances__payments') }}

),

provider_roles as (

    select rendering_provider_npi as provider_npi, 'rendering' as provider_role from coded_lines
    union all
    select billing_provider_npi, 'billing' from coded_lines
    union all
    select billing_provider_npi, 'billing' from submitted_claims
    union all
    select rendering_provider_npi, 'rendering' from submitted_claims
    union all
    select rendering_provider_npi, 'rendering' from claim_lines
    union all
    select rendering_provider_npi, 'rendering' from remit_claims
    union all
    select payee_id, 'payee' from payments where payee_id_qualifier = 'XX'

),

final as (

    select
        provider_npi,
        max(case when provider_role = 'rendering' then 1 else 0 end) = 1 as is_rendering_provider,
        max(case when provider_role = 'billing' then 1 else 0 end) = 1 as is_billing_provider,
        max(case when provider_role = 'payee' then 1 else 0 end) = 1 as is_payee,
        {{ is_valid_npi('provider_npi') }} as is_valid_npi
    from provider_roles
    where provider_npi is not null
    group by provider_npi

)

select * from final
