with

source as (

    select * from {{ source('ingestion', 'ingest_findings') }}

),

renamed as (

    select
        ingest_run_id,
        file_name,
        file_sha256,
        position as source_position,
        segment_id,
        element as element_id,
        transaction_control_number,
        scope as finding_scope,
        rule as rule_id,
        severity,
        message,
        recorded_at

    from source

)

select * from renamed
