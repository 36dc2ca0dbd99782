{#-
    Every 835 payment, flagged when the same payment (trace number + payer + amount) already arrived
    in another file. Identical bytes load once at ingest; this guards the other case, the same
    payment re-sent in a different file. The first delivery (earliest load, then file name) counts.
-#}
with

payments as (

    select * from {{ ref('stg_remittances__payments') }}

),

manifest as (

    select * from {{ ref('stg_ingestion__file_manifest') }}

),

file_loads as (

    select
        file_sha256,
        min(loaded_at) as first_loaded_at
    from manifest
    where status in ('loaded', 'partially_quarantined')
    group by file_sha256

),

ranked as (

    select
        payments.*,
        coalesce(payments.payment_date, payments.production_date) as adjudication_date,
        row_number() over (
            partition by
                coalesce(payments.trace_number, payments.payment_id),
                coalesce(payments.payer_id, ''),
                payments.payment_amount
            order by
                coalesce(file_loads.first_loaded_at, cast('9999-12-31 00:00:00' as timestamp)),
                payments.file_name,
                payments.payment_id
        ) as delivery_rank,
        first_value(payments.payment_id) over (
            partition by
                coalesce(payments.trace_number, payments.payment_id),
                coalesce(payments.payer_id, ''),
                payments.payment_amount
            order by
                coalesce(file_loads.first_loaded_at, cast('9999-12-31 00:00:00' as timestamp)),
                payments.file_name,
                payments.payment_id
            rows between unbounded preceding and unbounded following
        ) as first_delivery_payment_id

    from payments
    left join file_loads
        on payments.file_sha256 = file_loads.file_sha256

),

final as (

    select
        *,
        delivery_rank > 1 as is_duplicate_delivery,
        case when delivery_rank > 1 then first_delivery_payment_id end as duplicate_of_payment_id,
        delivery_rank = 1
        and adjudication_date is not null
        and adjudication_date <= {{ as_of_date() }} as is_counted
    from ranked

)

select * from final
