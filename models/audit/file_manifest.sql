with

manifest as (

    select * from {{ ref('stg_ingestion__file_manifest') }}

),

final as (

    select
        {{ composite_key(['ingest_run_id', 'file_name']) }} as manifest_entry_id,
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
        units_in - units_loaded - units_quarantined as units_unaccounted,
        row_counts,
        x12_versions,
        finding_count
    from manifest

)

select * from final
