with

source as (

    select * from {{ source('ingestion', 'quarantine_records') }}

),

renamed as (

    select
        ingest_run_id,
        file_name,
        file_sha256,
        unit as quarantine_unit,
        position as source_position,
        segment_id,
        element as element_id,
        column_name,
        rule as rule_id,
        message,
        quarantine_path,
        recorded_at

    from source

)

select * from renamed
