with

source as (

    select * from {{ source('remittances', 'x835_adjustments') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        adjustment_id,
        payment_id,
        remit_claim_id,
        remit_line_id,
        file_name,
        file_sha256,
        segment_position,
        adjustment_level,
        upper(trim(group_code)) as group_code,
        trim(reason_code) as reason_code,
        {{ money('adjustment_amount') }} as adjustment_amount,
        cast(adjustment_quantity as decimal(18, 6)) as adjustment_quantity

    from source

)

select * from renamed
