{#-
    One row per claim (claim_id = billing provider key + patient control number, CLM01; see
    macros/claim_keys.sql) submitted on an 837 on or before the as-of date. A claim may be submitted
    several times (corrections, replacements, a secondary payer's copy): the first submission
    (primary payer first, then earliest) fixes the claim's payer and submission date; the latest one
    is the current bill whose lines are matched downstream. Two practices that reuse a patient
    control number bill two claims.
-#}
with

submissions as (

    select * from {{ ref('stg_claims__claims') }}
    where
        submission_date <= {{ as_of_date() }}
        and {{ claims_scope() }}

),

keyed as (

    select
        *,
        {{ provider_key('billing_provider_npi', 'billing_provider_tax_id') }} as billing_provider_key
    from submissions

),

identified as (

    select
        *,
        {{ claim_key('billing_provider_key', 'patient_control_number') }} as claim_id
    from keyed

),

ranked as (

    select
        *,
        row_number() over (
            partition by claim_id
            order by
                case when payer_responsibility_code = 'P' then 0 else 1 end,
                submission_date,
                claim_submission_id
        ) as first_rank,
        row_number() over (
            partition by claim_id
            order by submission_date desc, claim_submission_id desc
        ) as latest_rank,
        count(*) over (partition by claim_id) as submission_count,
        max(submission_date) over (partition by claim_id) as latest_submission_date
    from identified

),

first_submissions as (

    select * from ranked
    where first_rank = 1

),

latest_submissions as (

    select * from ranked
    where latest_rank = 1

),

final as (

    select
        first_submissions.claim_id,
        first_submissions.patient_control_number,
        first_submissions.billing_provider_key,
        first_submissions.claim_submission_id as first_claim_submission_id,
        latest_submissions.claim_submission_id as current_claim_submission_id,
        first_submissions.submission_date as first_submission_date,
        first_submissions.latest_submission_date,
        first_submissions.submission_count,
        first_submissions.claim_type,
        first_submissions.payer_id,
        first_submissions.payer_name,
        first_submissions.claim_filing_indicator_code,
        latest_submissions.billing_provider_npi,
        latest_submissions.billing_provider_tax_id,
        latest_submissions.rendering_provider_npi,
        latest_submissions.place_of_service_code,
        latest_submissions.claim_frequency_code,
        latest_submissions.billed_amount,
        latest_submissions.line_count,
        latest_submissions.patient_id,
        latest_submissions.patient_sex
    from first_submissions
    inner join latest_submissions
        on first_submissions.claim_id = latest_submissions.claim_id

)

select * from final
