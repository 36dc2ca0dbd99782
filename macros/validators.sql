{#-
  SQL twins of transforms/codesets/validators.py: same normalisation (trim spaces, upper-case), same
  rules, and NULL is never valid (each check returns false, not null). Portable on purpose: only
  trim/upper/replace/substr/length/mod/case and dbt's cross-database `dbt.position`, no regular
  expressions or DuckDB-only syntax, so the same models run on DuckDB, Spark or Trino.
  tests/transforms/codesets/test_validator_macros.py renders these and checks they agree with Python.
-#}

{#- ' e11.9 ' -> 'E119' (the code as the ICD-10-CM reference table stores it) -#}
{% macro normalize_icd10(column) -%}
    upper(replace(trim({{ column }}), '.', ''))
{%- endmacro %}

{#- internal: the value compared by the procedure-code checks -#}
{% macro _rcm_clean_code(column) -%}
    upper(trim({{ column }}))
{%- endmacro %}

{#- internal: true when character `pos` (1-based) of `expr` is 0-9 -#}
{% macro _rcm_is_digit_at(expr, pos) -%}
    (substr({{ expr }}, {{ pos }}, 1) between '0' and '9')
{%- endmacro %}

{#- internal: numeric value of the digit at `pos` (-1 when not a digit; no cast, so never an error) -#}
{% macro _rcm_digit_at(expr, pos) -%}
    ({{ dbt.position("substr(" ~ expr ~ ", " ~ pos ~ ", 1)", "'0123456789'") }} - 1)
{%- endmacro %}

{#- internal: Luhn-doubled value of the digit at `pos` (2d, minus 9 when above 9), by lookup -#}
{% macro _rcm_doubled_digit_at(expr, pos) -%}
    ({{ dbt.position("substr(" ~ expr ~ ", " ~ pos ~ ", 1)", "'0516273849'") }} - 1)
{%- endmacro %}

{#- CPT by format: five digits, or four digits followed by F, T or U -#}
{% macro is_cpt_format(column) -%}
    {%- set v = _rcm_clean_code(column) -%}
    coalesce(
        length({{ v }}) = 5
        {%- for pos in range(1, 5) %}
        and {{ _rcm_is_digit_at(v, pos) }}
        {%- endfor %}
        and ({{ _rcm_is_digit_at(v, 5) }} or substr({{ v }}, 5, 1) in ('F', 'T', 'U')),
        false
    )
{%- endmacro %}

{#- HCPCS level II by format: a section letter (A-V except F, I, N, O) then four digits -#}
{% macro is_hcpcs_level2_format(column) -%}
    {%- set v = _rcm_clean_code(column) -%}
    coalesce(
        length({{ v }}) = 5
        and substr({{ v }}, 1, 1) in ('A', 'B', 'C', 'D', 'E', 'G', 'H', 'J', 'K', 'L', 'M', 'P', 'Q',
                                       'R', 'S', 'T', 'U', 'V')
        {%- for pos in range(2, 6) %}
        and {{ _rcm_is_digit_at(v, pos) }}
        {%- endfor %},
        false
    )
{%- endmacro %}

{#- CPT or HCPCS level II by format -#}
{% macro is_procedure_code_format(column) -%}
    ({{ is_cpt_format(column) }} or {{ is_hcpcs_level2_format(column) }})
{%- endmacro %}

{#- NPI: ten digits, the last one the Luhn check digit over '80840' + the first nine (24 = prefix) -#}
{% macro is_valid_npi(column) -%}
    {%- set v = "trim(" ~ column ~ ")" -%}
    coalesce(
        length({{ v }}) = 10
        {%- for pos in range(1, 11) %}
        and {{ _rcm_is_digit_at(v, pos) }}
        {%- endfor %}
        and mod(10 - mod(24
            {%- for pos in range(1, 10) %}
            + {% if pos % 2 == 1 %}{{ _rcm_doubled_digit_at(v, pos) }}{% else %}{{ _rcm_digit_at(v, pos) }}{% endif %}
            {%- endfor %}, 10), 10) = {{ _rcm_digit_at(v, 10) }},
        false
    )
{%- endmacro %}
