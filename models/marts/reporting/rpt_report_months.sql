{#-
    The months of rpt_kpis_monthly (all payers) as the report labels them: whether a month has
    data (claims submitted or adjudicated) and its maturity in words, 'mature' or why not
    ('immature: 15 days since month end, 60% adjudicated'; the share rounded ties-to-even).
-#}
with

kpis as (

    select * from {{ ref('rpt_kpis_monthly') }}
    where payer_id = 'ALL'

),

reasons as (

    select
        month_start_date,
        coalesce(is_mature, false) as is_mature,
        coalesce(claims_submitted, 0) > 0 or coalesce(claims_adjudicated, 0) > 0 as has_data,
        case
            when days_since_month_end is null then null
            when days_since_month_end > 0
                then cast(days_since_month_end as {{ dbt.type_string() }}) || ' days since month end'
            else 'month not over yet'
        end as days_reason,
        case
            when adjudicated_share is not null
                then
                    cast({{ round_half_even('adjudicated_share * 100') }} as {{ dbt.type_string() }})
                    || '% adjudicated'
        end as share_reason
    from kpis

),

final as (

    select
        month_start_date,
        is_mature,
        has_data,
        case
            when is_mature then 'mature'
            when days_reason is null and share_reason is null then 'immature'
            else 'immature: ' || concat_ws(', ', days_reason, share_reason)
        end as month_status
    from reasons

)

select * from final
