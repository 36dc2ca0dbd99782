with

lines as (

    {{ gate_batch('claims', 'x837_claim_lines') }}

),

repeated_ids as (

    {{ gate_repeated_keys('lines', ['claim_line_id']) }}

),

final as (

    select
        lines.claim_line_id,
        lines.claim_submission_id,
        lines.file_sha256,
        lines.patient_control_number,
        coalesce(repeated_ids.occurrences, 1) as claim_line_id_occurrences,
        lines.billed_amount,
        lines.diagnosis_pointer_1
    from lines
    left join repeated_ids on lines.claim_line_id = repeated_ids.claim_line_id

)

select * from final
