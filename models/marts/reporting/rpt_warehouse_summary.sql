{#-
    One row: what the published warehouse holds, for the report's "Run and data window" table:
    the run date, the claims (billed or not) and the dates of their first and last submission and
    last adjudication, and the as-of date of the A/R tables (rpt_ar_aging; null when nothing is in
    A/R).
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}

),

aging as (

    select * from {{ ref('rpt_ar_aging') }}

),

claim_summary as (

    select
        count(*) as claims,
        min(first_submission_date) as first_submission_date,
        max(first_submission_date) as last_submission_date,
        max(last_adjudication_date) as last_adjudication_date
    from claims

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        claim_summary.claims,
        claim_summary.first_submission_date,
        claim_summary.last_submission_date,
        claim_summary.last_adjudication_date,
        (select max(aging.as_of_date) from aging) as ar_as_of_date
    from claim_summary

)

select * from final
