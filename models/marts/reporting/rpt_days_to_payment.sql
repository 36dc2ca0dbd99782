{#-
    How long paid claims took, over each report window: claims first adjudicated in the window that
    were paid (fct_claims.days_to_payment: first submission to first payment), by days bucket,
    every bucket present (zero-filled), with the share of the window's paid claims.
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}
    where days_to_payment is not null and first_adjudication_date is not null

),

windows as (

    select * from {{ ref('rpt_report_windows') }}

),

buckets as (

    {{ values_rows([
        ('<= 14', 1, -2147483648, 14), ('15-30', 2, 15, 30), ('31-45', 3, 31, 45),
        ('46-60', 4, 46, 60), ('61-90', 5, 61, 90), ('91-120', 6, 91, 120),
        ('> 120', 7, 121, 2147483647),
    ], ['days_bucket', 'bucket_order', 'min_days', 'max_days']) }}

),

by_month as (

    select
        {{ month_start('claims.first_adjudication_date') }} as month_start_date,
        buckets.bucket_order,
        count(*) as claims
    from claims
    inner join buckets
        on claims.days_to_payment between buckets.min_days and buckets.max_days
    group by {{ month_start('claims.first_adjudication_date') }}, buckets.bucket_order

),

windowed as (

    {{ in_report_windows('by_month', 'month_start_date') }}

),

summed as (

    select
        window_last_month_date,
        bucket_order,
        sum(claims) as claims
    from windowed
    group by window_last_month_date, bucket_order

),

final as (

    select
        windows.window_last_month_date,
        buckets.bucket_order,
        buckets.days_bucket,
        coalesce(summed.claims, 0) as claims,
        {{ safe_rate('coalesce(summed.claims, 0)',
                     'sum(coalesce(summed.claims, 0)) over (partition by windows.window_last_month_date)') }}
            as claims_share
    from windows
    cross join buckets
    left join summed
        on
            windows.window_last_month_date = summed.window_last_month_date
            and buckets.bucket_order = summed.bucket_order

)

select * from final
