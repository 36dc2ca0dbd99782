{#-
    The top denial groups of each report window by denied dollars (rpt_denials, additive), one
    ranking per dimension: `carc` (dominant denial CARC with its root cause and description),
    `procedure`, `rendering_provider` and `coder`. Only the top ranks are kept (top_n below); ties
    in dollars are broken by the keys. denied_amount_share is of all the window's denied
    dollars, not of the ranks kept.
-#}
{%- set top_n = 15 -%}
{%- set rankings = {
    'carc': ['carc_code', 'denial_root_cause'],
    'procedure': ['procedure_code'],
    'rendering_provider': ['rendering_provider_npi'],
    'coder': ['coder_id'],
} -%}
{%- set key_columns = ['carc_code', 'denial_root_cause', 'procedure_code', 'rendering_provider_npi', 'coder_id'] -%}
with

denials as (

    {{ in_report_windows(ref('rpt_denials'), 'month_start_date') }}

),

carc_codes as (

    select * from {{ ref('ref_carc_codes') }}

),

ranked as (

    {{ denial_rankings('denials', rankings, key_columns, top_n) }}

),

final as (

    select
        ranked.ranking,
        ranked.window_last_month_date,
        ranked.denial_rank,
        ranked.carc_code,
        ranked.denial_root_cause,
        ranked.procedure_code,
        ranked.rendering_provider_npi,
        ranked.coder_id,
        case when ranked.ranking = 'carc' then carc_codes.description end as description,
        ranked.denied_lines,
        ranked.denied_amount,
        ranked.denied_amount_share,
        ranked.still_denied_amount,
        ranked.failed_coding_check_denied_amount,
        ranked.failed_coding_check_amount_share,
        ranked.failed_coding_check_line_share
    from ranked
    left join carc_codes
        on ranked.ranking = 'carc' and cast(carc_codes.carc_code as {{ dbt.type_string() }}) = ranked.carc_code

)

select * from final
