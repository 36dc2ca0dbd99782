with

findings as (

    select * from {{ ref('stg_ingestion__findings') }}

),

final as (

    select
        {{ composite_key(['ingest_run_id', 'file_sha256', 'source_position', 'element_id',
                          'rule_id']) }} as file_finding_id,
        ingest_run_id,
        file_name,
        file_sha256,
        source_position,
        segment_id,
        element_id,
        transaction_control_number,
        finding_scope,
        rule_id,
        severity,
        message,
        recorded_at
    from findings

)

select * from final
