{#-
    Denied dollars by payer and root cause over each report window (rpt_denials, additive): one
    column per root cause the report names, 'other' for any other cause, the payer's total and
    its largest cause in words (the first of the largest, in that column order; null when the
    payer has no positive amount).
-#}
{%- set labelled = [] -%}
{%- for code, label, who in root_causes() -%}
    {%- do labelled.append((code ~ '_denied_amount', label)) -%}
{%- endfor -%}
{%- do labelled.append(('other_denied_amount', 'Other')) -%}
{%- set columns = labelled | map(attribute=0) | list -%}
with

denials as (

    {{ in_report_windows(ref('rpt_denials'), 'month_start_date') }}

),

summed as (

    select
        window_last_month_date,
        payer_id,
        max(payer_name) as payer_name,
        {{ sums_by_root_cause('denied_amount', 'denied_amount') }}
    from denials
    group by window_last_month_date, payer_id

),

final as (

    select
        window_last_month_date,
        row_number() over (
            partition by window_last_month_date order by total_denied_amount desc, payer_id
        ) as display_order,
        payer_id,
        payer_name,
        {{ money_columns(columns) }},
        {{ money('total_denied_amount') }} as denied_amount,
        {{ largest_label(labelled) }} as largest_root_cause
    from summed

)

select * from final
