{#-
    Nightly growth without rebuilding history.

    Every claim-level model is partitioned by patient control number: all that decides the rows
    of a claim (claim_id = provider key + patient control number, macros/claim_keys.sql) is the 837
    submissions, coded lines, remittances and gate findings that carry its patient control number
    (the 835-to-claim match compares only claims with the same number), plus the as-of date. The
    scope is kept by patient control number, a coarser partition than the claim: a touched number
    recomputes every claim that has it, whatever its provider, which stays exact. So a night
    recomputes only the patient control numbers in `int_claims_in_scope` (touched by files loaded
    since the last build, or by a date that crossed the as-of boundary) and keeps every other
    claim's rows as they are. The models that do this are `incremental`: a pre-hook deletes the
    rows in scope (by their patient_control_number column), the model's SQL (filtered with
    `claims_scope()`) inserts them again.

    First build, `rcm build --full-refresh`, or a changed model or seed: everything is in scope.
-#}

{#- is_incremental(), false where there is no relation to grow (dbt unit tests render with none). -#}
{% macro rcm_is_incremental() -%}
    {{- return(this is not none and is_incremental()) -}}
{%- endmacro %}

{#- A predicate: the row's claim is in tonight's scope (always true on a full build). -#}
{% macro claims_scope(column='patient_control_number') -%}
    {%- if rcm_is_incremental() -%}
        coalesce({{ column }}, '') in (select claim_key from {{ ref('int_claims_in_scope') }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- A predicate on an 835 row keyed by its CLP (remit_claim_id): its claim is in scope. -#}
{% macro remit_claims_scope(column='remit_claim_id') -%}
    {%- if rcm_is_incremental() -%}
        {{ column }} in (
            select remit_claim_id from {{ ref('stg_remittances__claims') }}
            where {{ claims_scope() }}
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The same predicate for an ephemeral model inlined into the incremental model `consumer`. -#}
{% macro claims_scope_for(consumer_schema, consumer, column='patient_control_number') -%}
    {%- set existing = adapter.get_relation(database=target.database, schema=consumer_schema,
                                            identifier=consumer) if execute else none -%}
    {%- if existing is not none and not flags.FULL_REFRESH -%}
        coalesce({{ column }}, '') in (select claim_key from {{ ref('int_claims_in_scope') }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental claim-level model: drop the claims about to be recomputed. A
    table built by an older definition may lack the scope column (it came with the claim key):
    a changed model puts every claim in scope, so then every row goes. -#}
{% macro delete_claims_in_scope(column='patient_control_number') -%}
    {%- if rcm_is_incremental() -%}
        {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name')
                           | map('lower') | list -%}
        {%- if column | lower in existing -%}
            delete from {{ this }} where {{ claims_scope(column) }}
        {%- else -%}
            delete from {{ this }}
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Coded lines (encounter_id, line_number) with a version on a claim in scope. -#}
{% macro coded_lines_in_scope() -%}
    select distinct encounter_id, line_number
    from {{ source('encounters', 'encounter_lines') }}
    where coalesce(claim_id, '') in (select claim_key from {{ ref('int_claims_in_scope') }})
{%- endmacro %}

{#- Pre-hook of stg_encounters__coded_lines: drop the lines about to be re-ranked. -#}
{% macro delete_coded_lines_in_scope() -%}
    {%- if rcm_is_incremental() -%}
        delete from {{ this }}
        where coded_line_id in (
            select {{ composite_key(['encounter_id', 'line_number']) }}
            from ({{ coded_lines_in_scope() }}) as lines_in_scope
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Checksums of every model and seed: a changed definition puts every claim in scope. -#}
{% macro project_fingerprint() -%}
    {%- if execute -%}
        {%- set parts = [] -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type in ['model', 'seed'] -%}
                {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
        {{- local_md5(parts | join(';')) -}}
    {%- endif -%}
{%- endmacro %}

{#- Every 837 row a gate finding can point at (claims, lines, diagnoses) with its claim's patient
    control number and its submission (whose billing provider completes the claim key). -#}
{% macro x837_rows_by_key() -%}
    select claim_submission_id as row_key, patient_control_number, claim_submission_id
    from {{ ref('stg_claims__claims') }}
    union all
    select claim_line_id as row_key, patient_control_number, claim_submission_id
    from {{ ref('stg_claims__claim_lines') }}
    union all
    select claim_diagnosis_id as row_key, patient_control_number, claim_submission_id
    from {{ ref('stg_claims__diagnoses') }}
{%- endmacro %}
