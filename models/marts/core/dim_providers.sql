with

coded_lines as (

    select * from {{ ref('int_coded_lines') }}

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

    select
        rendering_provider_npi as provider_npi,
        'rendering' as provider_role
    from coded_lines
    union all
    select
        billing_provider_npi,
        'billing'
    from coded_lines
    union all
    select
        billing_provider_npi,
        'billing'
    from submitted_claims
    union all
    select
        rendering_provider_npi,
        'rendering'
    from submitted_claims
    union all
    select
        rendering_provider_npi,
        'rendering'
    from claim_lines
    union all
    select
        rendering_provider_npi,
        'rendering'
    from remit_claims
    union all
    select
        payee_id,
        'payee'
    from payments
    where payee_id_qualifier = 'XX'

),

provider_names as (

    select
        billing_provider_npi as provider_npi,
        billing_provider_last_name as last_name,
        billing_provider_first_name as first_name,
        submission_date as seen_date,
        claim_submission_id as source_id,
        1 as source_rank
    from submitted_claims
    union all
    select
        rendering_provider_npi,
        rendering_provider_last_name,
        rendering_provider_first_name,
        submission_date,
        claim_submission_id,
        1
    from submitted_claims
    union all
    select
        claim_lines.rendering_provider_npi,
        claim_lines.rendering_provider_last_name,
        claim_lines.rendering_provider_first_name,
        submitted_claims.submission_date,
        claim_lines.claim_line_id,
        1
    from claim_lines
    inner join submitted_claims
        on claim_lines.claim_submission_id = submitted_claims.claim_submission_id
    union all
    select
        payee_id,
        payee_name,
        null,
        payment_date,
        payment_id,
        2
    from payments
    where payee_id_qualifier = 'XX'

),

{# each name's best sighting per rank and date first (millions of claim lines become a few
    thousand rows), so the ranking below sorts those, not every line #}
name_sightings as (

    select
        provider_npi,
        last_name,
        first_name,
        source_rank,
        seen_date,
        max(source_id) as source_id
    from provider_names
    where provider_npi is not null and last_name is not null
    group by provider_npi, last_name, first_name, source_rank, seen_date

),

latest_names as (

    select
        provider_npi,
        last_name,
        first_name,
        row_number() over (
            partition by provider_npi
            order by source_rank, seen_date desc, source_id desc
        ) as name_rank
    from name_sightings

),

roles as (

    select
        provider_npi,
        max(case when provider_role = 'rendering' then 1 else 0 end) = 1 as is_rendering_provider,
        max(case when provider_role = 'billing' then 1 else 0 end) = 1 as is_billing_provider,
        max(case when provider_role = 'payee' then 1 else 0 end) = 1 as is_payee,
        {{ is_valid_npi('provider_npi') }} as is_valid_npi
    from provider_roles
    where provider_npi is not null
    group by provider_npi

),

final as (

    select
        roles.provider_npi,
        case
            when latest_names.first_name is null then latest_names.last_name
            else latest_names.last_name || ', ' || latest_names.first_name
        end as provider_name,
        latest_names.last_name as provider_last_name,
        latest_names.first_name as provider_first_name,
        roles.is_rendering_provider,
        roles.is_billing_provider,
        roles.is_payee,
        roles.is_valid_npi
    from roles
    left join latest_names
        on
            roles.provider_npi = latest_names.provider_npi
            and latest_names.name_rank = 1

)

select * from final
