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
        row_counts,
        x12_versions,
        coalesce(finding_count, 0) as finding_count

    from source

)

select * from renamed
