{#-
    One row: what tonight's build must recompute, from the previous build's watermark
    (`audit.build_watermarks`, written last by every successful build, read as the source
    `build_log`). New files are those the
    manifest says were loaded after the previous watermark; the as-of window is the span between
    the previous and tonight's as-of dates (either direction, so a backfill works too); the hold
    snapshots are the ingestion gate's file holds the previous build saw and tonight's (files whose
    hold state differs between them are recomputed). No previous build, `--full-refresh`, or a
    changed model or seed (project fingerprint) puts everything in scope.
-#}
{#- the log of earlier builds (DuckDB only: a Spark build is always in full) -#}
{%- set previous_log = source('build_log', 'build_watermarks') if target.type == 'duckdb' else none -%}
{%- set fingerprint = project_fingerprint() -%}
with

{% if previous_log is not none and not flags.FULL_REFRESH %}
    previous as (

        select
            as_of_date as previous_as_of_date,
            manifest_watermark as previous_watermark,
            project_fingerprint as previous_fingerprint,
            holds_snapshot as previous_holds_snapshot
        from {{ previous_log }}
        order by built_at desc
        limit 1

    ),
{% else %}
    previous as (

        select
            cast(null as date) as previous_as_of_date,
            cast(null as timestamp) as previous_watermark,
            cast(null as {{ dbt.type_string() }}) as previous_fingerprint,
            cast(null as {{ dbt.type_string() }}) as previous_holds_snapshot

    ),
{% endif %}

manifest as (

    select max(loaded_at) as manifest_watermark
    from {{ ref('stg_ingestion__file_manifest') }}
    where status in ('loaded', 'partially_quarantined')

),

holds as (

    select max(snapshot_id) as holds_snapshot
    from {{ source('holds', 'file_holds') }}

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        manifest.manifest_watermark,
        holds.holds_snapshot,
        previous.previous_holds_snapshot,
        '{{ fingerprint }}' as project_fingerprint,
        previous.previous_as_of_date,
        previous.previous_watermark,
        coalesce(
            previous.previous_as_of_date is null
            or previous.previous_fingerprint <> '{{ fingerprint }}',
            true
        ) as is_full_scope,
        least(coalesce(previous.previous_as_of_date, {{ as_of_date() }}), {{ as_of_date() }})
            as window_start,
        greatest(coalesce(previous.previous_as_of_date, {{ as_of_date() }}), {{ as_of_date() }})
            as window_end
    from manifest
    cross join holds
    left join previous on 1 = 1

)

select * from final
