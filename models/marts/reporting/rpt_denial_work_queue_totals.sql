{#-
    The work queue in one line, for the report page's lead and its "and N more" line: claims and
    recoverable dollars of the whole queue (rpt_denial_work_queue), of its P1 claims (next step due
    within 14 days), and of the claims after the first `top_rows` ranks (the page lists those).
-#}
{%- set top_rows = 25 -%}
with

queue as (

    select * from {{ ref('rpt_denial_work_queue') }}

),

final as (

    select
        {{ top_rows }} as top_rows,
        count(*) as claims,
        {{ sum_money('recoverable_amount') }} as recoverable_amount,
        sum(case when priority_label like 'P1%' then 1 else 0 end) as p1_claims,
        {{ sum_money("case when priority_label like 'P1%' then recoverable_amount else 0 end") }}
            as p1_recoverable_amount,
        sum(case when work_queue_rank > {{ top_rows }} then 1 else 0 end) as claims_after_top_rows,
        {{ sum_money('case when work_queue_rank > ' ~ top_rows ~ ' then recoverable_amount else 0 end') }}
            as after_top_rows_recoverable_amount
    from queue

)

select * from final
