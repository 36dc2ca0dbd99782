{#-
    Line matching, shared by coded line -> 837 line and 835 line -> 837 line.

    line_match_keys(alias, charge): the match keys of a service line as text, null when a part the
    key needs is missing (a null never matches). Every key starts with the line's claim (claim_id:
    provider key + patient control number, macros/claim_keys.sql), so lines only ever match within
    one provider's claim:
      control_number_key   claim + REF*6R line item control number
      line_number_key      claim + line number (837 LX01 / extract line_number)
      service_key          claim + procedure + modifiers 1-4 + service date
      service_charge_key   service_key + charge
    The relation must expose claim_id, line_item_control_number, procedure_code, modifier_1..4 and
    service_date (line_number is optional: pass line_number=none to skip it).
-#}
{% macro line_match_keys(alias, charge, line_number='line_number', claim='claim_id') -%}
    {%- set service_parts = [alias ~ '.' ~ claim, alias ~ '.procedure_code',
                             alias ~ '.modifier_1', alias ~ '.modifier_2', alias ~ '.modifier_3',
                             alias ~ '.modifier_4', alias ~ '.service_date'] -%}
    case when {{ alias }}.{{ claim }} is not null
            and {{ alias }}.line_item_control_number is not null
        then {{ composite_key([alias ~ '.' ~ claim, alias ~ '.line_item_control_number']) }}
    end as control_number_key,
    {% if line_number is not none -%}
    case when {{ alias }}.{{ claim }} is not null and {{ alias }}.{{ line_number }} is not null
        then {{ composite_key([alias ~ '.' ~ claim, alias ~ '.' ~ line_number]) }}
    end as line_number_key,
    {% endif -%}
    case when {{ alias }}.{{ claim }} is not null and {{ alias }}.procedure_code is not null
            and {{ alias }}.service_date is not null
        then {{ composite_key(service_parts) }}
    end as service_key,
    case when {{ alias }}.{{ claim }} is not null and {{ alias }}.procedure_code is not null
            and {{ alias }}.service_date is not null and {{ charge }} is not null
        then {{ composite_key(service_parts + [charge]) }}
    end as service_charge_key
{%- endmacro %}

{#-
    ranked_key_match: pairs rows of two relations that share a key, one to one. Rows with the same
    key are paired in order (1st with 1st, 2nd with 2nd...), so repeated keys never multiply rows.
    `left_partition` adds columns the left side is ranked within (e.g. one 835 claim at a time, so
    every remittance of a claim can match the same 837 lines).
-#}
{% macro ranked_key_match(left_relation, left_id, right_relation, right_id, key, method,
                          left_order, right_order, left_partition=none) -%}
    select
        left_side.{{ left_id }},
        right_side.{{ right_id }},
        '{{ method }}' as match_method
    from (
        select
            {{ left_id }},
            {{ key }} as match_key,
            row_number() over (
                partition by {% if left_partition %}{{ left_partition }}, {% endif %}{{ key }}
                order by {{ left_order }}
            ) as key_rank
        from {{ left_relation }}
        where {{ key }} is not null
    ) as left_side
    inner join (
        select
            {{ right_id }},
            {{ key }} as match_key,
            row_number() over (partition by {{ key }} order by {{ right_order }}) as key_rank
        from {{ right_relation }}
        where {{ key }} is not null
    ) as right_side
        on left_side.match_key = right_side.match_key
        and left_side.key_rank = right_side.key_rank
{%- endmacro %}
