with

source as (

    select * from {{ source('remittances', 'x835_payments') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        payment_id,
        file_name,
        file_sha256,
        interchange_control_number,
        group_control_number,
        transaction_control_number,
        segment_position,
        x12_version,
        transaction_handling_code,
        {{ money('payment_amount') }} as payment_amount,
        credit_debit_flag,
        payment_method_code,
        cast(payment_date as date) as payment_date,
        trace_number,
        trace_originator_id,
        payer_id,
        payer_name,
        payee_id,
        payee_id_qualifier,
        payee_name,
        payee_npi,
        payee_tax_id,
        cast(production_date as date) as production_date,
        claim_count,
        {{ money('claim_paid_total') }} as claim_paid_total,
        {{ money('provider_adjustment_total') }} as provider_adjustment_total,
        {{ money('balance_difference') }} as balance_difference,
        is_balanced

    from source

)

select * from renamed
