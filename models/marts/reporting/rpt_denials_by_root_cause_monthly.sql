{#-
    Initial denials by month of first adjudication and root cause (the report's trend charts):
    denied dollars and denied lines of each root cause the report names, of any other cause, and in
    total (rpt_denials), with the month's maturity in words (rpt_report_months; 'immature' for a
    month it does not know).
-#}
with

denials as (

    select * from {{ ref('rpt_denials') }}

),

months as (

    select * from {{ ref('rpt_report_months') }}

),

by_month as (

    select
        month_start_date,
        {{ sums_by_root_cause('denied_amount', 'denied_amount', as_money=true) }},
        {{ sums_by_root_cause('denied_lines', 'denied_lines') }}
    from denials
    group by month_start_date

),

final as (

    select
        by_month.*,
        coalesce(months.month_status, 'immature') as month_status
    from by_month
    left join months
        on by_month.month_start_date = months.month_start_date

)

select * from final
