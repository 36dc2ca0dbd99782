{#-
    One row per month x payer, plus one row per month with payer_id = 'ALL' (computed from the
    claims, not by adding up payer rows). Adjudication measures fall in the month of the claim's
    first adjudication; submission measures (claims_submitted, clean claims) in the month of its
    first submission. Definitions: see the model's YAML (revenue-cycle.md).

    The measures count billed claims only (fct_claims.has_submission). A remittance whose claim we
    never billed (unmatched: no claim of its payee's provider with that patient control number) is
    its own claim in fct_claims; here it adds to no rate, numerator or denominator, and is counted
    apart in unmatched_remittance_claims / unmatched_paid_amount (month of its first adjudication,
    by its payer): over all months, paid_amount + unmatched_paid_amount = every counted payment.
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}

),

payers as (

    select * from {{ ref('dim_payers') }}

),

claim_facts as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        {{ month_start('first_adjudication_date') }} as adjudication_month,
        {{ month_start('first_submission_date') }} as submission_month,
        is_clean_claim,
        is_initially_denied,
        is_overturned,
        is_first_pass_resolved,
        adjudicated_billed_amount,
        initial_denied_amount,
        final_denied_amount,
        paid_amount,
        patient_responsibility_amount,
        contractual_adjustment_amount,
        days_to_payment
    from claims
    where has_submission

),

unmatched_facts as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        {{ month_start('coalesce(first_adjudication_date, last_adjudication_date)') }}
            as adjudication_month,
        paid_amount
    from claims
    where not has_submission

),

unmatched_both_scopes as (

    select * from unmatched_facts
    union all
    select 'ALL' as payer_id, adjudication_month, paid_amount
    from unmatched_facts

),

both_scopes as (

    select * from claim_facts
    union all
    select
        'ALL' as payer_id,
        adjudication_month,
        submission_month,
        is_clean_claim,
        is_initially_denied,
        is_overturned,
        is_first_pass_resolved,
        adjudicated_billed_amount,
        initial_denied_amount,
        final_denied_amount,
        paid_amount,
        patient_responsibility_amount,
        contractual_adjustment_amount,
        days_to_payment
    from claim_facts

),

adjudicated as (

    select
        adjudication_month as month_start_date,
        payer_id,
        count(*) as claims_adjudicated,
        sum(case when is_initially_denied then 1 else 0 end) as claims_initially_denied,
        {{ sum_money('adjudicated_billed_amount') }} as billed_amount_adjudicated,
        {{ sum_money('initial_denied_amount') }} as initially_denied_amount,
        {{ sum_money('final_denied_amount') }} as final_denied_amount,
        sum(case when is_overturned then 1 else 0 end) as claims_overturned,
        sum(case when is_first_pass_resolved then 1 else 0 end) as claims_first_pass_resolved,
        {{ sum_money('paid_amount') }} as paid_amount,
        {{ sum_money('patient_responsibility_amount') }} as patient_responsibility_amount,
        {{ sum_money('contractual_adjustment_amount') }} as contractual_adjustment_amount,
        cast({{ median('days_to_payment') }} as decimal(9, 2)) as median_days_to_payment,
        cast(avg(days_to_payment) as decimal(9, 2)) as mean_days_to_payment
    from both_scopes
    where adjudication_month is not null
    group by adjudication_month, payer_id

),

submitted as (

    select
        submission_month as month_start_date,
        payer_id,
        count(*) as claims_submitted,
        sum(case when is_clean_claim then 1 else 0 end) as clean_claims
    from both_scopes
    where submission_month is not null
    group by submission_month, payer_id

),

unmatched as (

    select
        adjudication_month as month_start_date,
        payer_id,
        count(*) as unmatched_remittance_claims,
        {{ sum_money('paid_amount') }} as unmatched_paid_amount
    from unmatched_both_scopes
    where adjudication_month is not null
    group by adjudication_month, payer_id

),

months as (

    select month_start_date, payer_id from adjudicated
    union
    select month_start_date, payer_id from submitted
    union
    select month_start_date, payer_id from unmatched

),

joined as (

    select
        months.month_start_date,
        months.payer_id,
        case when months.payer_id = 'ALL' then 'All payers' else payers.payer_name end as payer_name,
        coalesce(adjudicated.claims_adjudicated, 0) as claims_adjudicated,
        coalesce(adjudicated.claims_initially_denied, 0) as claims_initially_denied,
        coalesce(adjudicated.billed_amount_adjudicated, 0) as billed_amount_adjudicated,
        coalesce(adjudicated.initially_denied_amount, 0) as initially_denied_amount,
        coalesce(adjudicated.final_denied_amount, 0) as final_denied_amount,
        coalesce(adjudicated.claims_overturned, 0) as claims_overturned,
        coalesce(submitted.claims_submitted, 0) as claims_submitted,
        coalesce(submitted.clean_claims, 0) as clean_claims,
        coalesce(adjudicated.claims_first_pass_resolved, 0) as claims_first_pass_resolved,
        coalesce(adjudicated.paid_amount, 0) as paid_amount,
        coalesce(adjudicated.patient_responsibility_amount, 0) as patient_responsibility_amount,
        coalesce(adjudicated.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        adjudicated.median_days_to_payment,
        adjudicated.mean_days_to_payment,
        coalesce(unmatched.unmatched_remittance_claims, 0) as unmatched_remittance_claims,
        coalesce(unmatched.unmatched_paid_amount, 0) as unmatched_paid_amount
    from months
    left join adjudicated
        on months.month_start_date = adjudicated.month_start_date
        and months.payer_id = adjudicated.payer_id
    left join submitted
        on months.month_start_date = submitted.month_start_date
        and months.payer_id = submitted.payer_id
    left join unmatched
        on months.month_start_date = unmatched.month_start_date
        and months.payer_id = unmatched.payer_id
    left join payers
        on months.payer_id = payers.payer_id

),

final as (

    select
        month_start_date,
        payer_id,
        payer_name,
        claims_adjudicated,
        claims_initially_denied,
        {{ safe_rate('claims_initially_denied', 'claims_adjudicated') }} as initial_denial_rate,
        {{ safe_rate('initially_denied_amount', 'billed_amount_adjudicated') }}
            as initial_denial_rate_dollars,
        billed_amount_adjudicated,
        initially_denied_amount,
        final_denied_amount,
        {{ safe_rate('final_denied_amount', 'billed_amount_adjudicated') }} as final_denial_rate,
        claims_overturned,
        {{ safe_rate('claims_overturned', 'claims_initially_denied') }} as denial_overturn_rate,
        claims_submitted,
        clean_claims,
        {{ safe_rate('clean_claims', 'claims_submitted') }} as clean_claim_rate,
        claims_first_pass_resolved,
        {{ safe_rate('claims_first_pass_resolved', 'claims_adjudicated') }}
            as first_pass_resolution_rate,
        paid_amount,
        patient_responsibility_amount,
        contractual_adjustment_amount,
        {{ safe_rate('paid_amount', 'billed_amount_adjudicated - contractual_adjustment_amount') }}
            as net_collection_rate,
        median_days_to_payment,
        mean_days_to_payment,
        unmatched_remittance_claims,
        unmatched_paid_amount
    from joined

)

select * from final
