{#-
    Quarantined units (audit.quarantine) per rule and unit: how many units and files, one example
    file (the last by name) and the newest record; unit_rank orders them most units first (then
    rule, unit).
-#}
with

records as (

    select * from {{ ref('quarantine') }}

),

summed as (

    select
        rule_id,
        quarantine_unit,
        count(*) as units,
        count(distinct file_sha256) as files,
        max(file_name) as example_file,
        max(recorded_at) as last_recorded_at
    from records
    group by rule_id, quarantine_unit

),

final as (

    select
        row_number() over (order by units desc, rule_id, quarantine_unit) as unit_rank,
        *
    from summed

)

select * from final
