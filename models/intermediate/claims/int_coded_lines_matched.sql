{#-
    One row per coded service line (latest coding) with its claim and the 837 line it was billed
    on, if any. The coded line's claim is its extract's billing NPI + claim_id (the patient control
    number): claim_id 'NPI:<billing_npi>|<pcn>' (macros/claim_keys.sql), so a coded line only
    matches an 837 claim of the same billing NPI. Matching, each pass on what the earlier passes
    left unmatched, one to one:
      1. claim + REF*6R line item control number
      2. claim + line number
      3. claim + procedure + modifiers + service date
    A coded line with no match was never billed (a missed or late charge).
-#}
with

coded_lines as (

    select * from {{ ref('int_coded_lines') }}
    where {{ claims_scope() }}

),

billed_lines as (

    select * from {{ ref('int_claim_lines_billed') }}
    where {{ claims_scope() }}

),

coded_claims as (

    select
        coded_lines.*,
        {{ coded_line_claim_id('coded_lines') }} as claim_id
    from coded_lines

),

coded_keys as (

    select
        coded_claims.coded_line_id,
        {{ line_match_keys('coded_claims', 'coded_claims.billed_amount') }}
    from coded_claims

),

billed_keys as (

    select
        claim_line_id,
        line_number,
        control_number_key,
        line_number_key,
        service_key
    from billed_lines

),

matched_on_control_number as (

    {{ ranked_key_match('coded_keys', 'coded_line_id', 'billed_keys', 'claim_line_id',
                        'control_number_key', 'line_item_control_number',
                        left_order='coded_line_id', right_order='line_number, claim_line_id') }}

),

coded_left_1 as (

    select * from coded_keys
    where not exists (
        select 1 from matched_on_control_number as matched
        where matched.coded_line_id = coded_keys.coded_line_id
    )

),

billed_left_1 as (

    select * from billed_keys
    where not exists (
        select 1 from matched_on_control_number as matched
        where matched.claim_line_id = billed_keys.claim_line_id
    )

),

matched_on_line_number as (

    {{ ranked_key_match('coded_left_1', 'coded_line_id', 'billed_left_1', 'claim_line_id',
                        'line_number_key', 'line_number',
                        left_order='coded_line_id', right_order='line_number, claim_line_id') }}

),

coded_left_2 as (

    select * from coded_left_1
    where not exists (
        select 1 from matched_on_line_number as matched
        where matched.coded_line_id = coded_left_1.coded_line_id
    )

),

billed_left_2 as (

    select * from billed_left_1
    where not exists (
        select 1 from matched_on_line_number as matched
        where matched.claim_line_id = billed_left_1.claim_line_id
    )

),

matched_on_service as (

    {{ ranked_key_match('coded_left_2', 'coded_line_id', 'billed_left_2', 'claim_line_id',
                        'service_key', 'procedure_modifiers_service_date',
                        left_order='coded_line_id', right_order='line_number, claim_line_id') }}

),

matches as (

    select * from matched_on_control_number
    union all
    select * from matched_on_line_number
    union all
    select * from matched_on_service

),

final as (

    select
        coded_claims.coded_line_id,
        coded_claims.encounter_line_id,
        coded_claims.claim_id,
        coded_claims.patient_control_number,
        matches.claim_line_id,
        coalesce(matches.match_method, 'unbilled') as match_method,
        matches.claim_line_id is not null as is_billed
    from coded_claims
    left join matches
        on coded_claims.coded_line_id = matches.coded_line_id

)

select * from final
