{#-
    Rule (835 transaction balancing): BPR02 = sum(CLP04) - sum(every PLB amount), BPR02 counted
    negative when BPR03 = D (debit); recomputed from the marts, the flag and the stored difference
    must agree with it.
-#}
with

payments as (

    select * from {{ ref('fct_remittance_payments') }}

),

claims as (

    select payment_id, sum(paid_amount) as paid_amount
    from {{ ref('fct_remittance_claims') }}
    group by payment_id

),

provider_adjustments as (

    select payment_id, sum(provider_adjustment_amount) as provider_adjustment_amount
    from {{ ref('fct_provider_adjustments') }}
    group by payment_id

),

recomputed as (

    select
        payments.payment_id,
        payments.is_balanced,
        payments.balance_difference_amount,
        case when payments.credit_debit_flag = 'D' then -payments.payment_amount
            else payments.payment_amount end
            - (coalesce(claims.paid_amount, 0) - coalesce(provider_adjustments.provider_adjustment_amount, 0))
            as recomputed_difference
    from payments
    left join claims
        on payments.payment_id = claims.payment_id
    left join provider_adjustments
        on payments.payment_id = provider_adjustments.payment_id

)

select * from recomputed
where recomputed_difference <> coalesce(balance_difference_amount, 0)
    or is_balanced <> (recomputed_difference = 0)
