with

source as (

    select * from {{ source('ingestion', 'file_manifest') }}

),

renamed as (

    select
        ingest_run_id,
        file_name,
        file_sha256,
        file_kind,
        size_bytes,
        received_at,
        loaded_at,
        status,
        duplicate_of,
        units_in,
        units_loaded,
        units_quarantined,
        row_counts

    from source

)

select * from renamed
