{#-
    A/R balances as of the run date by payer and age bucket (rpt_ar_aging), then every payer
    together (payer_id 'ALL') by age bucket: claims in A/R, insurance, appealable denied and
    patient balances, total A/R.
-#}
with

aging as (

    select * from {{ ref('rpt_ar_aging') }}

),

{%- set parts = ['insurance_balance_amount', 'denied_balance_amount', 'patient_balance_amount',
                 'ar_balance_amount'] %}

all_payers as (

    select
        'ALL' as payer_id,
        'All payers' as payer_name,
        age_bucket,
        bucket_order,
        sum(open_claims) as open_claims,
        {{ money_sums(parts) }}
    from aging
    group by age_bucket, bucket_order

),

combined as (

    select
        0 as payer_group,
        payer_id,
        payer_name,
        age_bucket,
        bucket_order,
        open_claims,
        {{ parts | join(', ') }}
    from aging
    union all
    select
        1,
        payer_id,
        payer_name,
        age_bucket,
        bucket_order,
        open_claims,
        {{ parts | join(', ') }}
    from all_payers

),

final as (

    select
        row_number() over (order by payer_group, payer_id, bucket_order) as display_order,
        payer_id,
        payer_name,
        age_bucket,
        bucket_order,
        open_claims,
        {{ parts | join(', ') }}
    from combined

)

select * from final
