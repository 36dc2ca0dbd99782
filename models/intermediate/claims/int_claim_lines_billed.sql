{#-
    One row per service line of each claim's current (latest) 837 submission, with its claim
    (claim_id: billing provider key + patient control number) and the keys the coded lines and the
    remittance lines are matched on (within the claim).
-#}
with

claim_lines as (

    select * from {{ ref('stg_claims__claim_lines') }}
    where {{ claims_scope() }}

),

submitted_claims as (

    select * from {{ ref('int_claims_submitted') }}
    where {{ claims_scope() }}

),

diagnoses as (

    select * from {{ ref('stg_claims__diagnoses') }}
    where {{ claims_scope() }}

),

current_lines as (

    select
        claim_lines.*,
        submitted_claims.claim_id,
        submitted_claims.payer_id,
        coalesce(claim_lines.rendering_provider_npi, submitted_claims.rendering_provider_npi)
            as line_rendering_provider_npi
    from claim_lines
    inner join submitted_claims
        on claim_lines.claim_submission_id = submitted_claims.current_claim_submission_id

),

pointed_diagnoses as (

    select
        current_lines.claim_line_id,
        max(case
            when diagnoses.diagnosis_sequence = current_lines.diagnosis_pointer_1
                then diagnoses.diagnosis_code
        end) as diagnosis_code_1,
        max(case
            when diagnoses.diagnosis_sequence = current_lines.diagnosis_pointer_2
                then diagnoses.diagnosis_code
        end) as diagnosis_code_2,
        max(case
            when diagnoses.diagnosis_sequence = current_lines.diagnosis_pointer_3
                then diagnoses.diagnosis_code
        end) as diagnosis_code_3,
        max(case
            when diagnoses.diagnosis_sequence = current_lines.diagnosis_pointer_4
                then diagnoses.diagnosis_code
        end) as diagnosis_code_4
    from current_lines
    inner join diagnoses
        on current_lines.claim_submission_id = diagnoses.claim_submission_id
    group by current_lines.claim_line_id

),

final as (

    select
        current_lines.claim_line_id,
        current_lines.claim_submission_id,
        current_lines.claim_id,
        current_lines.patient_control_number,
        current_lines.payer_id,
        current_lines.line_number,
        current_lines.procedure_qualifier,
        current_lines.procedure_code,
        current_lines.modifier_1,
        current_lines.modifier_2,
        current_lines.modifier_3,
        current_lines.modifier_4,
        current_lines.revenue_code,
        current_lines.billed_amount,
        current_lines.units,
        current_lines.place_of_service_code,
        current_lines.service_date,
        current_lines.line_item_control_number,
        current_lines.line_rendering_provider_npi as rendering_provider_npi,
        pointed_diagnoses.diagnosis_code_1,
        pointed_diagnoses.diagnosis_code_2,
        pointed_diagnoses.diagnosis_code_3,
        pointed_diagnoses.diagnosis_code_4,
        {{ line_match_keys('current_lines', 'current_lines.billed_amount') }}
    from current_lines
    left join pointed_diagnoses
        on current_lines.claim_line_id = pointed_diagnoses.claim_line_id

)

select * from final
