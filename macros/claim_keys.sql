{#-
    Claim identity. A patient control number (CLM01 = CLP01) is unique only within the provider
    that assigned it, so a claim is identified by its provider side AND its patient control number:

      claim_id = <provider key> '|' <patient control number>      e.g. 'NPI:1234567893|PCN-0042'

    The provider key names the billing provider: 'NPI:<npi>' (837 2010AA NM1*85), else
    'TIN:<tax id>' (REF*EI), else '<qualifier>:<id>' (an 835 payee named only by another id, e.g.
    'XV:...'), else 'UNKNOWN'. Without a patient control number there is no claim (claim_id null,
    as before: such a row never matches and never forms a claim).

    Who gets which key:
      - an 837 claim: its billing provider (NPI, else TIN);
      - a coded line: its extract's billing_npi (coded lines match 837 claims within one NPI);
      - an 835 claim: the key of the billed claim it matches (int_remittance_claims_matched), else
        the key its payee names, so it is never merged into another provider's claim.
-#}

{#- Text of a provider key; empty strings count as missing. -#}
{% macro provider_key(npi, tax_id='null', other_id='null', other_qualifier='null') -%}
    case
        when nullif({{ npi }}, '') is not null then {{ dbt.concat(["'NPI:'", npi]) }}
        when nullif({{ tax_id }}, '') is not null then {{ dbt.concat(["'TIN:'", tax_id]) }}
        when nullif({{ other_id }}, '') is not null
            then {{ dbt.concat(["coalesce(nullif(" ~ other_qualifier ~ ", ''), 'ID')", "':'", other_id]) }}
        else 'UNKNOWN'
    end
{%- endmacro %}

{#- The claim key from a provider key expression and a patient control number. -#}
{% macro claim_key(provider_key_expression, patient_control_number) -%}
    case when {{ patient_control_number }} is not null
        then {{ dbt.concat([provider_key_expression, "'|'", patient_control_number]) }}
    end
{%- endmacro %}

{#- The claim of a coded line: its billing NPI and the extract's claim_id (the PCN). -#}
{% macro coded_line_claim_id(alias) -%}
    {{ claim_key(provider_key(alias ~ '.billing_provider_npi'), alias ~ '.patient_control_number') }}
{%- endmacro %}
