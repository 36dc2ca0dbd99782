{#-
    One row per 835 service line with its claim (the claim its CLP belongs to,
    int_remittance_claims_matched) and the 837 line (of that claim's current submission) it pays.
    Matching, one to one within each 835 claim (CLP) so every remittance of a claim can match the
    same 837 lines:
      1. claim + REF*6R line item control number
      2. claim + procedure + modifiers + service date + charge (absolute, since reversals carry
         negative charges)
    An unmatched 835 claim has its own claim id, which no 837 line carries: its lines stay
    unmatched.
-#}
with

remit_lines as (

    select * from {{ ref('int_remittance_lines_adjudicated') }}
    where {{ claims_scope() }}

),

billed_lines as (

    select * from {{ ref('int_claim_lines_billed') }}
    where {{ claims_scope() }}

),

claim_matches as (

    select * from {{ ref('int_remittance_claims_matched') }}
    where {{ claims_scope() }}

),

remit_lines_with_claim as (

    select
        remit_lines.*,
        claim_matches.claim_id
    from remit_lines
    left join claim_matches
        on remit_lines.remit_claim_id = claim_matches.remit_claim_id

),

remit_keys as (

    select
        remit_lines_with_claim.remit_line_id,
        remit_lines_with_claim.remit_claim_id,
        remit_lines_with_claim.line_sequence,
        {{ line_match_keys('remit_lines_with_claim', 'abs(remit_lines_with_claim.billed_amount)',
                           line_number=none) }}
    from remit_lines_with_claim

),

billed_keys as (

    select
        claim_line_id,
        line_number,
        control_number_key,
        service_charge_key
    from billed_lines

),

matched_on_control_number as (

    {{ ranked_key_match('remit_keys', 'remit_line_id', 'billed_keys', 'claim_line_id',
                        'control_number_key', 'line_item_control_number',
                        left_order='line_sequence, remit_line_id',
                        right_order='line_number, claim_line_id',
                        left_partition='remit_claim_id') }}

),

remit_left_1 as (

    select * from remit_keys
    where not exists (
        select 1 from matched_on_control_number as matched
        where matched.remit_line_id = remit_keys.remit_line_id
    )

),

matched_on_service_charge as (

    {{ ranked_key_match('remit_left_1', 'remit_line_id', 'billed_keys', 'claim_line_id',
                        'service_charge_key', 'procedure_modifiers_service_date_charge',
                        left_order='line_sequence, remit_line_id',
                        right_order='line_number, claim_line_id',
                        left_partition='remit_claim_id') }}

),

matches as (

    select * from matched_on_control_number
    union all
    select * from matched_on_service_charge

),

final as (

    select
        remit_lines_with_claim.remit_line_id,
        remit_lines_with_claim.remit_claim_id,
        remit_lines_with_claim.claim_id,
        remit_lines_with_claim.patient_control_number,
        matches.claim_line_id,
        coalesce(matches.match_method, 'unmatched') as match_method
    from remit_lines_with_claim
    left join matches
        on remit_lines_with_claim.remit_line_id = matches.remit_line_id

)

select * from final
