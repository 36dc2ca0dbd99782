{#- Denial reasons and remarks listed per key (an 835 claim or service line), shared by the two
    adjudication models so both levels list and rank them the same way. -#}

{#- From `reasons` (key, group_code, reason_code, root_cause, reason_amount): the CARCs as
    'GROUP-REASON' in code order, and the primary one (largest amount, then code) with its root cause. -#}
{% macro list_denial_reasons(reasons, key) -%}
    select
        {{ key }},
        {{ dbt.listagg("group_code || '-' || reason_code", "','", "order by group_code, reason_code") }}
            as denial_carc_codes,
        max(case when reason_rank = 1 then reason_code end) as primary_denial_carc_code,
        max(case when reason_rank = 1 then root_cause end) as denial_root_cause
    from (
        select
            *,
            row_number() over (
                partition by {{ key }} order by reason_amount desc, reason_code, group_code
            ) as reason_rank
        from {{ reasons }}
    ) as ranked_denial_reasons
    group by {{ key }}
{%- endmacro %}

{#- From `remarks` (key, remark_code): the distinct remark codes in code order. -#}
{% macro list_remarks(remarks, key) -%}
    select
        {{ key }},
        {{ dbt.listagg('remark_code', "','", 'order by remark_code') }} as remark_codes
    from (select distinct {{ key }}, remark_code from {{ remarks }}) as distinct_remarks
    group by {{ key }}
{%- endmacro %}
