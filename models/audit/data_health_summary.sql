{#-
    What a night loaded and what it did not, one line per thing a manager asks about: files by
    manifest status (units loaded and quarantined), files the ingestion gate holds back, quarantined
    units, and remittances matching no claim we billed (the only line with money: a held or
    quarantined file's money is not read). display_order is the order the report shows them in.
-#}
with

manifest as (

    select * from {{ ref('file_manifest') }}

),

holds as (

    select * from {{ ref('file_holds') }}
    where hold_status = 'held'

),

quarantine as (

    select * from {{ ref('quarantine') }}

),

unmatched as (

    select * from {{ ref('unmatched_remittances') }}

),

by_status as (

    select
        status,
        count(distinct file_sha256) as files,
        coalesce(sum(units_in), 0) as units_in,
        coalesce(sum(units_loaded), 0) as units_loaded,
        coalesce(sum(units_quarantined), 0) as units_quarantined
    from manifest
    group by status

),

lines as (

    select
        case status when 'loaded' then 1 when 'duplicate' then 3 else 2 end as status_order,
        status as status_name,
        case status
            when 'loaded' then 'Files loaded'
            when 'duplicate' then 'Files delivered again (loaded once, copy skipped)'
            else 'Files ' || replace(status, '_', ' ')
        end as item,
        files,
        {{ format_count('units_loaded') }} || ' of ' || {{ format_count('units_in') }}
        || ' units loaded, ' || {{ format_count('units_quarantined') }} || ' quarantined' as detail,
        cast(null as decimal(18, 2)) as amount,
        'audit.file_manifest' as source_table
    from by_status
    union all
    select
        4,
        '',
        'Files held back by the ingestion gate (not in this warehouse)',
        count(*),
        {{ format_count('coalesce(sum(flagged_rows), 0)') }}
        || ' rows failed a critical check; money not counted (not loaded)',
        cast(null as decimal(18, 2)),
        'audit.file_holds'
    from holds
    union all
    select
        5,
        '',
        'Quarantined (rejected) units',
        count(distinct file_sha256),
        {{ format_count('count(*)') }} || ' unit(s) rejected; money not read (a rejected unit is not parsed)',
        cast(null as decimal(18, 2)),
        'audit.quarantine'
    from quarantine
    union all
    select
        6,
        '',
        'Remittances matching no claim we billed (kept apart from every rate)',
        count(distinct file_name),
        {{ format_count('coalesce(sum(remittance_claims), 0)') }} || ' remittance claim(s)',
        {{ sum_money('paid_amount') }},
        'audit.unmatched_remittances'
    from unmatched

),

final as (

    select
        row_number() over (order by status_order, status_name) as display_order,
        item,
        files,
        detail,
        amount,
        source_table
    from lines

)

select * from final
