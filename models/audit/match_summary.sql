{#-
    Every side of the three joins, counted: how many records matched and how many are orphans,
    with their money. One row per record type x match status.
      remittance_claim  835 claims: matched | matched_other_payer | unmatched (no claim submitted)
      remittance_line   835 service lines: matched by REF*6R | by service + charge | unmatched
      claim             submitted claims: with_remittance | without_remittance (open A/R)
      coded_line        coded service lines: billed (by each method) | unbilled (missed or late charge)
-#}
with

remit_claims as (

    select * from {{ ref('int_remittance_claims_adjudicated') }}
    where is_counted

),

remit_lines as (

    select * from {{ ref('fct_remittance_service_lines') }}
    where is_counted

),

claims as (

    select * from {{ ref('fct_claims') }}
    where has_submission

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}
    where is_coded

),

counted as (

    select
        'remittance_claim' as record_type,
        claim_match_status as match_status,
        count(*) as record_count,
        {{ sum_money('paid_amount') }} as amount
    from remit_claims
    group by claim_match_status

    union all

    select
        'remittance_line',
        claim_line_match_method,
        count(*),
        {{ sum_money('paid_amount') }}
    from remit_lines
    group by claim_line_match_method

    union all

    select
        'claim',
        case when has_remittance then 'with_remittance' else 'without_remittance' end,
        count(*),
        {{ sum_money('billed_amount') }}
    from claims
    group by case when has_remittance then 'with_remittance' else 'without_remittance' end

    union all

    select
        'coded_line',
        coding_match_method,
        count(*),
        {{ sum_money('billed_amount') }}
    from claim_lines
    group by coding_match_method

),

final as (

    select
        {{ composite_key(['record_type', 'match_status']) }} as match_summary_id,
        record_type,
        match_status,
        record_count,
        amount
    from counted

)

select * from final
