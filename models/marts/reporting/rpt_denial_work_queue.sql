{#-
    The denials someone can still get paid, largest first: what a biller works tomorrow.
    One row per billed claim whose denial is still open as of the run date:
      - denied_balance_amount > 0: denied dollars still standing and not written off
        (fct_claims: within var denial_write_off_days of the claim's latest remittance);
      - not overturned: a claim with money already recovered on appeal is out (its appeal was
        answered; what is left shows in the A/R tables);
      - the payer's appeal deadline not passed (days_left >= 0).
    The appeal clock starts at the latest remittance (denial_date = last_adjudication_date, the
    decision that still stands); the window comes from seed payer_settings (row 'DEFAULT' for a
    payer without one). The owning team is the owner of the pre-submission check the denial is
    attributed to (fct_claim_lines.denial_attributed_check_owner) when there is one, else the team
    of the denial's root cause (ref_carc_codes.root_cause; unclassified -> billing, who read the
    remark codes). Next action: a corrected claim when the denial is fixable by one (coding,
    billing, front end) and its timely-filing deadline (first service date + payer_settings
    timely_filing_days) comes before the appeal deadline and has not passed; else an appeal.
    Priority from the days to that next deadline: 1 = within 14 days, 2 = within 30, 3 = later.
-#}
with

claims as (

    select * from {{ ref('fct_claims') }}
    where
        has_submission
        and denied_balance_amount > 0
        and not coalesce(is_overturned, false)

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}

),

payer_settings as (

    select * from {{ ref('payer_settings') }}

),

carc_codes as (

    select * from {{ ref('ref_carc_codes') }}

),

rarc_codes as (

    select * from {{ ref('ref_rarc_codes') }}

),

payers as (

    select * from {{ ref('dim_payers') }}

),

line_facts as (

    select
        claim_id,
        min(service_date) as first_service_date,
        max(denial_attributed_check) as denial_attributed_check,
        max(denial_attributed_check_owner) as denial_attributed_check_owner
    from claim_lines
    group by claim_id

),

coded as (

    select
        claims.claim_id,
        claims.patient_control_number,
        coalesce(claims.payer_id, 'UNKNOWN') as payer_id,
        coalesce(claims.final_denial_root_cause, claims.initial_denial_root_cause, 'unclassified')
            as denial_root_cause,
        {{ dbt.split_part(dbt.split_part('claims.final_denial_carc_codes', "','", 1), "'-'", 2) }}
            as carc_code,
        trim({{ dbt.split_part('claims.initial_remark_codes', "','", 1) }}) as rarc_code,
        claims.last_adjudication_date as denial_date,
        claims.denied_balance_amount as recoverable_amount,
        line_facts.first_service_date,
        line_facts.denial_attributed_check,
        line_facts.denial_attributed_check_owner
    from claims
    left join line_facts
        on claims.claim_id = line_facts.claim_id

),

with_settings as (

    select
        coded.*,
        coalesce(payer_settings.appeal_window_days, defaults.appeal_window_days)
            as appeal_window_days,
        coalesce(payer_settings.timely_filing_days, defaults.timely_filing_days)
            as timely_filing_days,
        coalesce(payer_settings.source, defaults.source) as deadline_source,
        payer_settings.payer_id is null as is_default_deadline
    from coded
    left join payer_settings
        on coded.payer_id = payer_settings.payer_id
    cross join (
        select * from payer_settings
        where payer_id = 'DEFAULT'
    ) as defaults

),

dated as (

    select
        *,
        cast({{ dbt.dateadd('day', 'appeal_window_days', 'denial_date') }} as date)
            as appeal_deadline_date,
        cast({{ dbt.dateadd('day', 'timely_filing_days', 'first_service_date') }} as date)
            as timely_filing_deadline_date
    from with_settings

),

counted as (

    select
        *,
        {{ days_between(as_of_date(), 'appeal_deadline_date') }} as days_left,  -- noqa: LT05
        {{ days_between(as_of_date(), 'timely_filing_deadline_date') }} as days_left_to_correct  -- noqa: LT05
    from dated

),

next_steps as (

    {#- A coding, billing or front-end denial is fixed by a corrected claim, which must reach the
        payer within timely filing: when that deadline comes first (and has not passed), it is
        the one to meet; otherwise, and for clinical and unclassified denials, the appeal. -#}
    select
        *,
        case
            when
                denial_root_cause in ('coding', 'billing', 'front_end')
                and days_left_to_correct >= 0
                and timely_filing_deadline_date < appeal_deadline_date
                then 'corrected claim'
            else 'appeal'
        end as next_action
    from counted

),

appealable as (

    select
        *,
        case
            when next_action = 'corrected claim' then timely_filing_deadline_date
            else appeal_deadline_date
        end as next_deadline_date,
        case
            when next_action = 'corrected claim' then days_left_to_correct
            else days_left
        end as days_to_next_deadline
    from next_steps
    where days_left >= 0

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        row_number() over (
            order by
                appealable.recoverable_amount desc, appealable.days_left,
                appealable.patient_control_number, appealable.claim_id
        ) as work_queue_rank,
        case
            when appealable.days_to_next_deadline <= 14 then 1
            when appealable.days_to_next_deadline <= 30 then 2
            else 3
        end as priority,
        case
            when appealable.days_to_next_deadline <= 14 then 'P1: deadline within 14 days'
            when appealable.days_to_next_deadline <= 30 then 'P2: deadline within 30 days'
            else 'P3: deadline later'
        end as priority_label,
        appealable.claim_id,
        appealable.patient_control_number,
        appealable.payer_id,
        payers.payer_name,
        appealable.recoverable_amount,
        appealable.denial_root_cause,
        appealable.carc_code,
        carc_codes.description as carc_description,
        appealable.rarc_code,
        rarc_codes.description as rarc_description,
        case
            when appealable.denial_attributed_check_owner is not null
                then replace(appealable.denial_attributed_check_owner, '_', ' ')
            when appealable.denial_root_cause in ('coding', 'billing', 'clinical')
                then appealable.denial_root_cause
            when appealable.denial_root_cause = 'front_end' then 'front end'
            else 'billing'
        end as owning_team,
        appealable.denial_attributed_check,
        appealable.denial_date,
        appealable.appeal_window_days,
        appealable.appeal_deadline_date,
        appealable.days_left,
        appealable.first_service_date,
        appealable.timely_filing_days,
        appealable.timely_filing_deadline_date,
        appealable.days_left_to_correct,
        appealable.next_action,
        appealable.next_deadline_date,
        appealable.days_to_next_deadline,
        appealable.deadline_source,
        appealable.is_default_deadline
    from appealable
    left join carc_codes
        on appealable.carc_code = carc_codes.carc_code
    left join rarc_codes
        on appealable.rarc_code = rarc_codes.rarc_code
    left join payers
        on appealable.payer_id = payers.payer_id

)

select * from final
