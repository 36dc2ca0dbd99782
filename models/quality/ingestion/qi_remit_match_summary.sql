-- One row per 835 file x payer of the batch: how many of its distinct claims match a submitted 837
-- claim (any batch) of the same provider -- the rule of int_remittance_claims_matched: same patient
-- control number, and the payee's NPI or TIN is the billing provider's (a payee naming neither may
-- match any biller). Row-level, so a low rate names the file and the payer.
with

remit_claims as (

    {{ gate_batch('remittances', 'x835_claims') }}

),

payments as (

    {{ gate_batch('remittances', 'x835_payments') }}

),

all_submitted_claims as (

    select * from {{ source('claims', 'x837_claims') }}

),

submitted as (

    select distinct
        patient_control_number,
        billing_provider_npi,
        billing_provider_tax_id
    from all_submitted_claims
    where patient_control_number is not null

),

batch_claims as (

    select distinct
        remit_claims.file_sha256,
        remit_claims.file_name,
        coalesce(nullif(trim(payments.payer_id), ''), '?') as payer_id,
        remit_claims.patient_control_number,
        nullif(trim(payments.payee_npi), '') as payee_npi,
        nullif(trim(payments.payee_tax_id), '') as payee_tax_id
    from remit_claims
    left join payments on remit_claims.payment_id = payments.payment_id
    where remit_claims.patient_control_number is not null

),

matched as (

    select
        batch_claims.file_sha256,
        batch_claims.file_name,
        batch_claims.payer_id,
        batch_claims.patient_control_number,
        bool_or(submitted.patient_control_number is not null) as is_matched
    from batch_claims
    left join submitted
        on
            batch_claims.patient_control_number = submitted.patient_control_number
            and (
                batch_claims.payee_npi = submitted.billing_provider_npi
                or batch_claims.payee_tax_id = submitted.billing_provider_tax_id
                or (batch_claims.payee_npi is null and batch_claims.payee_tax_id is null)
            )
    group by
        batch_claims.file_sha256,
        batch_claims.file_name,
        batch_claims.payer_id,
        batch_claims.patient_control_number

),

final as (

    select
        coalesce(file_name, file_sha256) || ' | payer ' || payer_id as remit_match_key,
        file_sha256,
        payer_id,
        count(*) as remit_claims,
        sum(case when is_matched then 1 else 0 end) as remit_claims_matched,
        cast(sum(case when is_matched then 1 else 0 end) as double) / count(*) as remit_match_rate
    from matched
    group by file_sha256, file_name, payer_id

)

select * from final
order by remit_match_key
