with

provider_adjustments as (

    {{ gate_batch('remittances', 'x835_provider_adjustments') }}

),

repeated_ids as (

    {{ gate_repeated_keys('provider_adjustments', ['provider_adjustment_id']) }}

),

final as (

    select
        provider_adjustments.provider_adjustment_id,
        provider_adjustments.file_sha256,
        coalesce(repeated_ids.occurrences, 1) as provider_adjustment_id_occurrences,
        provider_adjustments.provider_adjustment_reason_code,
        provider_adjustments.provider_adjustment_amount
    from provider_adjustments
    left join repeated_ids
        on provider_adjustments.provider_adjustment_id = repeated_ids.provider_adjustment_id

)

select * from final
