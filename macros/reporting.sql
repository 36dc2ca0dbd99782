{#-
    Shared pieces of the report marts (models/marts/reporting/rpt_*, the report reads them as they
    are: transforms/report). The report covers a window of months ending with its as-of month
    (rpt_report_windows); every window measure is computed here for each window end, so the
    report only selects the row of its window.
-#}

{#- The root causes a denial is attributed to, in display order: (code, label, who fixes it). -#}
{% macro root_causes() -%}
    {{- return([
        ('coding', 'Coding', 'Coders'),
        ('billing', 'Billing', 'Billers'),
        ('front_end', 'Front end', 'Registration, patient access'),
        ('clinical', 'Clinical', 'Clinicians, utilisation review'),
        ('unclassified', 'Unclassified',
         'Billing office: read the remark codes and earlier remittances'),
    ]) -}}
{%- endmacro %}

{#- A/R age buckets of rpt_ar_aging, in order: (label, column suffix). -#}
{% macro age_buckets() -%}
    {{- return([
        ('0-30', '0_30'), ('31-60', '31_60'), ('61-90', '61_90'), ('91-120', '91_120'),
        ('>120', 'over_120'),
    ]) -}}
{%- endmacro %}

{#- A list of tuples as rows of a CTE: `select a as x, b as y union all select ...`. -#}
{% macro values_rows(rows, names) -%}
    {%- for row in rows %}
    select
        {%- for value in row %}
        {% if value is string %}'{{ value | replace("'", "''") }}'{% else %}{{ value }}{% endif %} as {{ names[loop.index0] }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The rows of `relation` (with a month column) that fall in each report window, tagged with the
    window's end month: a row is in every window whose months cover its month. -#}
{% macro in_report_windows(relation, month_column) -%}
    select
        windows.window_last_month_date,
        rows_in.*
    from {{ ref('rpt_report_windows') }} as windows
    inner join {{ relation }} as rows_in
        on rows_in.{{ month_column }} between windows.window_first_month_date and windows.window_last_month_date
{%- endmacro %}

{#- The additive denial sums of one grouping (over rpt_denials-like rows). -#}
{% macro denial_sums() -%}
        sum(denied_lines) as denied_lines,
        {{ sum_money('denied_amount') }} as denied_amount,
        {{ sum_money('still_denied_amount') }} as still_denied_amount,
        {{ sum_money('failed_coding_check_denied_amount') }} as failed_coding_check_denied_amount,
        sum(lines_failed_coding_check) as lines_failed_coding_check
{%- endmacro %}

{#- The shares of those sums: of the window's denied dollars, and failing a coding check. -#}
{% macro denial_shares(partition) -%}
        {{ safe_rate('denied_amount', 'sum(denied_amount) over (partition by ' ~ partition ~ ')') }}
            as denied_amount_share,
        {{ safe_rate('failed_coding_check_denied_amount', 'denied_amount') }}
            as failed_coding_check_amount_share,
        {{ safe_rate('lines_failed_coding_check', 'denied_lines') }}
            as failed_coding_check_line_share
{%- endmacro %}

{#- A non-negative decimal rounded to a whole number, ties to even (as Python formats a Decimal). -#}
{% macro round_half_even(expression) -%}
    cast(case
        when {{ expression }} - floor({{ expression }}) > 0.5
            or ({{ expression }} - floor({{ expression }}) = 0.5 and mod(cast(floor({{ expression }}) as bigint), 2) = 1)
            then floor({{ expression }}) + 1
        else floor({{ expression }})
    end as bigint)
{%- endmacro %}

{#- A whole number as text with thousands separators (1234567 -> '1,234,567'). -#}
{% macro format_count(expression) -%}
    {{- return(adapter.dispatch('format_count')(expression)) -}}
{%- endmacro %}

{% macro default__format_count(expression) -%}
    format('{:,}', cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__format_count(expression) -%}
    format_number(cast({{ expression }} as bigint), 0)
{%- endmacro %}

{#- One row per item of a comma-separated text (as a select-list expression; items untrimmed). -#}
{% macro split_to_rows(expression) -%}
    {{- return(adapter.dispatch('split_to_rows')(expression)) -}}
{%- endmacro %}

{% macro default__split_to_rows(expression) -%}
    unnest(string_split({{ expression }}, ','))
{%- endmacro %}

{% macro spark__split_to_rows(expression) -%}
    explode(split({{ expression }}, ','))
{%- endmacro %}

{#- root_causes() with a sort order: (code, label, who fixes it, order). -#}
{% macro root_causes_ordered() -%}
    {%- set rows = [] -%}
    {%- for code, label, who in root_causes() -%}
        {%- do rows.append((code, label, who, loop.index)) -%}
    {%- endfor -%}
    {{- return(rows) -}}
{%- endmacro %}

{#- One column per root cause (and 'other', then the total) of an additive measure:
    `<cause>_<suffix>` = sum of `measure` over the rows of that cause (`as_money`: DECIMAL(18,2)). -#}
{% macro sums_by_root_cause(measure, suffix, as_money=false) -%}
    {%- set total = sum_money if as_money else sum_plain -%}
    {%- set codes = [] -%}
    {%- for code, label, who in root_causes() %}
        {%- do codes.append("'" ~ code ~ "'") %}
        {{ total("case when denial_root_cause = '" ~ code ~ "' then " ~ measure ~ " else 0 end") }}
            as {{ code }}_{{ suffix }},
    {%- endfor %}
        {{ total("case when denial_root_cause not in (" ~ codes | join(', ') ~ ") then " ~ measure ~ " else 0 end") }}
            as other_{{ suffix }},
        {{ total(measure) }} as total_{{ suffix }}
{%- endmacro %}

{#- sum(expression), as a macro to pass where sum_money could go. -#}
{% macro sum_plain(expression) -%}
    sum({{ expression }})
{%- endmacro %}

{#- `sum_money(column) as column` for each column, comma-separated. -#}
{% macro money_sums(columns) -%}
    {%- for column in columns %}
        {{ sum_money(column) }} as {{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Total A/R of each age bucket as a column balance_<suffix> (rows of rpt_ar_aging). -#}
{% macro age_bucket_balances() -%}
    {%- for label, suffix in age_buckets() %}
        {{ sum_money("case when age_bucket = '" ~ label ~ "' then ar_balance_amount else 0 end") }}
            as balance_{{ suffix }}_amount{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The label of the largest of `columns` ((column, label) pairs), the first in their order on a
    tie (as Python's max); null when none is positive. -#}
{% macro largest_label(columns) -%}
    case
    {%- for column, label in columns %}
        {%- set position = loop.index0 %}
        when {{ column }} > 0
        {%- for other, other_label in columns %}
            {%- if loop.index0 < position %} and {{ column }} > {{ other }}
            {%- elif loop.index0 > position %} and {{ column }} >= {{ other }}
            {%- endif %}
        {%- endfor %}
            then '{{ label }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- One ranking of rpt_denial_rankings: the groups of `keys` over each window (rows of `relation`,
    tagged with window_last_month_date), ranked by denied dollars (ties by the keys), the top `top_n`;
    every key column of `key_columns` present (null when not a key of this ranking). -#}
{% macro denial_ranking(relation, ranking, keys, key_columns, top_n) -%}
    select *
    from (
        select
            *,
            {{ denial_shares('window_last_month_date') }},
            row_number() over (
                partition by window_last_month_date order by denied_amount desc, {{ keys | join(', ') }}
            ) as denial_rank
        from (
            select
                '{{ ranking }}' as ranking,
                window_last_month_date,
                {%- for column in key_columns %}
                {% if column not in keys %}cast(null as {{ dbt.type_string() }}) as {% endif %}{{ column }},
                {%- endfor %}
                {{ denial_sums() }}
            from {{ relation }}
            group by window_last_month_date, {{ keys | join(', ') }}
        ) as summed
    ) as ranked
    where denial_rank <= {{ top_n }}
{%- endmacro %}

{#- `money(column) as column` for each column, comma-separated. -#}
{% macro money_columns(columns) -%}
    {%- for column in columns %}
        {{ money(column) }} as {{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Every ranking of `rankings` (name -> key columns), one `denial_ranking` each, unioned. -#}
{% macro denial_rankings(relation, rankings, key_columns, top_n) -%}
    {%- for ranking, keys in rankings.items() %}
    {{ denial_ranking(relation, ranking, keys, key_columns, top_n) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
