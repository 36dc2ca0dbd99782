-- noqa: disable=LT02,LT05,LT09,LT14
-- (layout not yet in the house style: sqlfluff cannot fix it through the templated macros; #18)
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

    Payers in sequence (payer_sequence): the claim's own (submitted) payer first, then by CLP02
    (1/19/4 primary, 2/20 secondary, 3/21 tertiary) and first adjudication date. Each payment
    belongs to the payer that made it (primary_paid_amount, secondary_paid_amount).

    The claim ledger ties out to the cent:
        billed_amount = paid_amount + patient_responsibility_amount + contractual_adjustment_amount
                        + other_adjustment_amount + final_denied_amount + open_balance_amount
    posted the way a practice-management system posts an 835:
      - paid, contractual (CO non-denial) and other adjustments: summed over every counted
        remittance of every payer (a reversal posts its amounts with the opposite sign);
      - patient responsibility: the PR adjustments of the LAST payer in the sequence only (a
        secondary takes over the primary's PR; never a sum over payers);
      - final denied: the denied amount still standing, i.e. of each payer's latest effective
        adjudication (a denial is not posted: an overturn later pays the same charge);
      - CARC 23 (prior payer) is not posted, except by the first payer we have (a claim seen only
        as a secondary: the earlier payer's part is then "other"); CARC 18 (duplicate) and 133
        (pending) are not posted: that money is still open;
      - open balance: what is left, i.e. not yet adjudicated, pending, or a difference the
        remittances do not explain (audit.unreconciled... see fct_claims.is_balance_unexplained).
#}
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

payer_sequences as (

    select
        claim_id,
        coalesce(payer_id, '') as payer_key,
        row_number() over (
            partition by claim_id
            order by min(payer_order),
                min(case
                    when claim_status_code in ('1', '19', '4') then 1
                    when claim_status_code in ('2', '20') then 2
                    when claim_status_code in ('3', '21') then 3
                    else 4
                end),
                min(adjudication_date),
                coalesce(payer_id, '')
        ) as payer_sequence
    from claim_remits
    group by claim_id, coalesce(payer_id, '')

),

sequenced_remits as (

    select
        claim_remits.*,
        payer_sequences.payer_sequence,
        max(payer_sequences.payer_sequence) over (partition by claim_remits.claim_id)
            as last_payer_sequence
    from claim_remits
    inner join payer_sequences
        on claim_remits.claim_id = payer_sequences.claim_id
        and coalesce(claim_remits.payer_id, '') = payer_sequences.payer_key

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

payer_standing as (

    select
        claim_id,
        {{ sum_money('denied_amount') }} as standing_denied_amount,
        {{ sum_money('pending_adjustment_amount') }} as standing_pending_amount
    from (
        select
            *,
            row_number() over (
                partition by claim_id, coalesce(payer_id, '')
                order by adjudication_date desc, payment_id desc, segment_position desc
            ) as payer_latest_rank
        from ordered_originals
        where is_effective
    ) as effective
    where payer_latest_rank = 1
    group by claim_id

),

netted as (

    select
        claim_id,
        count(*) as remittance_count,
        sum(case when is_reversal then 1 else 0 end) as reversal_count,
        count(distinct coalesce(payer_id, '')) as payer_count,
        {{ sum_money('paid_amount') }} as paid_amount,
        {{ sum_money('case when payer_sequence = 1 then paid_amount end') }} as primary_paid_amount,
        {{ sum_money('case when payer_sequence > 1 then paid_amount end') }} as secondary_paid_amount,
        max(case when payer_sequence = 2 then payer_id end) as secondary_payer_id,
        {{ sum_money('case when payer_sequence = last_payer_sequence
            then patient_responsibility_adjustment_amount end') }} as patient_responsibility_amount,
        {{ sum_money('contractual_adjustment_amount') }} as contractual_adjustment_amount,
        {{ sum_money('other_adjustment_amount + case when payer_sequence = 1
            then prior_payer_adjustment_amount else 0 end') }} as other_adjustment_amount,
        min(case when not is_reversal and paid_amount > 0 then adjudication_date end)
            as first_payment_date,
        max(adjudication_date) as last_adjudication_date
    from sequenced_remits
    group by claim_id

),

joined as (

    select
        claims.*,
        coalesce(netted.remittance_count, 0) as remittance_count,
        coalesce(netted.reversal_count, 0) as reversal_count,
        coalesce(netted.payer_count, 0) as payer_count,
        coalesce(netted.paid_amount, 0) as paid_amount,
        coalesce(netted.primary_paid_amount, 0) as primary_paid_amount,
        coalesce(netted.secondary_paid_amount, 0) as secondary_paid_amount,
        netted.secondary_payer_id,
        coalesce(netted.patient_responsibility_amount, 0) as patient_responsibility_amount,
        coalesce(netted.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        coalesce(netted.other_adjustment_amount, 0) as other_adjustment_amount,
        coalesce(payer_standing.standing_denied_amount, 0) as standing_denied_amount,
        coalesce(payer_standing.standing_pending_amount, 0) as pending_amount,
        netted.first_payment_date,
        netted.last_adjudication_date,
        initial_adjudications.remit_claim_id as initial_remit_claim_id,
        initial_adjudications.adjudication_date as first_adjudication_date,
        initial_adjudications.remit_outcome as initial_outcome,
        initial_adjudications.billed_amount as adjudicated_billed_amount,
        initial_adjudications.denied_amount as initial_denied_amount,
        initial_adjudications.denial_scope as initial_denial_scope,
        initial_adjudications.denial_carc_codes as initial_denial_carc_codes,
        initial_adjudications.primary_denial_carc_code as initial_primary_denial_carc_code,
        initial_adjudications.denial_root_cause as initial_denial_root_cause,
        initial_adjudications.remark_codes as initial_remark_codes,
        latest_effective_adjudications.remit_claim_id as final_remit_claim_id,
        latest_effective_adjudications.remit_outcome as final_outcome,
        latest_effective_adjudications.paid_amount as final_remit_paid_amount,
        latest_effective_adjudications.denied_amount as final_remit_denied_amount,
        latest_effective_adjudications.denial_carc_codes as final_denial_carc_codes,
        -- 193 (original decision upheld) names no cause of its own: the cause is the earlier one
        case
            when latest_effective_adjudications.primary_denial_carc_code = '193'
                then coalesce(initial_adjudications.denial_root_cause,
                              latest_effective_adjudications.denial_root_cause)
            else latest_effective_adjudications.denial_root_cause
        end as final_denial_root_cause

    from claims
    left join netted
        on claims.claim_id = netted.claim_id
    left join payer_standing
        on claims.claim_id = payer_standing.claim_id
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
            when final_outcome = 'pending' then 'pending'
            when final_outcome = 'patient_responsibility' then 'patient_responsibility'
            when final_remit_paid_amount > 0 then 'reversed'
            else 'paid'
        end as final_status
    from joined

),

billed as (

    select
        *,
        coalesce(submitted_billed_amount, adjudicated_billed_amount, 0) as billed_amount,
        {{ money("case when final_status = 'open' then 0 else standing_denied_amount end") }}
            as final_denied_amount
    from with_status

),

final as (

    select
        *,
        coalesce(initial_denial_scope is not null, false) as is_initially_denied,
        coalesce(initial_outcome in ('paid', 'patient_responsibility'), false) as is_first_pass_resolved,
        coalesce(initial_denial_scope is not null and final_denied_amount < initial_denied_amount, false)
            as is_overturned,
        case
            when initial_denial_scope is null or final_denied_amount >= initial_denied_amount then null
            when final_denied_amount = 0 then 'full'
            else 'partial'
        end as overturn_scope,
        {{ money("case when initial_denial_scope is not null and final_denied_amount < initial_denied_amount
            then initial_denied_amount - final_denied_amount else 0 end") }} as overturned_amount,
        {{ days_between('first_submission_date', 'first_payment_date') }} as days_to_payment,
        {{ money("billed_amount - paid_amount - patient_responsibility_amount
            - contractual_adjustment_amount - other_adjustment_amount - final_denied_amount") }}
            as open_balance_amount
    from billed

)

select * from final
