with

claims as (

    {{ gate_batch('claims', 'x837_claims') }}

),

lines as (

    {{ gate_batch('claims', 'x837_claim_lines') }}

),

repeated_ids as (

    {{ gate_repeated_keys('claims', ['claim_submission_id']) }}

),

repeated_claims as (

    {{ gate_repeated_keys('claims', ['patient_control_number', 'claim_frequency_code']) }}

),

line_totals as (

    select
        claim_submission_id,
        sum(billed_amount) as line_charge_total,
        min(service_date) as first_line_service_date
    from lines
    group by claim_submission_id

),

joined as (

    select
        claims.claim_submission_id,
        claims.patient_control_number,
        claims.file_sha256,
        claims.claim_frequency_code,
        claims.billed_amount,
        line_totals.line_charge_total,
        claims.submission_date,
        nullif(trim(claims.payer_id), '') as payer_id,
        nullif(trim(claims.billing_provider_npi), '') as billing_provider_npi,
        nullif(trim(claims.rendering_provider_npi), '') as rendering_provider_npi,
        coalesce(line_totals.first_line_service_date, claims.statement_start_date) as first_service_date,
        coalesce(repeated_ids.occurrences, 1) as claim_submission_id_occurrences,
        coalesce(repeated_claims.occurrences, 1) as claim_occurrences
    from claims
    left join line_totals on claims.claim_submission_id = line_totals.claim_submission_id
    left join repeated_ids on claims.claim_submission_id = repeated_ids.claim_submission_id
    left join repeated_claims
        on
            claims.patient_control_number = repeated_claims.patient_control_number
            and claims.claim_frequency_code = repeated_claims.claim_frequency_code

),

final as (

    select
        *,
        {{ dbt.datediff('first_service_date', 'submission_date', 'day') }}
            as days_service_to_submission
    from joined

)

select * from final
