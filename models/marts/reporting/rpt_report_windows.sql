{#-
    The report's windows: one row per month a report can end with (its as-of month), from the
    first month with data (or the run's month, when there is none yet) to twelve months after the
    run's month. A window is the twelve months ending with its end month, started later when the
    data starts later (the first month with claims submitted or adjudicated). The last window
    holds no data at all: a report for a later month reads it (every later window is as empty).
-#}
with

months as (

    select * from {{ ref('rpt_report_months') }}

),

data_bounds as (

    select
        min(case when has_data then month_start_date end) as first_data_month_date,
        {{ month_start(as_of_date()) }} as as_of_month
    from months

),

bounds as (

    select
        first_data_month_date,
        as_of_month,
        least(coalesce(first_data_month_date, as_of_month), as_of_month) as first_end_month
    from data_bounds

),

digits as (

    {{ values_rows([(0,), (1,), (2,), (3,), (4,), (5,), (6,), (7,), (8,), (9,)], ['digit']) }}

),

numbers as (

    select hundreds.digit * 100 + tens.digit * 10 + units.digit as month_number
    from digits as hundreds
    cross join digits as tens
    cross join digits as units

),

ends as (

    select
        bounds.first_data_month_date,
        bounds.as_of_month,
        cast({{ dbt.dateadd('month', 'numbers.month_number', 'bounds.first_end_month') }} as date)
            as window_last_month_date
    from bounds
    cross join numbers

),

final as (

    select
        window_last_month_date,
        greatest(
            cast({{ dbt.dateadd('month', '-11', 'window_last_month_date') }} as date),
            coalesce(first_data_month_date, cast({{ dbt.dateadd('month', '-11', 'window_last_month_date') }} as date))
        ) as window_first_month_date,
        first_data_month_date,
        window_last_month_date = cast({{ dbt.dateadd('month', '12', 'as_of_month') }} as date) as is_last_window
    from ends
    where window_last_month_date <= cast({{ dbt.dateadd('month', '12', 'as_of_month') }} as date)

)

select * from final
