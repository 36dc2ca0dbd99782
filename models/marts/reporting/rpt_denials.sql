{#-
    Initial denials of billed claim lines, one row per month of first adjudication x payer x root
    cause x CARC x procedure x rendering provider x coder. The CARC of a line is its dominant denial
    CARC (largest denied amount), so rows add up: no line is counted twice.
-#}
with

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}
    where is_billed and is_initially_denied

),

payers as (

    select * from {{ ref('dim_payers') }}

),

denied_lines as (

    select
        {{ month_start('first_adjudication_date') }} as month_start_date,
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        coalesce(initial_denial_root_cause, 'unknown') as denial_root_cause,
        coalesce(initial_primary_denial_carc_code, 'unknown') as carc_code,
        coalesce(procedure_code, 'unknown') as procedure_code,
        coalesce(rendering_provider_npi, 'unknown') as rendering_provider_npi,
        coalesce(coder_id, 'unknown') as coder_id,
        claim_id,
        has_coding_check_failure,
        denial_attributed_check,
        is_finally_denied,
        initial_denied_amount,
        final_denied_amount
    from claim_lines

),

aggregated as (

    select
        month_start_date,
        payer_id,
        denial_root_cause,
        carc_code,
        procedure_code,
        rendering_provider_npi,
        coder_id,
        count(distinct claim_id) as denied_claims,
        count(*) as denied_lines,
        {{ sum_money('initial_denied_amount') }} as denied_amount,
        sum(case when has_coding_check_failure then 1 else 0 end) as lines_failed_coding_check,
        {{ sum_money('case when has_coding_check_failure then initial_denied_amount else 0 end') }}
            as failed_coding_check_denied_amount,
        sum(case when denial_attributed_check is not null then 1 else 0 end)
            as lines_attributed_to_failed_check,
        {{ sum_money('case when denial_attributed_check is not null then initial_denied_amount else 0 end') }}
            as failed_check_attributed_denied_amount,
        sum(case when is_finally_denied then 0 else 1 end) as lines_overturned,
        {{ sum_money('final_denied_amount') }} as still_denied_amount
    from denied_lines
    group by
        month_start_date,
        payer_id,
        denial_root_cause,
        carc_code,
        procedure_code,
        rendering_provider_npi,
        coder_id

),

final as (

    select
        {{ composite_key(['aggregated.month_start_date', 'aggregated.payer_id',
                          'aggregated.denial_root_cause', 'aggregated.carc_code',
                          'aggregated.procedure_code', 'aggregated.rendering_provider_npi',
                          'aggregated.coder_id']) }} as denial_group_key,
        aggregated.month_start_date,
        aggregated.payer_id,
        payers.payer_name,
        aggregated.denial_root_cause,
        aggregated.carc_code,
        aggregated.procedure_code,
        aggregated.rendering_provider_npi,
        aggregated.coder_id,
        aggregated.denied_claims,
        aggregated.denied_lines,
        aggregated.denied_amount,
        aggregated.lines_failed_coding_check,
        aggregated.failed_coding_check_denied_amount,
        aggregated.lines_attributed_to_failed_check,
        aggregated.failed_check_attributed_denied_amount,
        aggregated.lines_overturned,
        aggregated.still_denied_amount
    from aggregated
    left join payers
        on aggregated.payer_id = payers.payer_id

)

select * from final
