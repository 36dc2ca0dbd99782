{#-
    Rule (835 line balancing): SVC02 - sum(line CAS) = SVC03, recomputed from the marts; the flag
    and the stored difference must agree with it.
-#}
with

lines as (

    select * from {{ ref('fct_remittance_service_lines') }}

),

adjustments as (

    select remit_line_id, sum(adjustment_amount) as adjustment_amount
    from {{ ref('fct_remittance_adjustments') }}
    where adjustment_level = 'line'
    group by remit_line_id

),

recomputed as (

    select
        lines.remit_line_id,
        lines.is_balanced,
        lines.balance_difference_amount,
        lines.billed_amount - coalesce(adjustments.adjustment_amount, 0) - lines.paid_amount
            as recomputed_difference
    from lines
    left join adjustments
        on lines.remit_line_id = adjustments.remit_line_id

)

select * from recomputed
where recomputed_difference <> coalesce(balance_difference_amount, 0)
    or is_balanced <> (recomputed_difference = 0)
