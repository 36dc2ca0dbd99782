with

source as (

    select * from {{ source('holds', 'file_holds') }}

),

renamed as (

    select
        snapshot_id,
        gate_run_id,
        cast(as_of_date as date) as as_of_date,
        recorded_at,
        file_sha256,
        file_name,
        ingest_run_id,
        hold_status,
        check_names,
        flagged_rows,
        held_since_run_id,
        cast(held_since_as_of as date) as held_since_as_of,
        snapshot_id = (select max(snapshot_id) from source) as is_current

    from source

)

select * from renamed
