{#-
    A/R as of the run date by payer (rpt_ar_aging summed over its age buckets), one column per age
    bucket (total A/R), its parts, and HFMA's A/R > 90 days: the amount in the 91-120 and >120
    buckets and its share of total A/R. A last row, payer_id 'ALL', adds up every payer (only when
    there is A/R).
-#}
with

aging as (

    select * from {{ ref('rpt_ar_aging') }}

),

{%- set parts = ['open_claims', 'insurance_balance_amount', 'denied_balance_amount',
                 'patient_balance_amount', 'ar_balance_amount'] %}

tagged as (

    select
        payer_id,
        payer_name,
        age_bucket,
        is_over_90_days,
        {{ parts | join(', ') }}
    from aging
    union all
    select
        'ALL',
        'All payers',
        age_bucket,
        is_over_90_days,
        {{ parts | join(', ') }}
    from aging

),

summed as (

    select
        payer_id,
        max(payer_name) as payer_name,
        {{ age_bucket_balances() }},
        sum(open_claims) as open_claims,
        {{ money_sums(parts[1:]) }},
        {{ sum_money('case when is_over_90_days then ar_balance_amount else 0 end') }} as ar_over_90_amount
    from tagged
    group by payer_id

),

final as (

    select
        row_number() over (
            order by case when payer_id = 'ALL' then 1 else 0 end, ar_balance_amount desc, payer_id
        ) as display_order,
        *,
        {{ safe_rate('ar_over_90_amount', 'ar_balance_amount') }} as ar_over_90_share
    from summed

)

select * from final
