with

patient_payments as (

    {{ gate_batch('patient_payments', 'patient_payments') }}

),

final as (

    select
        patient_payment_row_id,
        claim_id,
        file_sha256,
        amount,
        payment_date
    from patient_payments

)

select * from final
