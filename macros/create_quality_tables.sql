{#-
    on-run-start: make sure the quality schema and `quality.row_failures` exist, so a build without a
    prior Great Expectations gate still works (the gate's writer fills the table; see
    transforms/quality). Columns match what the gate writes.
-#}
{% macro create_quality_tables() -%}
    {{- return(adapter.dispatch('create_quality_tables')()) -}}
{%- endmacro %}

{#- Spark: the gates write to the DuckDB build database only; a Spark build reads their row failures
    as the source quality.row_failures, exported to Parquet before it (transforms/warehouse/spark.py). -#}
{% macro spark__create_quality_tables() -%}{%- endmacro %}

{% macro default__create_quality_tables() -%}
    create schema if not exists quality;
    create table if not exists quality.row_failures (
        run_id varchar,
        as_of_date date,
        check_name varchar,
        severity varchar,
        table_name varchar,
        row_key varchar,
        claim_id varchar,
        offending_value varchar,
        file_sha256 varchar
    );
    alter table quality.row_failures add column if not exists file_sha256 varchar;
{%- endmacro %}
