-- The all-payer row of each month, with what publish_checks judges: whether its initial denial
-- rate is plausible (a business value outside its usual range; rates in [0, 1] and the key are
-- dbt tests of rpt_kpis_monthly).
with

kpis as (

    select * from {{ ref('rpt_kpis_monthly') }}

),

final as (

    select
        cast(month_start_date as varchar) || '|' || payer_id as kpi_row_key,
        cast(initial_denial_rate as double) as all_payers_initial_denial_rate
    from kpis
    where payer_id = 'ALL'

)

select * from final
