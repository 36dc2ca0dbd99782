{#-
    One row per claim (patient control number; '' stands for a missing one) that tonight's build
    recomputes. A claim is in scope when
      - a file loaded since the previous build carries one of its 837 submissions, 835 claims,
        coded lines or patient payments (a coded line's every version counts: a re-coding may
        move a line between claims, and both claims change);
      - one of its dates crossed the as-of boundary since the previous build: an 837 submission
        date, an 835 payment's adjudication date, a coding time, a patient payment's date, or the
        day a denial left unanswered after a remittance would be written off (adjudication date +
        denial_write_off_days + 1: the write-off event of fct_claim_events);
      - a gate recorded a pre-submission finding on one of its rows for an as-of date in that span;
      - a file carrying one of its rows changed hold state since the previous build (the ingestion
        gate held it back, or released it: its rows leave or enter the staging models; the raw
        sources are read here, since staging no longer shows a held file's rows);
      - or everything is in scope (see `int_build_scope`).
-#}
with

scope as (

    select * from {{ ref('int_build_scope') }}

),

new_files as (

    select distinct manifest.file_sha256
    from {{ ref('stg_ingestion__file_manifest') }} as manifest
    cross join scope
    where
        manifest.status in ('loaded', 'partially_quarantined')
        and coalesce(manifest.loaded_at > scope.previous_watermark, true)

),

held_files as (

    select
        holds.snapshot_id,
        holds.file_sha256
    from {{ source('holds', 'file_holds') }} as holds
    where holds.hold_status = 'held'

),

held_now as (

    select held_files.file_sha256
    from held_files
    inner join scope on held_files.snapshot_id = scope.holds_snapshot

),

held_before as (

    select held_files.file_sha256
    from held_files
    inner join scope on held_files.snapshot_id = scope.previous_holds_snapshot

),

hold_changes as (

    (
        select file_sha256 from held_now
        except
        select file_sha256 from held_before
    )
    union
    (
        select file_sha256 from held_before
        except
        select file_sha256 from held_now
    )

),

hold_change_claims as (

    select coalesce(submissions.patient_control_number, '') as claim_key
    from {{ source('claims', 'x837_claims') }} as submissions
    where submissions.file_sha256 in (select file_sha256 from hold_changes)
    union
    select coalesce(remit_claims.patient_control_number, '') as claim_key
    from {{ source('remittances', 'x835_claims') }} as remit_claims
    where remit_claims.file_sha256 in (select file_sha256 from hold_changes)
    union
    select coalesce(patient_payments.claim_id, '') as claim_key
    from {{ source('patient_payments', 'patient_payments') }} as patient_payments
    where patient_payments.file_sha256 in (select file_sha256 from hold_changes)

),

encounter_rows as (

    select
        encounter_line_id,
        encounter_id,
        line_number,
        claim_id,
        file_sha256,
        cast(coded_at as date) as coded_date
    from {{ source('encounters', 'encounter_lines') }}

),

touched_encounter_lines as (

    select distinct
        encounter_rows.encounter_id,
        encounter_rows.line_number
    from encounter_rows
    cross join scope
    where
        scope.is_full_scope
        or encounter_rows.file_sha256 in (select file_sha256 from new_files)
        or encounter_rows.file_sha256 in (select file_sha256 from hold_changes)
        or (
            encounter_rows.coded_date > scope.window_start
            and encounter_rows.coded_date <= scope.window_end
        )

),

encounter_claims as (

    select coalesce(encounter_rows.claim_id, '') as claim_key
    from encounter_rows
    inner join touched_encounter_lines
        on
            encounter_rows.encounter_id = touched_encounter_lines.encounter_id
            and encounter_rows.line_number = touched_encounter_lines.line_number

),

submission_claims as (

    select coalesce(submissions.patient_control_number, '') as claim_key
    from {{ ref('stg_claims__claims') }} as submissions
    cross join scope
    where
        scope.is_full_scope
        or submissions.file_sha256 in (select file_sha256 from new_files)
        or (
            submissions.submission_date > scope.window_start
            and submissions.submission_date <= scope.window_end
        )

),

window_payments as (

    select payments.payment_id
    from {{ ref('stg_remittances__payments') }} as payments
    cross join scope
    where
        coalesce(payments.payment_date, payments.production_date) > scope.window_start
        and coalesce(payments.payment_date, payments.production_date) <= scope.window_end

),

write_off_payments as (

    select payments.payment_id
    from {{ ref('stg_remittances__payments') }} as payments
    cross join scope
    where
        {{ dbt.dateadd('day', var('denial_write_off_days') + 1,
            'coalesce(payments.payment_date, payments.production_date)') }} > scope.window_start
        and {{ dbt.dateadd('day', var('denial_write_off_days') + 1,
            'coalesce(payments.payment_date, payments.production_date)') }} <= scope.window_end

),

remittance_claims as (

    select coalesce(remit_claims.patient_control_number, '') as claim_key
    from {{ ref('stg_remittances__claims') }} as remit_claims
    cross join scope
    where
        scope.is_full_scope
        or remit_claims.file_sha256 in (select file_sha256 from new_files)
        or remit_claims.payment_id in (select payment_id from window_payments)
        or remit_claims.payment_id in (select payment_id from write_off_payments)

),

patient_payment_claims as (

    select coalesce(patient_payments.claim_id, '') as claim_key
    from {{ source('patient_payments', 'patient_payments') }} as patient_payments
    cross join scope
    where
        scope.is_full_scope
        or patient_payments.file_sha256 in (select file_sha256 from new_files)
        or (
            patient_payments.payment_date > scope.window_start
            and patient_payments.payment_date <= scope.window_end
        )

),

window_findings as (

    select
        findings.table_name,
        findings.row_key,
        findings.patient_control_number
    from {{ ref('stg_quality__row_failures') }} as findings
    cross join scope
    where
        findings.as_of_date >= scope.window_start
        and findings.as_of_date <= scope.window_end

),

finding_claims as (

    select
        coalesce(
            window_findings.patient_control_number, encounter_rows.claim_id,
            claim_rows.patient_control_number, ''
        ) as claim_key
    from window_findings
    left join encounter_rows
        on
            window_findings.table_name = 'encounter_lines'
            and window_findings.row_key = encounter_rows.encounter_line_id
    left join ({{ x837_rows_by_key() }}) as claim_rows
        on
            window_findings.table_name <> 'encounter_lines'
            and window_findings.patient_control_number is null
            and window_findings.row_key = claim_rows.row_key

),

final as (

    select claim_key from encounter_claims
    union
    select claim_key from submission_claims
    union
    select claim_key from remittance_claims
    union
    select claim_key from finding_claims
    union
    select claim_key from patient_payment_claims
    union
    select claim_key from hold_change_claims

)

select claim_key from final
