{#-
    Nightly growth without rebuilding history (docs/architecture.md, "Incremental models").

    Every claim-level model is partitioned by patient control number: all that decides the rows
    of a claim (claim_id = provider key + patient control number, macros/claim_keys.sql) is the 837
    submissions, coded lines, remittances and gate findings that carry its patient control number
    (the 835-to-claim match compares only claims with the same number), plus the as-of date. The
    scope is kept by patient control number, a coarser partition than the claim: a touched number
    recomputes every claim that has it, whatever its provider, which stays exact. So a night
    recomputes only the patient control numbers in `int_claims_in_scope` (touched by files loaded
    since the last build, by a date that crossed the as-of boundary, or by a file hold change) and
    keeps every other claim's rows as they are. The models that do this are configured per folder
    in dbt_project.yml (`&claim_scoped`): `incremental`, strategy `replace_scope` (below), their
    inputs filtered with `claims_scope()`.

    First build, `rcm build --full-refresh`, or a changed model or seed: everything is in scope.
-#}

{#- is_incremental(), false where there is no relation to grow (dbt unit tests render with none). -#}
{% macro rcm_is_incremental() -%}
    {{- return(this is not none and is_incremental()) -}}
{%- endmacro %}

{#- Everything is in tonight's scope (int_build_scope.is_full_scope: no previous build, or a changed
    model or seed), read when the model runs: int_build_scope is a parent of every claim-scoped
    model (claims_scope() takes the ref on every parse), so it is built by then. -#}
{% macro scope_is_full() -%}
    {%- set build_scope = ref('int_build_scope') -%}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set result = run_query('select is_full_scope from ' ~ build_scope) -%}
    {{- return(result.rows | length == 0 or result.rows[0][0] is true) -}}
{%- endmacro %}

{#- dbt's should_full_refresh() (global project, called by the incremental materialization and by
    is_incremental()), plus one case: a claim-scoped model (strategy replace_scope) is rebuilt in
    full when the whole scope is in. Then dbt takes its own full-refresh path (a new table, swapped
    in) instead of an incremental step that would delete and re-insert every row: at 1M claims that
    step, on the night after a changed model, ran out of memory in two models running side by side
    (docs/benchmarks.md, "Incremental models at 1M"). -#}
{% macro should_full_refresh() -%}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not config_full_refresh and config.get('incremental_strategy') == 'replace_scope' -%}
        {%- set config_full_refresh = scope_is_full() -%}
    {%- endif -%}
    {%- do return(config_full_refresh) -%}
{%- endmacro %}

{#- A predicate: the row's claim is in tonight's scope (always true when the model is built in
    full: a first build, --full-refresh, or the whole scope in, see should_full_refresh()). The refs
    are taken whether or not the model is incremental, so the scope (and the build scope that
    should_full_refresh() reads) are ordinary parents of every model that calls this (dbt records
    refs when it parses, where is_incremental() is false). -#}
{% macro claims_scope(column='patient_control_number') -%}
    {%- set scope = ref('int_claims_in_scope') -%}
    {%- set build_scope = ref('int_build_scope') -%}
    {%- if rcm_is_incremental() -%}
        coalesce({{ column }}, '') in (select claim_key from {{ scope }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The same predicate without the is_incremental() condition: the delete of the replace_scope
    strategy (below), which runs only on a night that is not in full. Never a model's input filter:
    filtering by a scope that holds every claim (what the ephemeral line outcomes once did on a
    first build) ran out of memory at 1M claims. -#}
{% macro in_claims_scope(column='patient_control_number') -%}
    coalesce({{ column }}, '') in (select claim_key from {{ ref('int_claims_in_scope') }})
{%- endmacro %}

{#- A predicate on an 835 row keyed by its CLP (remit_claim_id): its claim is in scope. -#}
{% macro remit_claims_scope(column='remit_claim_id') -%}
    {%- set remit_claims = ref('stg_remittances__claims') -%}
    {%- set scope = claims_scope() -%}
    {%- if rcm_is_incremental() -%}
        {{ column }} in (
            select remit_claim_id from {{ remit_claims }}
            where {{ scope }}
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#-
    The incremental strategy of every claim-level model (`+incremental_strategy: replace_scope` in
    dbt_project.yml; dbt calls `get_incremental_<strategy>_sql`, its documented hook for a custom
    strategy). Like dbt's delete+insert, it deletes the rows of a key and inserts the model's new
    rows, in one transaction; unlike it, the keys deleted are tonight's scope (`unique_key` names
    the column holding the patient control number), not the keys found in the new rows. A claim can
    lose every row of a table in one night (its only file held back by the ingestion gate, a backfill
    to a date before its submission, a re-coding that moves its only coded line to another claim):
    then no new row carries its key and delete+insert would keep its old rows; this keeps none.
-#}
{% macro get_incremental_replace_scope_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ in_claims_scope(arg_dict['unique_key']) }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- on-run-start: the log of earlier builds exists before a first build (empty: everything is then
    in scope), with the columns the model build_watermarks appends. -#}
{% macro create_build_log() -%}
    {{- return(adapter.dispatch('create_build_log')()) -}}
{%- endmacro %}

{% macro spark__create_build_log() -%}{%- endmacro %}

{% macro default__create_build_log() -%}
    {#- dbt listed the warehouse's tables before this hook: tell it the log exists, so the model
        build_watermarks appends to it (an incremental run) instead of creating it -#}
    {%- do adapter.cache_added(api.Relation.create(database=target.database, schema='audit',
                                                   identifier='build_watermarks', type='table')) -%}
    create schema if not exists audit;
    create table if not exists audit.build_watermarks (
        built_at timestamp with time zone,
        as_of_date date,
        manifest_watermark timestamp,
        project_fingerprint varchar,
        is_full_scope boolean,
        holds_snapshot varchar,
        claims_in_scope bigint,
        claim_count bigint,
        claim_line_count bigint,
        remittance_claim_count bigint,
        remittance_line_count bigint
    )
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
