{#-
    Initial denials by root cause over each report window (rpt_report_windows): every root cause
    the report names, zero-filled, then any other cause with denials ('Other'). Sums of rpt_denials
    (additive), the share of the window's denied dollars, and the shares failing a coding check.
-#}
with

windows as (

    select * from {{ ref('rpt_report_windows') }}

),

denials as (

    {{ in_report_windows(ref('rpt_denials'), 'month_start_date') }}

),

causes as (

    {{ values_rows(root_causes_ordered(), ['denial_root_cause', 'root_cause_label', 'fixed_by', 'sort_order']) }}

),

summed as (

    select
        window_last_month_date,
        denial_root_cause,
        {{ denial_sums() }}
    from denials
    group by window_last_month_date, denial_root_cause

),

shared as (

    select
        *,
        {{ denial_shares('window_last_month_date') }}
    from summed

),

all_causes as (

    select
        windows.window_last_month_date,
        causes.denial_root_cause,
        causes.root_cause_label,
        causes.fixed_by,
        causes.sort_order
    from windows
    cross join causes
    union all
    select
        window_last_month_date,
        denial_root_cause,
        denial_root_cause as root_cause_label,
        'Other' as fixed_by,
        99 as sort_order
    from summed
    where denial_root_cause not in (select causes.denial_root_cause from causes)

),

final as (

    select
        all_causes.window_last_month_date,
        row_number() over (
            partition by all_causes.window_last_month_date
            order by all_causes.sort_order, shared.denied_amount desc nulls last, all_causes.denial_root_cause
        ) as display_order,
        all_causes.denial_root_cause,
        all_causes.root_cause_label,
        all_causes.fixed_by,
        coalesce(shared.denied_lines, 0) as denied_lines,
        coalesce(shared.denied_amount, 0) as denied_amount,
        shared.denied_amount_share,
        coalesce(shared.still_denied_amount, 0) as still_denied_amount,
        coalesce(shared.failed_coding_check_denied_amount, 0) as failed_coding_check_denied_amount,
        shared.failed_coding_check_amount_share,
        shared.failed_coding_check_line_share
    from all_causes
    left join shared
        on
            all_causes.window_last_month_date = shared.window_last_month_date
            and all_causes.denial_root_cause = shared.denial_root_cause

)

select * from final
