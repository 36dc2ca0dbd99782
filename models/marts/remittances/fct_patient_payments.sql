{#-
    Patient payments and refunds posted on or before the as-of date, keyed to the warehouse's
    claim (billing provider key + patient control number, the way a coded line's claim is keyed:
    macros/claim_keys.sql). A plain table, rebuilt every night: postings are few (at most a
    couple per claim) and the as-of filter and the billed-claim flag then never go stale.
    int_claims_in_scope puts the claim of every new or newly visible posting in scope, so
    claim-level incremental models that read this table stay exact.
-#}
with

payments as (

    select * from {{ ref('stg_patient_payments__payments') }}

),

claims_submitted as (

    select claim_id from {{ ref('int_claims_submitted') }}

),

keyed as (

    select
        payments.payment_id,
        {{ claim_key(provider_key('payments.billing_provider_npi'),
                     'payments.patient_control_number') }} as claim_id,
        payments.patient_control_number,
        payments.billing_provider_npi,
        payments.payment_date,
        payments.payment_amount,
        payments.payment_kind,
        payments.payment_method,
        payments.delivery_count,
        payments.file_name,
        payments.source_line_number

    from payments
    where payments.payment_date <= {{ as_of_date() }}

),

flagged as (

    select
        keyed.*,
        claims_submitted.claim_id is not null as has_billed_claim

    from keyed
    left join claims_submitted
        on keyed.claim_id = claims_submitted.claim_id

),

final as (

    select
        payment_id,
        claim_id,
        patient_control_number,
        billing_provider_npi,
        payment_date,
        payment_amount,
        payment_kind,
        payment_method,
        has_billed_claim,
        delivery_count,
        file_name,
        source_line_number

    from flagged

)

select * from final
