{#-
    One row per claim (claim_id: provider key + patient control number, macros/claim_keys.sql) as
    of the run date: every counted remittance (payment date <= as-of, duplicate deliveries
    excluded) of the claim netted into one current state. An 835 claim belongs to the claim
    int_remittance_claims_matched gave it; an unmatched one (no claim of its payee's provider was
    submitted) is a claim of its own, has_submission = false, never merged into another provider's
    claim that reuses the patient control number.

    - A reversal (CLP02 = 22) cancels the earlier adjudication of the same claim, payer, paid and
      billed amounts (opposite sign), pairing them in date order. What is left are the claim's
      effective adjudications.
    - Initial outcome: the first non-reversal adjudication, the claim's own payer first
      (= first adjudication by the primary payer), even if it was later reversed.
    - Final status (money nets over every counted remittance, every payer):
        open                    no counted remittance
        reversed                every adjudication was reversed, or the net payment is negative
        partially_paid          net paid > 0 and the latest effective adjudication denied lines
        paid                    net paid > 0 otherwise (or adjusted to 0 without a denial CARC)
        denied                  net paid = 0 and the latest effective adjudication is a denial
        patient_responsibility  net paid = 0 and the latest effective adjudication moved the
                                balance to the patient (PR only: not a denial)
      The latest effective adjudication is the claim's own payer's latest, else any payer's.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ delete_claims_in_scope() }}"
) }}
-- depends_on: {{ ref('int_claims_in_scope') }}
with

submitted_claims as (

    select * from {{ ref('int_claims_submitted') }}
    where {{ claims_scope() }}

),

remit_claims as (

    select * from {{ ref('int_remittance_claims_adjudicated') }}
    where is_counted
        and {{ claims_scope() }}

),

claim_keys as (

    select claim_id, patient_control_number, billing_provider_key from submitted_claims
    union
    select claim_id, patient_control_number, billing_provider_key from remit_claims
    where claim_id is not null

),

remittance_payers as (

    select
        claim_id,
        payer_id,
        payer_name,
        row_number() over (
            partition by claim_id
            order by
                case when claim_status_code in ('1', '19', '4') then 0 else 1 end,
                adjudication_date,
                payment_id,
                segment_position
        ) as payer_rank
    from remit_claims

),

claims as (

    select
        claim_keys.claim_id,
        claim_keys.patient_control_number,
        claim_keys.billing_provider_key,
        submitted_claims.claim_id is not null as has_submission,
        coalesce(submitted_claims.payer_id, remittance_payers.payer_id) as payer_id,
        coalesce(submitted_claims.payer_name, remittance_payers.payer_name) as payer_name,
        submitted_claims.first_submission_date,
        submitted_claims.billed_amount as submitted_billed_amount
    from claim_keys
    left join submitted_claims
        on claim_keys.claim_id = submitted_claims.claim_id
    left join remittance_payers
        on claim_keys.claim_id = remittance_payers.claim_id
        and remittance_payers.payer_rank = 1

),

claim_remits as (

    select
        remit_claims.*,
        case when remit_claims.payer_id = claims.payer_id then 0 else 1 end as payer_order
    from remit_claims
    inner join claims
        on remit_claims.claim_id = claims.claim_id

),

originals as (

    select
        *,
        row_number() over (
            partition by claim_id, coalesce(payer_id, ''), paid_amount, billed_amount
            order by adjudication_date, payment_id, segment_position
        ) as pair_rank
    from claim_remits
    where not is_reversal

),

reversals as (

    select
        *,
        row_number() over (
            partition by claim_id, coalesce(payer_id, ''), paid_amount, billed_amount
            order by adjudication_date, payment_id, segment_position
        ) as pair_rank
    from claim_remits
    where is_reversal

),

reversed_originals as (

    select originals.remit_claim_id
    from originals
    inner join reversals
        on originals.claim_id = reversals.claim_id
        and coalesce(originals.payer_id, '') = coalesce(reversals.payer_id, '')
        and originals.paid_amount = -reversals.paid_amount
        and originals.billed_amount = -reversals.billed_amount
        and originals.pair_rank = reversals.pair_rank

),

ordered_originals as (

    select
        originals.*,
        reversed_originals.remit_claim_id is null as is_effective,
        row_number() over (
            partition by originals.claim_id
            order by originals.payer_order, originals.adjudication_date, originals.payment_id,
                originals.segment_position
        ) as initial_rank
    from originals
    left join reversed_originals
        on originals.remit_claim_id = reversed_originals.remit_claim_id

),

initial_adjudications as (

    select * from ordered_originals where initial_rank = 1

),

latest_effective_adjudications as (

    select * from (
        select
            *,
            row_number() over (
                partition by claim_id
                order by payer_order, adjudication_date desc, payment_id desc, segment_position desc
            ) as latest_rank
        from ordered_originals
        where is_effective
    ) as effective
    where latest_rank = 1

),

netted as (

    select
        claim_id,
        count(*) as remittance_count,
        sum(case when is_reversal then 1 else 0 end) as reversal_count,
        {{ sum_money('paid_amount') }} as paid_amount,
        {{ sum_money('patient_responsibility_amount') }} as patient_responsibility_amount,
        {{ sum_money('contractual_adjustment_amount') }} as contractual_adjustment_amount,
        min(case when not is_reversal and paid_amount > 0 then adjudication_date end)
            as first_payment_date,
        max(adjudication_date) as last_adjudication_date
    from claim_remits
    group by claim_id

),

joined as (

    select
        claims.*,
        coalesce(netted.remittance_count, 0) as remittance_count,
        coalesce(netted.reversal_count, 0) as reversal_count,
        coalesce(netted.paid_amount, 0) as paid_amount,
        coalesce(netted.patient_responsibility_amount, 0) as patient_responsibility_amount,
        coalesce(netted.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        netted.first_payment_date,
        netted.last_adjudication_date,
        initial_adjudications.remit_claim_id as initial_remit_claim_id,
        initial_adjudications.adjudication_date as first_adjudication_date,
        initial_adjudications.remit_outcome as initial_outcome,
        initial_adjudications.billed_amount as adjudicated_billed_amount,
        initial_adjudications.denied_amount as initial_denied_amount,
        initial_adjudications.denial_carc_codes as initial_denial_carc_codes,
        initial_adjudications.primary_denial_carc_code as initial_primary_denial_carc_code,
        initial_adjudications.denial_root_cause as initial_denial_root_cause,
        initial_adjudications.remark_codes as initial_remark_codes,
        latest_effective_adjudications.remit_claim_id as final_remit_claim_id,
        latest_effective_adjudications.remit_outcome as final_outcome,
        latest_effective_adjudications.paid_amount as final_remit_paid_amount,
        latest_effective_adjudications.denied_amount as final_remit_denied_amount,
        latest_effective_adjudications.denial_carc_codes as final_denial_carc_codes,
        latest_effective_adjudications.denial_root_cause as final_denial_root_cause

    from claims
    left join netted
        on claims.claim_id = netted.claim_id
    left join initial_adjudications
        on claims.claim_id = initial_adjudications.claim_id
    left join latest_effective_adjudications
        on claims.claim_id = latest_effective_adjudications.claim_id

),

with_status as (

    select
        *,
        case
            when remittance_count = 0 then 'open'
            when final_remit_claim_id is null or paid_amount < 0 then 'reversed'
            when paid_amount > 0 and final_outcome in ('denied', 'partially_paid') then 'partially_paid'
            when paid_amount > 0 then 'paid'
            when final_outcome = 'denied' then 'denied'
            when final_outcome = 'patient_responsibility' then 'patient_responsibility'
            when final_remit_paid_amount > 0 then 'reversed'
            else 'paid'
        end as final_status
    from joined

),

final as (

    select
        *,
        coalesce(submitted_billed_amount, adjudicated_billed_amount) as billed_amount,
        coalesce(initial_outcome = 'denied', false) as is_initially_denied,
        coalesce(initial_outcome in ('paid', 'patient_responsibility'), false) as is_first_pass_resolved,
        coalesce(initial_outcome = 'denied' and final_status in ('paid', 'partially_paid'), false)
            as is_overturned,
        {{ money("case when final_status in ('denied', 'partially_paid')
            then final_remit_denied_amount else 0 end") }} as final_denied_amount,
        {{ days_between('first_submission_date', 'first_payment_date') }} as days_to_payment,
        {{ money("case when final_status in ('open', 'reversed')
            then coalesce(submitted_billed_amount, adjudicated_billed_amount, 0) - paid_amount
            else 0 end") }} as open_balance_amount
    from with_status

)

select * from final
