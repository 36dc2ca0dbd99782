with

source as (

    select * from {{ source('remittances', 'x835_service_lines') }}
    where {{ exclude_held_files() }}

),

renamed as (

    select
        remit_line_id,
        remit_claim_id,
        payment_id,
        file_name,
        file_sha256,
        segment_position,
        line_sequence,
        procedure_qualifier,
        procedure_code,
        modifier_1,
        modifier_2,
        modifier_3,
        modifier_4,
        {{ money('billed_amount') }} as billed_amount,
        {{ money('paid_amount') }} as paid_amount,
        revenue_code,
        cast(units_paid as decimal(18, 6)) as units_paid,
        original_procedure_qualifier,
        original_procedure_code,
        cast(original_units as decimal(18, 6)) as original_units,
        cast(service_date as date) as service_date,
        cast(service_end_date as date) as service_end_date,
        line_item_control_number,
        {{ money('allowed_amount') }} as allowed_amount,
        {{ money('adjustment_total') }} as adjustment_total,
        {{ money('balance_difference') }} as balance_difference,
        is_balanced

    from source

)

select * from renamed
