with

remit_lines as (

    select * from {{ ref('int_remittance_lines_adjudicated') }}
    where {{ claims_scope() }}

),

line_matches as (

    select * from {{ ref('int_remittance_lines_matched') }}
    where {{ claims_scope() }}

),

payments as (

    select * from {{ ref('int_remittance_payments_deduplicated') }}

),

final as (

    select
        remit_lines.remit_line_id,
        remit_lines.remit_claim_id,
        remit_lines.payment_id,
        remit_lines.file_name,
        line_matches.claim_id,
        remit_lines.patient_control_number,
        remit_lines.claim_status_code,
        remit_lines.line_sequence,
        remit_lines.procedure_qualifier,
        remit_lines.procedure_code,
        remit_lines.modifier_1,
        remit_lines.modifier_2,
        remit_lines.modifier_3,
        remit_lines.modifier_4,
        remit_lines.revenue_code,
        remit_lines.original_procedure_code,
        remit_lines.service_date,
        remit_lines.service_end_date,
        remit_lines.line_item_control_number,
        remit_lines.units_paid,
        remit_lines.billed_amount,
        remit_lines.allowed_amount,
        remit_lines.paid_amount,
        remit_lines.adjustment_total as adjustment_amount,
        remit_lines.contractual_adjustment_amount,
        remit_lines.patient_responsibility_adjustment_amount as patient_responsibility_amount,
        remit_lines.balance_difference as balance_difference_amount,
        remit_lines.is_balanced,
        remit_lines.line_outcome,
        remit_lines.is_denied,
        remit_lines.is_pending,
        remit_lines.pending_adjustment_amount,
        remit_lines.denied_amount,
        remit_lines.denial_carc_codes,
        remit_lines.primary_denial_carc_code,
        remit_lines.denial_root_cause,
        remit_lines.remark_codes,
        line_matches.claim_line_id,
        line_matches.match_method as claim_line_match_method,
        payments.is_duplicate_delivery,
        payments.is_counted
    from remit_lines
    inner join line_matches
        on remit_lines.remit_line_id = line_matches.remit_line_id
    inner join payments
        on remit_lines.payment_id = payments.payment_id

)

select * from final
