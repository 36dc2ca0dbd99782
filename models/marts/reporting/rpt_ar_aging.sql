{#-
    Accounts receivable as of the run date, by payer and age bucket. A claim is in A/R while any
    part of its bill is neither paid nor written off (fct_claims.ar_balance_amount):
      - insurance_balance_amount  not yet adjudicated, pending review, or a difference the
                                  remittances leave unexplained (fct_claims.open_balance_amount);
      - denied_balance_amount     denied and still appealable (fct_claims.denied_balance_amount:
                                  within var denial_write_off_days of the last remittance);
      - patient_balance_amount    what the last payer left to the patient, less what the patient
                                  paid (fct_claims.patient_balance_amount).
    Age = days from the claim's first submission to the as-of date (billed A/R). HFMA's A/R > 90
    days = sum of ar_balance_amount where is_over_90_days / sum of ar_balance_amount. Every payer with
    a claim in A/R gets all five buckets, zero-filled.
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}
    where has_submission and ar_balance_amount <> 0

),

payers as (

    select * from {{ ref('dim_payers') }}

),

buckets as (

    select
        1 as bucket_order,
        '0-30' as age_bucket,
        0 as min_days,
        30 as max_days
    union all
    select
        2,
        '31-60',
        31,
        60
    union all
    select
        3,
        '61-90',
        61,
        90
    union all
    select
        4,
        '91-120',
        91,
        120
    union all
    select
        5,
        '>120',
        121,
        2147483647

),

aged as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        greatest({{ days_between('first_submission_date', as_of_date()) }}, 0) as age_days,
        open_balance_amount,
        denied_balance_amount,
        patient_balance_amount,
        ar_balance_amount
    from claims

),

payer_buckets as (

    select distinct
        aged.payer_id,
        buckets.*
    from aged
    cross join buckets

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        payer_buckets.payer_id,
        payers.payer_name,
        payer_buckets.age_bucket,
        payer_buckets.bucket_order,
        payer_buckets.bucket_order >= 4 as is_over_90_days,
        count(aged.payer_id) as open_claims,
        {{ sum_money('aged.open_balance_amount') }} as insurance_balance_amount,
        {{ sum_money('aged.denied_balance_amount') }} as denied_balance_amount,
        {{ sum_money('aged.patient_balance_amount') }} as patient_balance_amount,
        {{ sum_money('aged.ar_balance_amount') }} as ar_balance_amount
    from payer_buckets
    left join aged
        on
            payer_buckets.payer_id = aged.payer_id
            and aged.age_days between payer_buckets.min_days and payer_buckets.max_days
    left join payers
        on payer_buckets.payer_id = payers.payer_id
    group by
        payer_buckets.payer_id,
        payers.payer_name,
        payer_buckets.age_bucket,
        payer_buckets.bucket_order

)

select * from final
