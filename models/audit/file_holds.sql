{#-
    Every file the ingestion gate ever held back, and where it stands now: held (its rows are out
    of every model) or released (a later gate found it clean; its rows are back in). One row per
    file, from the gate's hold snapshots (source holds.file_holds, see macros/file_holds.sql).
-#}
with

snapshots as (

    select * from {{ ref('stg_holds__file_holds') }}

),

per_file as (

    select
        file_sha256,
        {{ arg_max('file_name', 'snapshot_id') }} as file_name,
        {{ arg_max('ingest_run_id', 'snapshot_id') }} as ingest_run_id,
        bool_or(is_current and hold_status = 'held') as is_held,
        {{ arg_max('held_since_as_of', 'snapshot_id') }} filter (where hold_status = 'held')
            as held_since_as_of,
        {{ arg_max('held_since_run_id', 'snapshot_id') }} filter (where hold_status = 'held')
            as held_since_run_id,
        {{ arg_max('gate_run_id', 'snapshot_id') }} filter (where hold_status = 'held')
            as last_held_by_run_id,
        {{ arg_max('check_names', 'snapshot_id') }} filter (where hold_status = 'held') as check_names,
        {{ arg_max('flagged_rows', 'snapshot_id') }} filter (where hold_status = 'held') as flagged_rows,
        {{ arg_max('gate_run_id', 'snapshot_id') }} filter (where hold_status = 'released')
            as released_by_run_id,
        {{ arg_max('as_of_date', 'snapshot_id') }} filter (where hold_status = 'released')
            as released_as_of
    from snapshots
    group by file_sha256

),

final as (

    select
        file_sha256,
        file_name,
        ingest_run_id,
        case when is_held then 'held' else 'released' end as hold_status,
        held_since_as_of,
        held_since_run_id,
        last_held_by_run_id,
        check_names,
        flagged_rows,
        case when is_held then null else released_by_run_id end as released_by_run_id,
        case when is_held then null else released_as_of end as released_as_of
    from per_file

)

select * from final
