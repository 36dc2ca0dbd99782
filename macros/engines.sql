{#-
    Engine differences (issue 17). The models are written once; where DuckDB and Spark SQL differ,
    a macro dispatches (`adapter.dispatch`) to a `default__` implementation (DuckDB's SQL, unchanged)
    and a `spark__` one. The models call the macro, never an engine's own function.
-#}

{#-
    Sources on Spark (on-run-start). On DuckDB a source is the `external_location` in its YAML
    (dbt-duckdb reads `read_parquet(...)` there): nothing to do. On Spark every source becomes an
    external Parquet table `<source schema>.<table>` over the same files, so `source()` resolves to
    it unchanged. The folder comes from that same `external_location` (or from `meta.spark_location`
    when the source lives elsewhere for Spark, e.g. the gates' row failures). A folder source gets
    its columns from the YAML (they are the raw contract, transforms/raw_schema.py): Spark skips
    files whose name starts with `_`, so a folder holding only `_schema.parquet` would have no
    schema to infer; a missing column in an older file reads as null (DuckDB's union_by_name).
-#}
{% macro register_sources() -%}
    {{- return(adapter.dispatch('register_sources')()) -}}
{%- endmacro %}

{% macro default__register_sources() -%}{%- endmacro %}

{% macro spark__register_sources() -%}
    {%- if execute -%}
    {#- a source marked duckdb_only (the build log: a Spark build is always in full) is not registered -#}
    {%- for node in graph.sources.values() | rejectattr('source_meta.duckdb_only') | sort(attribute='unique_id') -%}
        {%- set meta = {} -%}
        {%- do meta.update(node.source_meta or {}) -%}
        {%- do meta.update(node.meta or {}) -%}
        {%- set location = meta.get('spark_location') -%}
        {%- if not location -%}
            {%- set found = modules.re.search("read_parquet\\('([^']+)'", meta.get('external_location') or '') -%}
            {%- if found is none -%}
                {{ exceptions.raise_compiler_error("source " ~ node.source_name ~ "." ~ node.name
                    ~ ": no Parquet location for Spark (meta.external_location or meta.spark_location)") }}
            {%- endif -%}
            {%- set location = found.group(1) -%}
        {%- endif -%}
        {%- set location = location.replace('{name}', node.identifier) -%}
        {%- set is_folder = location.endswith('/*.parquet') -%}
        {%- set location = location[:-10] if is_folder else location -%}
        {%- set columns = [] -%}
        {%- if is_folder -%}
            {%- for column in node.columns.values() -%}
                {%- if not column.data_type -%}
                    {{ exceptions.raise_compiler_error("source " ~ node.source_name ~ "." ~ node.name
                        ~ ": column " ~ column.name ~ " has no data_type (Spark needs every column)") }}
                {%- endif -%}
                {%- do columns.append(column.name ~ ' ' ~ spark_type(column.data_type)) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- call statement('register_source_schema') -%}
            create schema if not exists {{ node.schema }}
        {%- endcall -%}
        {%- call statement('register_source') -%}
            create table if not exists {{ node.schema }}.{{ node.identifier }}
            {%- if columns %} ({{ columns | join(', ') }}){% endif %}
            using parquet location '{{ location }}'
        {%- endcall -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- A source YAML data_type (DuckDB's names) as a Spark SQL type. DuckDB's TIMESTAMP has no time
    zone: Spark's TIMESTAMP_NTZ. -#}
{% macro spark_type(data_type) -%}
    {%- set name = data_type | lower | replace(' ', '') -%}
    {%- set names = {'varchar': 'string', 'text': 'string', 'integer': 'int',
                     'timestamp': 'timestamp_ntz', 'double': 'double', 'boolean': 'boolean',
                     'bigint': 'bigint', 'date': 'date'} -%}
    {{- names.get(name, name) -}}
{%- endmacro %}

{#- The value of `value` on the row with the largest `ordering` (rows whose value is null are
    skipped, as DuckDB's arg_max skips them). Spark: max_by, which would return a null value, so
    the ordering of such rows is hidden from it. -#}
{% macro arg_max(value, ordering) -%}
    {{- return(adapter.dispatch('arg_max')(value, ordering)) -}}
{%- endmacro %}

{% macro default__arg_max(value, ordering) -%}
    arg_max({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro spark__arg_max(value, ordering) -%}
    max_by({{ value }}, case when {{ value }} is not null then {{ ordering }} end)
{%- endmacro %}

{#- Columns of a schema's tables whose name matches `like` and whose type is not `expected_type`:
    (table_schema, table_name, column_name, data_type) rows. DuckDB reads information_schema;
    Spark has none, so the columns of every model in that schema are looked up one by one. -#}
{% macro columns_not_of_type(schema, like, expected_type) -%}
    {{- return(adapter.dispatch('columns_not_of_type')(schema, like, expected_type)) -}}
{%- endmacro %}

{% macro default__columns_not_of_type(schema, like, expected_type) -%}
select table_schema, table_name, column_name, data_type
from information_schema.columns
where table_schema = '{{ schema }}'
    and column_name like '{{ like }}' escape '\'
    and upper(data_type) <> '{{ expected_type | upper }}'
{%- endmacro %}

{% macro spark__columns_not_of_type(schema, like, expected_type) -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- set pattern = '^' ~ like.replace('\\_', '_').replace('%', '.*') ~ '$' -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' and node.schema == schema
                   and node.config.materialized != 'ephemeral' -%}
                {%- set relation = adapter.get_relation(database=none, schema=node.schema,
                                                        identifier=node.alias) -%}
                {%- for column in (adapter.get_columns_in_relation(relation) if relation else []) -%}
                    {%- if modules.re.match(pattern, column.name)
                           and column.data_type | lower | replace(' ', '') != expected_type | lower | replace(' ', '') -%}
                        {%- do rows.append("select '" ~ schema ~ "' as table_schema, '" ~ node.alias
                            ~ "' as table_name, '" ~ column.name ~ "' as column_name, '"
                            ~ column.data_type ~ "' as data_type") -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows -%}
{{ rows | join('\nunion all\n') }}
    {%- else -%}
select 'none' as table_schema, 'none' as table_name, 'none' as column_name, 'none' as data_type
where 1 = 0
    {%- endif -%}
{%- endmacro %}

{#- Seeds on Spark. dbt-spark's session method binds seed values as `'<python str(value)>'`, so a
    quote inside a description breaks the statement and an empty cell loads as the text 'None'.
    This writes each value as an escaped Spark literal instead (null stays null), in batches. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- elif value is sameas true or value is sameas false -%}
                        cast({{ 'true' if value else 'false' }} as {{ type }})
                    {%- else -%}
                        cast('{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- dbt.listagg on Spark: dbt-spark's version ignores the order (collect_list, in whatever order the
    rows arrive); Spark 4 has LISTAGG ... WITHIN GROUP, which keeps it, as DuckDB's string_agg does. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg with a limit is not used in this project") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
