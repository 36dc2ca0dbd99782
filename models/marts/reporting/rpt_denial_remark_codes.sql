{#-
    The top remark codes (RARC) on initially denied billed lines of each report window
    (fct_claim_lines.initial_remark_codes, first adjudication in the window): a line with several
    remark codes counts under each. Only the top ranks by denied dollars are kept (top_n below),
    ties broken by the code.
-#}
{%- set top_n = 15 -%}
with

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}
    where is_billed and is_initially_denied and initial_remark_codes is not null

),

rarc_codes as (

    select * from {{ ref('ref_rarc_codes') }}

),

split as (

    select
        {{ month_start('first_adjudication_date') }} as month_start_date,
        {{ split_to_rows('initial_remark_codes') }} as rarc_code,
        initial_denied_amount,
        final_denied_amount,
        has_coding_check_failure
    from claim_lines

),

by_month as (

    select
        month_start_date,
        trim(rarc_code) as rarc_code,
        count(*) as denied_lines,
        {{ sum_money('initial_denied_amount') }} as denied_amount,
        {{ sum_money('final_denied_amount') }} as still_denied_amount,
        {{ sum_money('case when has_coding_check_failure then initial_denied_amount else 0 end') }}
            as failed_coding_check_denied_amount,
        sum(case when has_coding_check_failure then 1 else 0 end) as lines_failed_coding_check
    from split
    where trim(rarc_code) <> ''
    group by month_start_date, trim(rarc_code)

),

windowed as (

    {{ in_report_windows('by_month', 'month_start_date') }}

),

summed as (

    select
        window_last_month_date,
        rarc_code,
        {{ denial_sums() }}
    from windowed
    group by window_last_month_date, rarc_code

),

ranked as (

    select
        *,
        {{ safe_rate('failed_coding_check_denied_amount', 'denied_amount') }}
            as failed_coding_check_amount_share,
        {{ safe_rate('lines_failed_coding_check', 'denied_lines') }}
            as failed_coding_check_line_share,
        row_number() over (partition by window_last_month_date order by denied_amount desc, rarc_code) as denial_rank
    from summed

),

final as (

    select
        ranked.window_last_month_date,
        ranked.denial_rank,
        ranked.rarc_code,
        rarc_codes.description,
        ranked.denied_lines,
        ranked.denied_amount,
        ranked.still_denied_amount,
        ranked.failed_coding_check_denied_amount,
        ranked.failed_coding_check_amount_share,
        ranked.failed_coding_check_line_share
    from ranked
    left join rarc_codes
        on cast(rarc_codes.rarc_code as {{ dbt.type_string() }}) = ranked.rarc_code
    where ranked.denial_rank <= {{ top_n }}

)

select * from final
