{#-
    One row per CLP occurrence with its payment's date and payer, its adjustments and lines summed,
    its denial classification and its claim (int_remittance_claims_matched: same patient control
    number AND the payee is the claim's billing provider).

    Match to a submitted claim (claim_match_status):
      matched                the claim was submitted to this payer
      matched_other_payer    the claim was submitted to another payer (a secondary, tertiary...)
      unmatched              no claim of this provider was submitted: the 835 claim is its own
                             claim (see provider_match_method for why), never merged into another
                             provider's claim

    Outcome of one adjudication (remit_outcome):
      reversal               CLP02 = 22 (amounts carry the opposite sign)
      denied                 CLP02 = 4, or paid 0 with CO/OA/PI adjustments whose CARC is a denial
      partially_paid         paid > 0 and at least one line denied
      pending                paid 0, nothing denied, and a line or the claim is held for review
                             (CARC 133): not a final answer
      patient_responsibility paid 0 and the patient owes (PR only: NOT a denial)
      paid                   anything else (paid > 0, or adjusted to 0 without a denial CARC)
    denial_scope: 'full' when the whole claim is denied (CLP02 = 4, no service lines, or every line
    denied), 'partial' when some lines are denied and others are not; null when nothing is denied.

    Ledger buckets (every CAS amount of the claim and its lines lands in exactly one, so that for a
    balanced 835: billed (CLP03) = paid + patient responsibility + contractual + denied + other
    + prior payer + duplicate + pending):
      patient_responsibility_adjustment_amount  group PR
      contractual_adjustment_amount             group CO with a non-denial CARC
      denied_amount                             denial CARCs of denied lines, and claim-level
                                                denial CARCs of a denied claim (a CLP02 = 4 claim
                                                without them: its whole unpaid charge)
      other_adjustment_amount                   everything else (OA/PI non-denials, a denial CARC
                                                that only reduced a line that was still paid)
      prior_payer_adjustment_amount             root cause prior_payer (CARC 23, 275): what an earlier payer settled
      duplicate_adjustment_amount               root cause duplicate (CARC 18, B13): a duplicate's answer
      pending_adjustment_amount                 root cause pending (CARC 133): held for review, still open
-#}
with

remit_claims as (

    select * from {{ ref('stg_remittances__claims') }}
    where {{ claims_scope() }}

),

payments as (

    select * from {{ ref('int_remittance_payments_deduplicated') }}

),

lines as (

    select * from {{ ref('int_remittance_lines_adjudicated') }}
    where {{ claims_scope() }}

),

adjustments as (

    select * from {{ ref('int_remittance_adjustments_classified') }}
    where {{ remit_claims_scope() }}

),

remarks as (

    select * from {{ ref('stg_remittances__remarks') }}
    where {{ remit_claims_scope() }}

),

claim_matches as (

    select * from {{ ref('int_remittance_claims_matched') }}
    where {{ claims_scope() }}

),

submitted_claims as (

    select * from {{ ref('int_claims_submitted') }}
    where {{ claims_scope() }}

),

claim_level_adjustments as (

    select
        remit_claim_id,
        {{ sum_money('denial_amount') }} as claim_denial_adjustment_amount
    from adjustments
    where adjustment_level = 'claim'
    group by remit_claim_id

),

summed_lines as (

    select
        remit_claim_id,
        count(*) as service_line_count,
        sum(case when is_denied then 1 else 0 end) as denied_line_count,
        {{ sum_money('denied_amount') }} as line_denied_amount
    from lines
    group by remit_claim_id

),

summed as (

    select
        remit_claims.*,
        payments.payer_id,
        payments.payer_name,
        payments.payment_date,
        payments.adjudication_date,
        payments.trace_number,
        payments.is_duplicate_delivery,
        payments.is_counted,
        coalesce(summed_lines.service_line_count, 0) as service_line_count,
        coalesce(summed_lines.denied_line_count, 0) as denied_line_count,
        coalesce(summed_lines.line_denied_amount, 0) as line_denied_amount,
        coalesce(claim_level_adjustments.claim_denial_adjustment_amount, 0)
            as claim_denial_adjustment_amount

    from remit_claims
    inner join payments
        on remit_claims.payment_id = payments.payment_id
    left join summed_lines
        on remit_claims.remit_claim_id = summed_lines.remit_claim_id
    left join claim_level_adjustments
        on remit_claims.remit_claim_id = claim_level_adjustments.remit_claim_id

),

flagged as (

    select
        *,
        coalesce(claim_status_code = '22', false) as is_reversal,
        coalesce(claim_status_code, '') <> '22'
        and (
            claim_status_code = '4'
            or (
                paid_amount = 0
                and (denied_line_count > 0 or claim_denial_adjustment_amount > 0)
            )
        ) as is_denied
    from summed

),

bucketed_adjustments as (

    select
        adjustments.remit_claim_id,
        case
            -- PR is what the patient owes, whatever the reason code says
            when adjustments.group_code = 'PR' then 'patient_responsibility'
            -- the seed's root cause, not literal codes: 23 and 275 are prior payer, 18 and B13
            -- duplicate, 133 pending (ref_carc_codes)
            when adjustments.root_cause in ('prior_payer', 'duplicate', 'pending')
                then adjustments.root_cause
            when adjustments.is_contractual_adjustment then 'contractual'
            when
                adjustments.is_denial_adjustment
                and (
                    (adjustments.adjustment_level = 'claim' and flagged.is_denied)
                    or (adjustments.adjustment_level = 'line' and lines.is_denied)
                ) then 'denied'
            -- a reversal mirrors the denial it takes back (its lines are never "denied")
            when
                adjustments.is_denial_adjustment and flagged.is_reversal
                and (
                    (adjustments.adjustment_level = 'claim' and flagged.paid_amount = 0)
                    or (adjustments.adjustment_level = 'line' and lines.paid_amount = 0)
                ) then 'denied'
            else 'other'
        end as ledger_bucket,
        adjustments.adjustment_amount
    from adjustments
    inner join flagged
        on adjustments.remit_claim_id = flagged.remit_claim_id
    left join lines
        on adjustments.remit_line_id = lines.remit_line_id

),

ledger_buckets as (

    select
        remit_claim_id,
        {{ sum_money("case when ledger_bucket = 'patient_responsibility' then adjustment_amount end") }}
            as patient_responsibility_adjustment_amount,
        {{ sum_money("case when ledger_bucket = 'contractual' then adjustment_amount end") }}
            as contractual_adjustment_amount,
        {{ sum_money("case when ledger_bucket = 'denied' then adjustment_amount end") }}
            as denied_adjustment_amount,
        {{ sum_money("case when ledger_bucket = 'other' then adjustment_amount end") }}
            as other_adjustment_amount,
        {{ sum_money("case when ledger_bucket = 'prior_payer' then adjustment_amount end") }}
            as prior_payer_adjustment_amount,
        {{ sum_money("case when ledger_bucket = 'duplicate' then adjustment_amount end") }}
            as duplicate_adjustment_amount,
        {{ sum_money("case when ledger_bucket = 'pending' then adjustment_amount end") }}
            as pending_adjustment_amount
    from bucketed_adjustments
    group by remit_claim_id

),

classified as (

    select
        flagged.*,
        coalesce(ledger_buckets.patient_responsibility_adjustment_amount, 0)
            as patient_responsibility_adjustment_amount,
        coalesce(ledger_buckets.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        coalesce(ledger_buckets.denied_adjustment_amount, 0) as denied_adjustment_amount,
        coalesce(ledger_buckets.other_adjustment_amount, 0) as other_adjustment_amount,
        coalesce(ledger_buckets.prior_payer_adjustment_amount, 0) as prior_payer_adjustment_amount,
        coalesce(ledger_buckets.duplicate_adjustment_amount, 0) as duplicate_adjustment_amount,
        coalesce(ledger_buckets.pending_adjustment_amount, 0) as pending_adjustment_amount
    from flagged
    left join ledger_buckets
        on flagged.remit_claim_id = ledger_buckets.remit_claim_id

),

with_outcome as (

    select
        *,
        case
            when is_reversal then 'reversal'
            when is_denied then 'denied'
            when paid_amount > 0 and denied_line_count > 0 then 'partially_paid'
            when paid_amount = 0 and pending_adjustment_amount > 0 then 'pending'
            when
                paid_amount = 0
                and (patient_responsibility_amount > 0 or patient_responsibility_adjustment_amount > 0)
                then 'patient_responsibility'
            else 'paid'
        end as remit_outcome,
        case
            when not is_denied and denied_line_count = 0 then null
            when
                claim_status_code = '4' or service_line_count = 0
                or denied_line_count = service_line_count then 'full'
            else 'partial'
        end as denial_scope,
        {{ money("case
            when not is_denied or denied_adjustment_amount > 0 then denied_adjustment_amount
            else billed_amount - paid_amount - patient_responsibility_adjustment_amount
                - contractual_adjustment_amount - other_adjustment_amount
                - prior_payer_adjustment_amount - duplicate_adjustment_amount
                - pending_adjustment_amount
        end") }} as denied_amount
    from classified

),

denial_reasons as (

    select
        adjustments.remit_claim_id,
        adjustments.group_code,
        adjustments.reason_code,
        adjustments.root_cause,
        sum(adjustments.adjustment_amount) as reason_amount
    from adjustments
    inner join with_outcome
        on adjustments.remit_claim_id = with_outcome.remit_claim_id
    left join lines
        on adjustments.remit_line_id = lines.remit_line_id
    where
        adjustments.is_denial_adjustment
        and (
            (adjustments.adjustment_level = 'claim' and with_outcome.is_denied)
            or (adjustments.adjustment_level = 'line' and lines.is_denied)
        )
    group by
        adjustments.remit_claim_id,
        adjustments.group_code,
        adjustments.reason_code,
        adjustments.root_cause

),

listed_denial_reasons as (

    {{ list_denial_reasons('denial_reasons', 'remit_claim_id') }}

),

listed_remarks as (

    {{ list_remarks('remarks', 'remit_claim_id') }}

),

final as (

    select
        with_outcome.*,
        listed_denial_reasons.denial_carc_codes,
        listed_denial_reasons.primary_denial_carc_code,
        listed_denial_reasons.denial_root_cause,
        listed_remarks.remark_codes,
        claim_matches.claim_id,
        claim_matches.billing_provider_key,
        claim_matches.payee_provider_key,
        coalesce(claim_matches.provider_match_method, 'not_billed') as provider_match_method,
        submitted_claims.claim_id is not null as has_submitted_claim,
        case
            when submitted_claims.claim_id is null then 'unmatched'
            when submitted_claims.payer_id = with_outcome.payer_id then 'matched'
            else 'matched_other_payer'
        end as claim_match_status

    from with_outcome
    left join listed_denial_reasons
        on with_outcome.remit_claim_id = listed_denial_reasons.remit_claim_id
    left join listed_remarks
        on with_outcome.remit_claim_id = listed_remarks.remit_claim_id
    left join claim_matches
        on with_outcome.remit_claim_id = claim_matches.remit_claim_id
    left join submitted_claims
        on
            claim_matches.claim_id = submitted_claims.claim_id
            and claim_matches.is_matched

)

select * from final
