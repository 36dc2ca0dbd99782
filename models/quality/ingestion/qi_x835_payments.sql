with

payments as (

    {{ gate_batch('remittances', 'x835_payments') }}

),

repeated_ids as (

    {{ gate_repeated_keys('payments', ['payment_id']) }}

),

final as (

    select
        payments.payment_id,
        payments.file_sha256,
        coalesce(repeated_ids.occurrences, 1) as payment_id_occurrences,
        payments.payment_amount,
        nullif(trim(payments.payer_id), '') as payer_id,
        payments.is_balanced,
        payments.balance_difference
    from payments
    left join repeated_ids on payments.payment_id = repeated_ids.payment_id

)

select * from final
