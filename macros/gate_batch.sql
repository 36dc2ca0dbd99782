{#-
    What the ingestion gate validates (models/quality/ingestion): the raw rows of one batch.

    The gate (transforms/quality/inputs.py) reads these views on a connection whose DuckDB session
    variable `gate_files` lists the sha256 of the batch's files (the ingest runs no gate has passed
    yet, plus every file held back). Each raw file is `<table>/<sha256>.parquet`, so the filter is
    on DuckDB's `filename` column (the file itself, whatever its rows say); DuckDB folds the
    variable into a constant list and prunes the other files. The view's definition does not
    change with the batch, so a night's gate runs no dbt. Without the variable (the nightly
    `dbt build`, an analyst's session) the views select nothing.
-#}
{% macro gate_batch(source_name, table_name) -%}
    select * from {{ source(source_name, table_name) }}
    where list_contains(getvariable('gate_files'), parse_filename(filename, true))
{%- endmacro %}

{#-
    The key values seen more than once in `relation`, with how often (only those: a small hash
    table, so the model's main scan still streams instead of materialising a window over the
    batch). A gate model left-joins it and reads coalesce(occurrences, 1) as `<key>_occurrences`:
    uniqueness over the whole batch, although GX sees the batch in chunks.
-#}
{% macro gate_repeated_keys(relation, columns) -%}
    select
        {% for column in columns %}{{ column }},
        {% endfor %}count(*) as occurrences
    from {{ relation }}
    where {% for column in columns %}{{ column }} is not null{{ " and " if not loop.last }}{% endfor %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{%- endmacro %}
