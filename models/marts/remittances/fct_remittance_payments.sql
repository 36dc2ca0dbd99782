with

payments as (

    select * from {{ ref('int_remittance_payments_deduplicated') }}

),

final as (

    select
        payment_id,
        file_name,
        file_sha256,
        interchange_control_number,
        transaction_control_number,
        x12_version,
        transaction_handling_code,
        payment_amount,
        credit_debit_flag,
        payment_method_code,
        payment_date,
        production_date,
        trace_number,
        trace_originator_id,
        payer_id,
        payer_name,
        payee_id,
        payee_id_qualifier,
        payee_name,
        claim_count,
        claim_paid_total as claims_paid_amount,
        provider_adjustment_total as provider_adjustment_amount,
        balance_difference as balance_difference_amount,
        is_balanced,
        is_duplicate_delivery,
        duplicate_of_payment_id,
        is_counted
    from payments

)

select * from final
