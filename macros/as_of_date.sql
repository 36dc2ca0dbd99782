{#-
    The run's logical date as a SQL date literal. Every date-dependent rule reads this, never the
    clock, so a rerun for the same as-of date gives the same numbers.
-#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if execute and (value is none or (value | string) | length != 10) -%}
        {{ exceptions.raise_compiler_error(
            "var 'as_of_date' must be a date YYYY-MM-DD (got " ~ (value | string) ~ "); "
            ~ "pass --vars '{as_of_date: 2026-03-31}'") }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}
