{#-
    Rule (835 claim balancing, revenue-cycle.md): CLP03 - sum(claim CAS) - sum(line CAS) = CLP04;
    when that holds and the claim has lines, also sum(SVC03) - sum(claim CAS) = CLP04 (the TR3's
    second form, which catches a wrong SVC02 hiding behind the first). Recomputed from the marts'
    own lines and adjustments, the difference must equal balance_difference_amount and is_balanced must
    say whether it is zero. An unbalanced claim is allowed (a data-quality finding, flagged); a
    flag that disagrees with the numbers is not.
-#}
with

claims as (

    select * from {{ ref('fct_remittance_claims') }}

),

adjustments as (

    select
        remit_claim_id,
        sum(adjustment_amount) as all_adjustments,
        sum(case when adjustment_level = 'claim' then adjustment_amount else 0 end) as claim_adjustments
    from {{ ref('fct_remittance_adjustments') }}
    group by remit_claim_id

),

lines as (

    select remit_claim_id, count(*) as line_count, sum(paid_amount) as line_paid
    from {{ ref('fct_remittance_service_lines') }}
    group by remit_claim_id

),

forms as (

    select
        claims.remit_claim_id,
        claims.is_balanced,
        claims.balance_difference_amount,
        lines.line_count,
        claims.billed_amount - coalesce(adjustments.all_adjustments, 0) - claims.paid_amount
            as first_form,
        coalesce(lines.line_paid, 0) - coalesce(adjustments.claim_adjustments, 0) - claims.paid_amount
            as second_form
    from claims
    left join adjustments
        on claims.remit_claim_id = adjustments.remit_claim_id
    left join lines
        on claims.remit_claim_id = lines.remit_claim_id

),

recomputed as (

    select
        *,
        case
            when first_form <> 0 or coalesce(line_count, 0) = 0 then first_form
            else second_form
        end as recomputed_difference
    from forms

)

select * from recomputed
where recomputed_difference <> coalesce(balance_difference_amount, 0)
    or is_balanced <> (recomputed_difference = 0)
