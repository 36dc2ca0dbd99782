with

submitted_claims as (

    select * from {{ ref('stg_claims__claims') }}

),

payments as (

    select * from {{ ref('stg_remittances__payments') }}

),

coded_lines as (

    select * from {{ ref('int_coded_lines') }}

),

filing_indicators as (

    select * from {{ ref('ref_claim_filing_indicators') }}

),

payer_mentions as (

    select
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        1 as source_priority
    from submitted_claims
    union all
    select
        payer_id,
        payer_name,
        cast(null as {{ dbt.type_string() }}),
        2
    from payments
    union all
    select
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        3
    from coded_lines

),

distinct_mentions as (

    {#- A handful of payers over millions of rows: rank the distinct mentions, not every row
        (the windows below partition by payer, so each partition would hold a payer's rows). -#}
    select
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        source_priority
    from payer_mentions
    where payer_id is not null
    group by payer_id, payer_name, claim_filing_indicator_code, source_priority

),

ranked_names as (

    select
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        row_number() over (
            partition by payer_id
            order by source_priority, case when payer_name is null then 1 else 0 end, payer_name
        ) as name_rank,
        row_number() over (
            partition by payer_id
            order by
                case when claim_filing_indicator_code is null then 1 else 0 end,
                source_priority, claim_filing_indicator_code
        ) as indicator_rank,
        max(case when source_priority = 1 then 1 else 0 end) over (partition by payer_id)
            as on_claims,
        max(case when source_priority = 2 then 1 else 0 end) over (partition by payer_id)
            as on_remittances
    from distinct_mentions

),

final as (

    select
        names.payer_id,
        names.payer_name,
        indicators.claim_filing_indicator_code,
        coalesce(filing_indicators.payer_category, 'unknown') as payer_category,
        names.on_claims = 1 as is_on_claims,
        names.on_remittances = 1 as is_on_remittances
    from ranked_names as names
    inner join ranked_names as indicators
        on
            names.payer_id = indicators.payer_id
            and indicators.indicator_rank = 1
    left join filing_indicators
        on
            indicators.claim_filing_indicator_code
            = cast(filing_indicators.claim_filing_indicator_code as {{ dbt.type_string() }})
    where names.name_rank = 1

)

select * from final
