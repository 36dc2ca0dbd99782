with

lifecycle as (

    select * from {{ ref('int_claims_lifecycle') }}

),

submitted_claims as (

    select * from {{ ref('int_claims_submitted') }}

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}

),

failures as (

    select * from {{ ref('int_presubmission_failures_by_row') }}

),

patient_payments as (

    select
        claim_id,
        {{ sum_money('payment_amount') }} as patient_paid_amount
    from {{ ref('fct_patient_payments') }}
    group by claim_id

),

billing_failures as (

    select
        claim_id,
        max(case when owner_team = 'billing' then 1 else 0 end) = 1 as has_billing_failure,
        max(case when owner_team = 'front_end' then 1 else 0 end) = 1 as has_front_end_failure
    from failures
    where
        not is_coding_check
        and claim_id is not null
    group by claim_id

),

line_summary as (

    select
        claim_id,
        sum(case when is_coded then 1 else 0 end) as coded_line_count,
        sum(case when has_coding_check_failure then 1 else 0 end) as lines_failed_coding_check
    from claim_lines
    where is_billed
    group by claim_id

),

claims as (

    select
        lifecycle.claim_id,
        lifecycle.patient_control_number,
        lifecycle.billing_provider_key,
        lifecycle.has_submission,
        lifecycle.remittance_count > 0 as has_remittance,
        lifecycle.payer_id,
        submitted_claims.claim_type,
        submitted_claims.claim_filing_indicator_code,
        submitted_claims.billing_provider_npi,
        submitted_claims.rendering_provider_npi,
        submitted_claims.place_of_service_code,
        submitted_claims.submission_count,
        lifecycle.first_submission_date,
        submitted_claims.latest_submission_date,
        lifecycle.billed_amount,
        lifecycle.adjudicated_billed_amount,
        lifecycle.remittance_count,
        lifecycle.reversal_count,
        lifecycle.first_adjudication_date,
        lifecycle.last_adjudication_date,
        lifecycle.first_payment_date,
        lifecycle.days_to_payment,
        lifecycle.initial_outcome,
        lifecycle.final_status,
        lifecycle.is_initially_denied,
        lifecycle.is_first_pass_resolved,
        lifecycle.is_overturned,
        lifecycle.initial_denied_amount,
        lifecycle.initial_denial_carc_codes,
        lifecycle.initial_primary_denial_carc_code,
        lifecycle.initial_denial_root_cause,
        lifecycle.initial_remark_codes,
        lifecycle.final_denied_amount,
        lifecycle.final_denial_carc_codes,
        lifecycle.final_denial_root_cause,
        lifecycle.paid_amount,
        lifecycle.primary_paid_amount,
        lifecycle.secondary_paid_amount,
        lifecycle.secondary_payer_id,
        lifecycle.payer_count,
        lifecycle.patient_responsibility_amount,
        coalesce(patient_payments.patient_paid_amount, 0) as patient_paid_amount,
        lifecycle.contractual_adjustment_amount,
        lifecycle.other_adjustment_amount,
        lifecycle.open_balance_amount,
        lifecycle.pending_amount,
        lifecycle.initial_denial_scope,
        lifecycle.overturn_scope,
        lifecycle.overturned_amount,
        {{ money("case when lifecycle.final_denied_amount <> 0
            and " ~ days_between('lifecycle.last_adjudication_date', as_of_date())
            ~ " <= " ~ var('denial_write_off_days') ~ "
            then lifecycle.final_denied_amount else 0 end") }} as denied_balance_amount,
        {{ money("case when lifecycle.final_denied_amount <> 0
            and " ~ days_between('lifecycle.last_adjudication_date', as_of_date())
            ~ " > " ~ var('denial_write_off_days') ~ "
            then lifecycle.final_denied_amount else 0 end") }} as denial_write_off_amount,
        coalesce(line_summary.coded_line_count, 0) as coded_line_count,
        coalesce(line_summary.lines_failed_coding_check, 0) as lines_failed_coding_check,
        coalesce(line_summary.lines_failed_coding_check, 0) > 0 as has_coding_check_failure,
        coalesce(billing_failures.has_billing_failure, false) as has_billing_check_failure,
        coalesce(billing_failures.has_front_end_failure, false) as has_front_end_check_failure,
        lifecycle.has_submission
        and coalesce(line_summary.lines_failed_coding_check, 0) = 0
        and billing_failures.claim_id is null as is_clean_claim

    from lifecycle
    left join submitted_claims
        on lifecycle.claim_id = submitted_claims.claim_id
    left join line_summary
        on lifecycle.claim_id = line_summary.claim_id
    left join billing_failures
        on lifecycle.claim_id = billing_failures.claim_id
    left join patient_payments
        on lifecycle.claim_id = patient_payments.claim_id

),

final as (

    select
        *,
        {{ money('patient_responsibility_amount - patient_paid_amount') }} as patient_balance_amount,
        {{ money('open_balance_amount + denied_balance_amount + patient_responsibility_amount
            - patient_paid_amount') }} as ar_balance_amount
    from claims

)

select * from final
