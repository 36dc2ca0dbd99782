{#- Small portable helpers for money, rates and dates, shared by the intermediate and mart models. -#}

{#- Money is DECIMAL(18,2) everywhere. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}

{#- Sum of money that is 0.00, not null, when there is nothing to add. -#}
{% macro sum_money(expression) -%}
    cast(coalesce(sum({{ expression }}), 0) as decimal(18, 2))
{%- endmacro %}

{#- A rate numerator / denominator as DECIMAL(9,6); null when the denominator is 0 or null. -#}
{% macro safe_rate(numerator, denominator) -%}
    case
        when coalesce({{ denominator }}, 0) = 0 then null
        else cast(
            cast({{ numerator }} as decimal(18, 6)) / cast({{ denominator }} as decimal(18, 6))
            as decimal(9, 6))
    end
{%- endmacro %}

{#- First day of the month of a date, as a date. -#}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- Whole days from start_date to end_date. -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{#- Median of a numeric expression (ordered-set aggregate: DuckDB, Postgres, Spark 3.3+). -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro trino__median(expression) -%}
    approx_percentile({{ expression }}, 0.5)
{%- endmacro %}

{#- A text key from several columns: nulls become '' and parts are joined by '|'. -#}
{% macro composite_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
