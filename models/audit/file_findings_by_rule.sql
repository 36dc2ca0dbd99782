{#-
    Ingestion findings (defects in files loaded anyway, audit.file_findings) summed per file, rule
    and element: how many, the first segment position, the newest record; newest_rank orders them
    newest first (then file, rule, element).
-#}
with

findings as (

    select * from {{ ref('file_findings') }}

),

summed as (

    select
        file_name,
        rule_id,
        coalesce(element_id, '') as element_id,
        count(*) as findings,
        min(source_position) as first_position,
        max(recorded_at) as recorded_at
    from findings
    group by file_name, rule_id, coalesce(element_id, '')

),

final as (

    select
        row_number() over (order by recorded_at desc, file_name, rule_id, element_id) as newest_rank,
        *
    from summed

)

select * from final
