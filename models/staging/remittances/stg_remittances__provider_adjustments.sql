with

source as (

    select * from {{ source('remittances', 'x835_provider_adjustments') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        provider_adjustment_id,
        payment_id,
        file_name,
        file_sha256,
        segment_position,
        provider_id,
        cast(fiscal_period_date as date) as fiscal_period_date,
        upper(trim(provider_adjustment_reason_code)) as provider_adjustment_reason_code,
        provider_adjustment_reference,
        {{ money('provider_adjustment_amount') }} as provider_adjustment_amount

    from source

)

select * from renamed
