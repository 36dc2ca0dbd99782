{#-
    One row per month x payer, plus one row per month with payer_id = 'ALL' (computed from the
    claims, not by adding up payer rows). Adjudication measures fall in the month of the claim's
    first adjudication; submission measures (claims_submitted, clean claims) in the month of its
    first submission; provider-level adjustments (PLB: interest, recoupments) in the month of the
    payment that carried them. Every measure is defined once, in models/overview.md
    (kpi_definitions), with its source; the columns below compute exactly that.

    The measures count billed claims only (fct_claims.has_submission). A remittance whose claim we
    never billed (unmatched) adds to no rate, numerator or denominator, and is counted apart in
    unmatched_remittance_claims / unmatched_paid_amount: over all months,
    paid_amount + unmatched_paid_amount = every counted claim payment.

    Maturity: a month is mature once mature_after_days (dbt var) have passed since its last day
    AND at least mature_adjudicated_share of the claims first submitted in it have an
    adjudication. An immature month is shown but never used as a headline (is_mature = false).
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}
    where is_billed and first_adjudication_date is not null

),

provider_adjustments as (

    select * from {{ ref('fct_provider_adjustments') }}
    where is_counted and payment_date <= {{ as_of_date() }}

),

payers as (

    select * from {{ ref('dim_payers') }}

),

patient_payment_feed as (

    -- the full net collection rate needs the patients' payments: only with the optional extract
    select count(*) > 0 as has_patient_payments from {{ ref('fct_patient_payments') }}

),

claim_facts as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        {{ month_start('first_adjudication_date') }} as adjudication_month,
        {{ month_start('first_submission_date') }} as submission_month,
        first_adjudication_date is not null as is_adjudicated,
        is_clean_claim,
        is_initially_denied,
        initial_denial_scope,
        is_overturned,
        overturn_scope,
        is_first_pass_resolved,
        billed_amount,
        adjudicated_billed_amount,
        initial_denied_amount,
        overturned_amount,
        final_denied_amount,
        paid_amount,
        secondary_paid_amount,
        patient_responsibility_amount,
        patient_paid_amount,
        contractual_adjustment_amount,
        days_to_payment
    from claims
    where has_submission

),

line_facts as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        {{ month_start('first_adjudication_date') }} as adjudication_month,
        is_initially_denied
    from claim_lines

),

cash_facts as (

    select
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        {{ month_start('payment_date') }} as payment_month,
        -- a positive PLB amount reduces the payment: its effect on cash is the opposite sign
        -provider_adjustment_amount as provider_adjustment_cash_amount
    from provider_adjustments

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

both_scopes as (

    select * from claim_facts
    union all
    select
        'ALL' as payer_id,
        adjudication_month,
        submission_month,
        is_adjudicated,
        is_clean_claim,
        is_initially_denied,
        initial_denial_scope,
        is_overturned,
        overturn_scope,
        is_first_pass_resolved,
        billed_amount,
        adjudicated_billed_amount,
        initial_denied_amount,
        overturned_amount,
        final_denied_amount,
        paid_amount,
        secondary_paid_amount,
        patient_responsibility_amount,
        patient_paid_amount,
        contractual_adjustment_amount,
        days_to_payment
    from claim_facts

),

lines_both_scopes as (

    select * from line_facts
    union all
    select
        'ALL' as payer_id,
        adjudication_month,
        is_initially_denied
    from line_facts

),

cash_both_scopes as (

    select * from cash_facts
    union all
    select
        'ALL' as payer_id,
        payment_month,
        provider_adjustment_cash_amount
    from cash_facts

),

unmatched_both_scopes as (

    select * from unmatched_facts
    union all
    select
        'ALL' as payer_id,
        adjudication_month,
        paid_amount
    from unmatched_facts

),

adjudicated as (

    select
        adjudication_month as month_start_date,
        payer_id,
        count(*) as claims_adjudicated,
        sum(case when is_initially_denied then 1 else 0 end) as claims_initially_denied,
        sum(case when initial_denial_scope = 'full' then 1 else 0 end) as claims_initially_denied_full,
        sum(case when initial_denial_scope = 'partial' then 1 else 0 end)
            as claims_initially_denied_partial,
        {{ sum_money('adjudicated_billed_amount') }} as adjudicated_billed_amount,
        {{ sum_money('billed_amount') }} as billed_amount,
        {{ sum_money('initial_denied_amount') }} as initial_denied_amount,
        {{ sum_money('final_denied_amount') }} as final_denied_amount,
        sum(case when is_overturned then 1 else 0 end) as claims_overturned,
        sum(case when overturn_scope = 'full' then 1 else 0 end) as claims_overturned_full,
        sum(case when overturn_scope = 'partial' then 1 else 0 end) as claims_overturned_partial,
        {{ sum_money('overturned_amount') }} as overturned_amount,
        sum(case when is_first_pass_resolved then 1 else 0 end) as claims_first_pass_resolved,
        {{ sum_money('paid_amount') }} as paid_amount,
        {{ sum_money('secondary_paid_amount') }} as secondary_paid_amount,
        {{ sum_money('patient_responsibility_amount') }} as patient_responsibility_amount,
        {{ sum_money('patient_paid_amount') }} as patient_paid_amount,
        {{ sum_money('contractual_adjustment_amount') }} as contractual_adjustment_amount,
        cast({{ median('days_to_payment') }} as decimal(9, 2)) as median_days_to_payment,
        cast(avg(days_to_payment) as decimal(9, 2)) as mean_days_to_payment
    from both_scopes
    where adjudication_month is not null
    group by adjudication_month, payer_id

),

lines as (

    select
        adjudication_month as month_start_date,
        payer_id,
        count(*) as lines_adjudicated,
        sum(case when is_initially_denied then 1 else 0 end) as lines_initially_denied
    from lines_both_scopes
    group by adjudication_month, payer_id

),

submitted as (

    select
        submission_month as month_start_date,
        payer_id,
        count(*) as claims_submitted,
        sum(case when is_clean_claim then 1 else 0 end) as clean_claims,
        sum(case when is_adjudicated then 1 else 0 end) as claims_submitted_adjudicated
    from both_scopes
    where submission_month is not null
    group by submission_month, payer_id

),

cash as (

    select
        payment_month as month_start_date,
        payer_id,
        {{ sum_money('provider_adjustment_cash_amount') }} as provider_adjustment_cash_amount
    from cash_both_scopes
    group by payment_month, payer_id

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

    select
        month_start_date,
        payer_id
    from adjudicated
    union
    select
        month_start_date,
        payer_id
    from submitted
    union
    select
        month_start_date,
        payer_id
    from unmatched
    union
    select
        month_start_date,
        payer_id
    from cash

),

joined as (

    select
        months.month_start_date,
        months.payer_id,
        case when months.payer_id = 'ALL' then 'All payers' else payers.payer_name end as payer_name,
        coalesce(adjudicated.claims_adjudicated, 0) as claims_adjudicated,
        coalesce(adjudicated.claims_initially_denied, 0) as claims_initially_denied,
        coalesce(adjudicated.claims_initially_denied_full, 0) as claims_initially_denied_full,
        coalesce(adjudicated.claims_initially_denied_partial, 0) as claims_initially_denied_partial,
        coalesce(lines.lines_adjudicated, 0) as lines_adjudicated,
        coalesce(lines.lines_initially_denied, 0) as lines_initially_denied,
        coalesce(adjudicated.adjudicated_billed_amount, 0) as adjudicated_billed_amount,
        coalesce(adjudicated.billed_amount, 0) as billed_amount,
        coalesce(adjudicated.initial_denied_amount, 0) as initial_denied_amount,
        coalesce(adjudicated.final_denied_amount, 0) as final_denied_amount,
        coalesce(adjudicated.claims_overturned, 0) as claims_overturned,
        coalesce(adjudicated.claims_overturned_full, 0) as claims_overturned_full,
        coalesce(adjudicated.claims_overturned_partial, 0) as claims_overturned_partial,
        coalesce(adjudicated.overturned_amount, 0) as overturned_amount,
        coalesce(submitted.claims_submitted, 0) as claims_submitted,
        coalesce(submitted.clean_claims, 0) as clean_claims,
        coalesce(submitted.claims_submitted_adjudicated, 0) as claims_submitted_adjudicated,
        coalesce(adjudicated.claims_first_pass_resolved, 0) as claims_first_pass_resolved,
        coalesce(adjudicated.paid_amount, 0) as paid_amount,
        coalesce(adjudicated.secondary_paid_amount, 0) as secondary_paid_amount,
        coalesce(cash.provider_adjustment_cash_amount, 0) as provider_adjustment_cash_amount,
        coalesce(adjudicated.patient_responsibility_amount, 0) as patient_responsibility_amount,
        coalesce(adjudicated.patient_paid_amount, 0) as patient_paid_amount,
        coalesce(adjudicated.contractual_adjustment_amount, 0) as contractual_adjustment_amount,
        adjudicated.median_days_to_payment,
        adjudicated.mean_days_to_payment,
        coalesce(unmatched.unmatched_remittance_claims, 0) as unmatched_remittance_claims,
        coalesce(unmatched.unmatched_paid_amount, 0) as unmatched_paid_amount,
        {{ days_between(dbt.last_day('months.month_start_date', 'month'), as_of_date()) }}
            as days_since_month_end
    from months
    left join adjudicated
        on
            months.month_start_date = adjudicated.month_start_date
            and months.payer_id = adjudicated.payer_id
    left join lines
        on
            months.month_start_date = lines.month_start_date
            and months.payer_id = lines.payer_id
    left join submitted
        on
            months.month_start_date = submitted.month_start_date
            and months.payer_id = submitted.payer_id
    left join cash
        on
            months.month_start_date = cash.month_start_date
            and months.payer_id = cash.payer_id
    left join unmatched
        on
            months.month_start_date = unmatched.month_start_date
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
        claims_initially_denied_full,
        claims_initially_denied_partial,
        {{ safe_rate('claims_initially_denied', 'claims_adjudicated') }} as initial_denial_rate,
        {{ safe_rate('claims_initially_denied_full', 'claims_adjudicated') }}
            as initial_denial_rate_full,
        {{ safe_rate('claims_initially_denied_partial', 'claims_adjudicated') }}
            as initial_denial_rate_partial,
        lines_adjudicated,
        lines_initially_denied,
        {{ safe_rate('lines_initially_denied', 'lines_adjudicated') }} as initial_line_denial_rate,
        {{ safe_rate('initial_denied_amount', 'adjudicated_billed_amount') }}
            as initial_denial_rate_dollars,
        adjudicated_billed_amount,
        billed_amount,
        initial_denied_amount,
        final_denied_amount,
        {{ safe_rate('final_denied_amount', 'billed_amount') }} as final_denial_rate,
        {{ safe_rate('final_denied_amount', 'billed_amount - contractual_adjustment_amount') }}
            as final_denial_rate_net_revenue,
        claims_overturned,
        claims_overturned_full,
        claims_overturned_partial,
        overturned_amount,
        {{ safe_rate('claims_overturned', 'claims_initially_denied') }} as denial_overturn_rate,
        claims_submitted,
        clean_claims,
        {{ safe_rate('clean_claims', 'claims_submitted') }} as clean_claim_rate,
        claims_first_pass_resolved,
        {{ safe_rate('claims_first_pass_resolved', 'claims_adjudicated') }}
            as first_pass_resolution_rate,
        paid_amount,
        secondary_paid_amount,
        provider_adjustment_cash_amount,
        patient_responsibility_amount,
        patient_paid_amount,
        contractual_adjustment_amount,
        {{ safe_rate('paid_amount + provider_adjustment_cash_amount',
                     'billed_amount - contractual_adjustment_amount - patient_responsibility_amount') }}
            as payer_net_collection_rate,
        (select has_patient_payments from patient_payment_feed) as has_patient_payments,
        case
            when (select has_patient_payments from patient_payment_feed) then
            {{ safe_rate('paid_amount + provider_adjustment_cash_amount + patient_paid_amount',
                         'billed_amount - contractual_adjustment_amount') }}
        end as net_collection_rate,
        median_days_to_payment,
        mean_days_to_payment,
        unmatched_remittance_claims,
        unmatched_paid_amount,
        claims_submitted_adjudicated,
        {{ safe_rate('claims_submitted_adjudicated', 'claims_submitted') }} as adjudicated_share,
        days_since_month_end,
        days_since_month_end >= {{ var('mature_after_days') }}
        and coalesce(
            {{ safe_rate('claims_submitted_adjudicated', 'claims_submitted') }}, 1
        ) >= {{ var('mature_adjudicated_share') }} as is_mature
    from joined

)

select * from final
