{#-
    Rule: every dollar of every loaded 835 file is in the marts, to the cent, per file (files the
    ingestion gate holds back excepted: none of their rows may reach the marts):
    BPR02 payments, CLP03/CLP04/CLP05 claim amounts, SVC02/SVC03 line amounts, CAS and PLB amounts.
    Returns one row per file and measure that differs (raw read straight from the Parquet sources).
-#}
with

raw_measures as (

    select file_name, 'payment_amount' as measure, sum(payment_amount) as amount, count(*) as row_count
    from {{ source('remittances', 'x835_payments') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'claim_billed_amount', sum(billed_amount), count(*)
    from {{ source('remittances', 'x835_claims') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'claim_paid_amount', sum(paid_amount), count(*)
    from {{ source('remittances', 'x835_claims') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'claim_patient_responsibility_amount', sum(patient_responsibility_amount), count(*)
    from {{ source('remittances', 'x835_claims') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'line_billed_amount', sum(billed_amount), count(*)
    from {{ source('remittances', 'x835_service_lines') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'line_paid_amount', sum(paid_amount), count(*)
    from {{ source('remittances', 'x835_service_lines') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'adjustment_amount', sum(adjustment_amount), count(*)
    from {{ source('remittances', 'x835_adjustments') }} where {{ exclude_held_files() }} group by file_name
    union all
    select file_name, 'provider_adjustment_amount', sum(provider_adjustment_amount), count(*)
    from {{ source('remittances', 'x835_provider_adjustments') }} where {{ exclude_held_files() }} group by file_name

),

mart_measures as (

    select file_name, 'payment_amount' as measure, sum(payment_amount) as amount, count(*) as row_count
    from {{ ref('fct_remittance_payments') }} group by file_name
    union all
    select file_name, 'claim_billed_amount', sum(billed_amount), count(*)
    from {{ ref('fct_remittance_claims') }} group by file_name
    union all
    select file_name, 'claim_paid_amount', sum(paid_amount), count(*)
    from {{ ref('fct_remittance_claims') }} group by file_name
    union all
    select file_name, 'claim_patient_responsibility_amount', sum(patient_responsibility_amount), count(*)
    from {{ ref('fct_remittance_claims') }} group by file_name
    union all
    select file_name, 'line_billed_amount', sum(billed_amount), count(*)
    from {{ ref('fct_remittance_service_lines') }} group by file_name
    union all
    select file_name, 'line_paid_amount', sum(paid_amount), count(*)
    from {{ ref('fct_remittance_service_lines') }} group by file_name
    union all
    select file_name, 'adjustment_amount', sum(adjustment_amount), count(*)
    from {{ ref('fct_remittance_adjustments') }} group by file_name
    union all
    select file_name, 'provider_adjustment_amount', sum(provider_adjustment_amount), count(*)
    from {{ ref('fct_provider_adjustments') }} group by file_name

),

compared as (

    select
        coalesce(raw_measures.file_name, mart_measures.file_name) as file_name,
        coalesce(raw_measures.measure, mart_measures.measure) as measure,
        raw_measures.amount as raw_amount,
        mart_measures.amount as mart_amount,
        raw_measures.row_count as raw_rows,
        mart_measures.row_count as mart_rows
    from raw_measures
    full outer join mart_measures
        on raw_measures.file_name = mart_measures.file_name
        and raw_measures.measure = mart_measures.measure

)

select * from compared
where coalesce(raw_amount, 0) <> coalesce(mart_amount, 0)
    or coalesce(raw_rows, 0) <> coalesce(mart_rows, 0)
