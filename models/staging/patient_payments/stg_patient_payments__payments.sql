{#-
    One row per patient-payment posting (payment_id): a posting delivered again in a later file
    is superseded by it (the later file name wins; files are named by posting date). Rows of
    files the ingestion gate holds back are not visible. Every posting is kept whatever its date:
    the as-of rule is applied by the mart (fct_patient_payments).
-#}
with

source as (

    select * from {{ source('patient_payments', 'patient_payments') }}
    where {{ exclude_held_files('file_sha256') }}

),

renamed as (

    select
        patient_payment_row_id,
        payment_id,
        billing_npi as billing_provider_npi,
        claim_id as patient_control_number,
        cast(payment_date as date) as payment_date,
        {{ money('amount') }} as payment_amount,
        payment_kind,
        method as payment_method,
        file_name,
        file_sha256,
        source_line_number,
        row_number() over (
            partition by payment_id order by file_name desc, source_line_number desc
        ) as delivery_rank,
        count(*) over (partition by payment_id) as delivery_count

    from source

),

final as (

    select * from renamed
    where delivery_rank = 1

)

select * from final
