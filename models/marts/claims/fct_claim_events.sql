{#-
    A claim's history as of the run date, one row per event, numbered in the order it happened:
    coded (the extract's latest coding of the claim's lines, one event per coding date), each 837
    submission (submitted, resubmitted, replaced, voided), each counted 835 adjudication of every
    payer (reversals included), each patient payment or refund, and the write-off of a denial left
    unanswered for `denial_write_off_days`. Payer money (paid_amount) summed over a claim's events
    equals fct_claims.paid_amount.
    Incremental like fct_claim_lines (dbt_project.yml): a night replaces the claims in scope, whose
    write-off day crossing the as-of date puts a claim in scope too (int_claims_in_scope).
-#}
with

coded_lines as (

    select * from {{ ref('int_coded_lines') }}
    where {{ claims_scope() }}

),

coded_matches as (

    select * from {{ ref('int_coded_lines_matched') }}
    where {{ claims_scope() }}

),

submissions as (

    select * from {{ ref('stg_claims__claims') }}
    where
        submission_date <= {{ as_of_date() }}
        and {{ claims_scope() }}

),

remit_claims as (

    select * from {{ ref('fct_remittance_claims') }}
    where
        is_counted
        and {{ claims_scope() }}

),

patient_payments as (

    select * from {{ ref('fct_patient_payments') }}
    where {{ claims_scope() }}

),

claims as (

    select * from {{ ref('fct_claims') }}
    where {{ claims_scope() }}

),

coded as (

    select
        coded_matches.claim_id,
        max(coded_lines.patient_control_number) as patient_control_number,
        cast(coded_lines.coded_at as date) as event_date,
        'coded' as event_type,
        1 as event_type_order,
        max(coded_lines.payer_id) as payer_id,
        cast(null as {{ dbt.type_string() }}) as claim_status_code,
        cast(null as {{ dbt.type_string() }}) as claim_frequency_code,
        case
            when max(case when coded_lines.is_recoded then 1 else 0 end) = 1
                then 'recoded'
            else 'coded'
        end as event_outcome,
        {{ money('sum(coded_lines.billed_amount)') }} as billed_amount,
        {{ money('0') }} as paid_amount,
        {{ money('0') }} as patient_responsibility_amount,
        {{ money('0') }} as contractual_adjustment_amount,
        {{ money('0') }} as other_adjustment_amount,
        {{ money('0') }} as denied_amount,
        {{ money('0') }} as patient_paid_amount,
        {{ money('0') }} as written_off_amount,
        cast(null as {{ dbt.type_string() }}) as carc_codes,
        max(coded_lines.file_name) as file_name,
        min(coded_lines.encounter_line_id) as source_record_id
    from coded_lines
    inner join coded_matches
        on coded_lines.coded_line_id = coded_matches.coded_line_id
    where
        coded_matches.claim_id is not null
        and cast(coded_lines.coded_at as date) <= {{ as_of_date() }}
    group by coded_matches.claim_id, cast(coded_lines.coded_at as date)

),

keyed_submissions as (

    select
        *,
        {{ claim_key(provider_key('billing_provider_npi', 'billing_provider_tax_id'),
            'patient_control_number') }} as claim_id,
        row_number() over (
            partition by
                {{ claim_key(provider_key('billing_provider_npi', 'billing_provider_tax_id'),
                    'patient_control_number') }}
            order by submission_date, claim_submission_id
        ) as submission_number
    from submissions

),

billed as (

    select
        claim_id,
        patient_control_number,
        submission_date as event_date,
        case
            when claim_frequency_code = '8' then 'voided'
            when claim_frequency_code = '7' then 'replaced'
            when submission_number = 1 then 'submitted'
            else 'resubmitted'
        end as event_type,
        2 as event_type_order,
        payer_id,
        cast(null as {{ dbt.type_string() }}) as claim_status_code,
        claim_frequency_code,
        payer_responsibility_code as event_outcome,
        billed_amount,
        {{ money('0') }} as paid_amount,
        {{ money('0') }} as patient_responsibility_amount,
        {{ money('0') }} as contractual_adjustment_amount,
        {{ money('0') }} as other_adjustment_amount,
        {{ money('0') }} as denied_amount,
        {{ money('0') }} as patient_paid_amount,
        {{ money('0') }} as written_off_amount,
        cast(null as {{ dbt.type_string() }}) as carc_codes,
        file_name,
        claim_submission_id as source_record_id
    from keyed_submissions
    where claim_id is not null

),

adjudicated as (

    select
        claim_id,
        patient_control_number,
        adjudication_date as event_date,
        case when is_reversal then 'reversed' else 'adjudicated' end as event_type,
        3 as event_type_order,
        payer_id,
        claim_status_code,
        claim_frequency_code,
        remit_outcome as event_outcome,
        billed_amount,
        paid_amount,
        patient_responsibility_amount,
        contractual_adjustment_amount,
        other_adjustment_amount,
        denied_amount,
        {{ money('0') }} as patient_paid_amount,
        {{ money('0') }} as written_off_amount,
        denial_carc_codes as carc_codes,
        file_name,
        remit_claim_id as source_record_id
    from remit_claims
    where claim_id is not null

),

patient_paid as (

    select
        claim_id,
        patient_control_number,
        payment_date as event_date,
        case when payment_amount < 0 then 'patient_refund' else 'patient_payment' end
            as event_type,
        4 as event_type_order,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        cast(null as {{ dbt.type_string() }}) as claim_status_code,
        cast(null as {{ dbt.type_string() }}) as claim_frequency_code,
        payment_kind as event_outcome,
        {{ money('0') }} as billed_amount,
        {{ money('0') }} as paid_amount,
        {{ money('0') }} as patient_responsibility_amount,
        {{ money('0') }} as contractual_adjustment_amount,
        {{ money('0') }} as other_adjustment_amount,
        {{ money('0') }} as denied_amount,
        payment_amount as patient_paid_amount,
        {{ money('0') }} as written_off_amount,
        cast(null as {{ dbt.type_string() }}) as carc_codes,
        file_name,
        payment_id as source_record_id
    from patient_payments
    where claim_id is not null

),

written_off as (

    select
        claim_id,
        patient_control_number,
        cast(
            {{ dbt.dateadd('day', var('denial_write_off_days') + 1, 'last_adjudication_date') }}
            as date
        ) as event_date,
        'denial_written_off' as event_type,
        5 as event_type_order,
        payer_id,
        cast(null as {{ dbt.type_string() }}) as claim_status_code,
        cast(null as {{ dbt.type_string() }}) as claim_frequency_code,
        final_status as event_outcome,
        {{ money('0') }} as billed_amount,
        {{ money('0') }} as paid_amount,
        {{ money('0') }} as patient_responsibility_amount,
        {{ money('0') }} as contractual_adjustment_amount,
        {{ money('0') }} as other_adjustment_amount,
        {{ money('0') }} as denied_amount,
        {{ money('0') }} as patient_paid_amount,
        denial_write_off_amount as written_off_amount,
        final_denial_carc_codes as carc_codes,
        cast(null as {{ dbt.type_string() }}) as file_name,
        claim_id as source_record_id
    from claims
    where denial_write_off_amount <> 0

),

events as (

    select * from coded
    union all
    select * from billed
    union all
    select * from adjudicated
    union all
    select * from patient_paid
    union all
    select * from written_off

),

final as (

    select
        {{ dbt.concat(["claim_id", "'|'", "event_type", "'|'", "source_record_id"]) }}
            as claim_event_id,
        claim_id,
        patient_control_number,
        row_number() over (
            partition by claim_id
            order by
                event_date,
                event_type_order,
                case when event_type = 'reversed' then 0 else 1 end,
                source_record_id
        ) as event_sequence,
        event_date,
        event_type,
        event_outcome,
        payer_id,
        claim_status_code,
        claim_frequency_code,
        billed_amount,
        paid_amount,
        patient_responsibility_amount,
        contractual_adjustment_amount,
        other_adjustment_amount,
        denied_amount,
        patient_paid_amount,
        written_off_amount,
        carc_codes,
        file_name,
        source_record_id
    from events

)

select * from final
