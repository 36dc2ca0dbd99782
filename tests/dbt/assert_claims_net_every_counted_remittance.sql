{#-
    Rule: a claim's net payment is the sum over every counted remittance that names it (payment
    date <= as-of, each payment delivery counted once). Total of fct_claims.paid_amount must equal
    the total CLP04 of counted 835 claims, and no payment (trace + payer + amount) may count twice.
-#}
with

claims as (

    select sum(paid_amount) as amount from {{ ref('fct_claims') }}

),

remittances as (

    select sum(paid_amount) as amount
    from {{ ref('fct_remittance_claims') }}
    where is_counted and patient_control_number is not null

),

payments_counted_twice as (

    select trace_number, payer_id, payment_amount, count(*) as deliveries
    from {{ ref('fct_remittance_payments') }}
    where is_counted and trace_number is not null
    group by trace_number, payer_id, payment_amount
    having count(*) > 1

)

select 'claim totals differ' as failure, claims.amount as claims_amount, remittances.amount as remittances_amount
from claims cross join remittances
where coalesce(claims.amount, 0) <> coalesce(remittances.amount, 0)
union all
select 'payment counted twice', payment_amount, cast(deliveries as decimal(18, 2))
from payments_counted_twice
