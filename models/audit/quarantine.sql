with

records as (

    select * from {{ ref('stg_ingestion__quarantine_records') }}

),

final as (

    select
        {{ composite_key(['ingest_run_id', 'file_sha256', 'quarantine_unit', 'source_position',
                          'column_name', 'rule_id']) }} as quarantine_record_id,
        ingest_run_id,
        file_name,
        file_sha256,
        quarantine_unit,
        source_position,
        segment_id,
        element_id,
        column_name,
        rule_id,
        message,
        quarantine_path,
        recorded_at
    from records

)

select * from final
