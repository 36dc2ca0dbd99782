with

provider_adjustments as (

    select * from {{ ref('stg_remittances__provider_adjustments') }}

),

reason_codes as (

    select * from {{ ref('ref_plb_reason_codes') }}

),

payments as (

    select * from {{ ref('int_remittance_payments_deduplicated') }}

),

final as (

    select
        provider_adjustments.provider_adjustment_id,
        provider_adjustments.payment_id,
        provider_adjustments.file_name,
        payments.payer_id,
        payments.payment_date,
        provider_adjustments.provider_id,
        provider_adjustments.fiscal_period_date,
        provider_adjustments.provider_adjustment_reason_code,
        reason_codes.description as provider_adjustment_reason_description,
        provider_adjustments.provider_adjustment_reference,
        provider_adjustments.provider_adjustment_amount,
        payments.is_duplicate_delivery,
        payments.is_counted
    from provider_adjustments
    inner join payments
        on provider_adjustments.payment_id = payments.payment_id
    left join reason_codes
        on
            provider_adjustments.provider_adjustment_reason_code
            = cast(reason_codes.plb_reason_code as {{ dbt.type_string() }})

)

select * from final
