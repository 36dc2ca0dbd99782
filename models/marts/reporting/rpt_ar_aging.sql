{#-
    Open accounts receivable as of the run date: claims submitted and not yet adjudicated (no
    counted remittance), or whose every payment was reversed. Age = days from the claim's first
    submission to the as-of date; balance = billed amount minus net payments. Every payer with an
    open claim gets all five buckets, zero-filled.
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}
    where has_submission and final_status in ('open', 'reversed')

),

payers as (

    select * from {{ ref('dim_payers') }}

),

buckets as (

    select 1 as bucket_order, '0-30' as age_bucket, 0 as min_days, 30 as max_days
    union all select 2, '31-60', 31, 60
    union all select 3, '61-90', 61, 90
    union all select 4, '91-120', 91, 120
    union all select 5, '>120', 121, 2147483647

),

aged as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        {{ days_between('first_submission_date', as_of_date()) }} as age_days,
        open_balance_amount
    from claims

),

payer_buckets as (

    select distinct aged.payer_id, buckets.*
    from aged
    cross join buckets

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        payer_buckets.payer_id,
        payers.payer_name,
        payer_buckets.age_bucket,
        payer_buckets.bucket_order,
        count(aged.payer_id) as open_claims,
        {{ sum_money('aged.open_balance_amount') }} as open_balance_amount
    from payer_buckets
    left join aged
        on payer_buckets.payer_id = aged.payer_id
        and aged.age_days between payer_buckets.min_days and payer_buckets.max_days
    left join payers
        on payer_buckets.payer_id = payers.payer_id
    group by
        payer_buckets.payer_id,
        payers.payer_name,
        payer_buckets.age_bucket,
        payer_buckets.bucket_order

)

select * from final
