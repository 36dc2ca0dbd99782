{#- Generic data tests of this project (dbt's built-in ones cover keys and relationships). -#}

{#- A rate must lie in [0, 1]; nulls (denominator 0) pass. -#}
{% test rate_between_zero_and_one(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
