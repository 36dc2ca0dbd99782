{#-
    Rule (issue #14, the claim ledger): for every claim,
        billed = paid + patient responsibility + contractual + other adjustments + final denied
                 + open balance
    to the cent, and every adjustment of every balanced 835 claim lands in exactly one ledger bucket:
        CLP03 = CLP04 + PR + contractual + denied + other + prior payer (23) + duplicate (18)
                + pending (133).
    The second rule is what keeps the first honest: the open balance is what the postings leave, so
    it is only right if no adjustment is dropped or posted twice. Rows returned = violations.
-#}
with

claims as (

    select
        'claim' as violation_level,
        claim_id as violation_key,
        billed_amount - (paid_amount + patient_responsibility_amount + contractual_adjustment_amount
            + other_adjustment_amount + final_denied_amount + open_balance_amount) as difference
    from {{ ref('fct_claims') }}

),

remittance_claims as (

    select
        'remittance_claim' as violation_level,
        remit_claim_id as violation_key,
        billed_amount - (paid_amount + patient_responsibility_adjustment_amount
            + contractual_adjustment_amount + denied_amount + other_adjustment_amount
            + prior_payer_adjustment_amount + duplicate_adjustment_amount
            + pending_adjustment_amount) as difference
    from {{ ref('int_remittance_claims_adjudicated') }}
    where is_balanced

),

violations as (

    select * from claims where difference <> 0
    union all
    select * from remittance_claims where difference <> 0

)

select * from violations
