{#-
    What each team has to work (rpt_denial_work_queue, every row): claims and recoverable dollars by
    owning team and priority, with the earliest next-step deadline (the corrected-claim deadline
    when that is the next step, else the appeal deadline).
-#}
with

queue as (

    select * from {{ ref('rpt_denial_work_queue') }}

),

final as (

    select
        coalesce(owning_team, '') as owning_team,
        coalesce(priority_label, '') as priority_label,
        count(*) as claims,
        {{ sum_money('recoverable_amount') }} as recoverable_amount,
        min(coalesce(next_deadline_date, appeal_deadline_date)) as first_deadline_date
    from queue
    group by coalesce(owning_team, ''), coalesce(priority_label, '')

)

select * from final
