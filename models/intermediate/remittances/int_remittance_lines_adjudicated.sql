{#-
    One row per 835 service line (SVC) with its adjustments summed by bucket and its denial
    classification. A line is denied when it was paid 0 (or its claim has CLP02 = 4) AND it carries
    CO/OA/PI adjustments whose CARC is a denial CARC (or an unknown CARC: root cause
    'unclassified'); its denied amount is the sum of those adjustments. A line paid 0 only because
    of PR adjustments (deductible) is not denied.

    Outcome of the line (line_outcome), first match wins:
      reversal                CLP02 = 22
      denied                  is_denied (above)
      pending                 paid 0 and held by a pending adjustment (CARC 133): not final, so
                              neither paid nor denied yet (is_pending)
      patient_responsibility  paid 0 and the patient owes (PR)
      paid                    anything else
-#}
with

service_lines as (

    select * from {{ ref('stg_remittances__service_lines') }}
    where {{ remit_claims_scope() }}

),

remit_claims as (

    select * from {{ ref('stg_remittances__claims') }}
    where {{ claims_scope() }}

),

adjustments as (

    select * from {{ ref('int_remittance_adjustments_classified') }}
    where
        adjustment_level = 'line'
        and {{ remit_claims_scope() }}

),

remarks as (

    select * from {{ ref('stg_remittances__remarks') }}
    where
        remark_level = 'line'
        and {{ remit_claims_scope() }}

),

summed_adjustments as (

    select
        remit_line_id,
        {{ sum_money('denial_amount') }} as denial_adjustment_amount,
        {{ sum_money('contractual_amount') }} as contractual_adjustment_amount,
        {{ sum_money('patient_responsibility_amount') }} as patient_responsibility_adjustment_amount,
        {{ sum_money('other_adjustment_amount') }} as other_adjustment_amount,
        {{ sum_money('case when is_pending_adjustment then adjustment_amount else 0 end') }}
            as pending_adjustment_amount
    from adjustments
    group by remit_line_id

),

denial_reasons as (

    select
        remit_line_id,
        group_code,
        reason_code,
        root_cause,
        {{ sum_money('adjustment_amount') }} as reason_amount
    from adjustments
    where is_denial_adjustment
    group by remit_line_id, group_code, reason_code, root_cause

),

listed_denial_reasons as (

    {{ list_denial_reasons('denial_reasons', 'remit_line_id') }}

),

listed_remarks as (

    {{ list_remarks('remarks', 'remit_line_id') }}

),

joined as (

    select
        service_lines.*,
        remit_claims.patient_control_number,
        remit_claims.claim_status_code,
        coalesce(summed_adjustments.denial_adjustment_amount, 0) as denial_adjustment_amount,
        coalesce(summed_adjustments.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        coalesce(summed_adjustments.patient_responsibility_adjustment_amount, 0)
            as patient_responsibility_adjustment_amount,
        coalesce(summed_adjustments.other_adjustment_amount, 0) as other_adjustment_amount,
        coalesce(summed_adjustments.pending_adjustment_amount, 0) as pending_adjustment_amount,
        listed_denial_reasons.denial_carc_codes,
        listed_denial_reasons.primary_denial_carc_code,
        listed_denial_reasons.denial_root_cause,
        listed_remarks.remark_codes

    from service_lines
    inner join remit_claims
        on service_lines.remit_claim_id = remit_claims.remit_claim_id
    left join summed_adjustments
        on service_lines.remit_line_id = summed_adjustments.remit_line_id
    left join listed_denial_reasons
        on service_lines.remit_line_id = listed_denial_reasons.remit_line_id
    left join listed_remarks
        on service_lines.remit_line_id = listed_remarks.remit_line_id

),

classified as (

    select
        *,
        coalesce(claim_status_code, '') <> '22'
        and (paid_amount = 0 or claim_status_code = '4')
        and denial_adjustment_amount > 0 as is_denied
    from joined

),

flagged_pending as (

    select
        *,
        coalesce(claim_status_code, '') <> '22'
        and not is_denied
        and paid_amount = 0
        and pending_adjustment_amount > 0 as is_pending
    from classified

),

final as (

    select
        *,
        {{ money("case when is_denied then denial_adjustment_amount else 0 end") }} as denied_amount,
        case
            when claim_status_code = '22' then 'reversal'
            when is_denied then 'denied'
            when is_pending then 'pending'
            when paid_amount = 0 and patient_responsibility_adjustment_amount > 0
                then 'patient_responsibility'
            else 'paid'
        end as line_outcome
    from flagged_pending

)

select * from final
