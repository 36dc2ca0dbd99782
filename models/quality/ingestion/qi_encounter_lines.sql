-- The coded lines of the batch with what coding_quality checks: ids and their repeats, codes as
-- coded, the patient's age at service instead of the birth date, and the modifier and
-- diagnosis-support rules (seeds ref_procedure_*, ref_dx_procedure_support). A rule that needs the
-- other lines of the visit looks at one coding version of one encounter: the lines of one file
-- with the same encounter_id and coded_at (an encounter re-coded later comes again, whole, with a
-- later coded_at). Each rule column is null where the rule does not apply, true when it holds,
-- false when it fails. DuckDB only (list functions), like every model of models/quality.
with

encounter_lines as (

    {{ gate_batch('encounters', 'encounter_lines') }}

),

procedure_families as (

    select * from {{ ref('ref_procedure_families') }}

),

modifier_requirements as (

    select * from {{ ref('ref_procedure_modifier_requirements') }}

),

dx_procedure_support as (

    select * from {{ ref('ref_dx_procedure_support') }}

),

repeated_ids as (

    {{ gate_repeated_keys('encounter_lines', ['encounter_line_id']) }}

),

lines as (

    select
        encounter_lines.*,
        upper(trim(encounter_lines.procedure_code)) as code,
        trim(encounter_lines.place_of_service_code) as place_of_service,
        list_filter(
            [
                upper(trim(encounter_lines.modifier_1)), upper(trim(encounter_lines.modifier_2)),
                upper(trim(encounter_lines.modifier_3)), upper(trim(encounter_lines.modifier_4))
            ],
            lambda m: m is not null and m <> ''
        ) as modifier_list,
        list_filter(
            [
                {{ normalize_icd10('encounter_lines.diagnosis_code_1') }},
                {{ normalize_icd10('encounter_lines.diagnosis_code_2') }},
                {{ normalize_icd10('encounter_lines.diagnosis_code_3') }},
                {{ normalize_icd10('encounter_lines.diagnosis_code_4') }}
            ],
            lambda d: d is not null and d <> ''
        ) as diagnosis_list,
        procedure_families.family
    from encounter_lines
    left join procedure_families
        on
            length(trim(encounter_lines.procedure_code)) = 5
            and upper(trim(encounter_lines.procedure_code))
            between procedure_families.procedure_code_first and procedure_families.procedure_code_last

),

-- one coding version of one encounter: what else was coded beside each line
versions as (

    select
        file_sha256,
        encounter_id,
        coded_at,
        bool_or(family in ('procedure', 'administration', 'em_preventive')) as has_service_beside_em,
        bool_or(family = 'procedure') as has_procedure,
        list(distinct code) as version_codes
    from lines
    group by file_sha256, encounter_id, coded_at

),

repeated_labs as (

    select
        file_sha256,
        encounter_id,
        coded_at,
        code,
        min(line_number) as first_line_number
    from lines
    where family = 'lab'
    group by file_sha256, encounter_id, coded_at, code
    having count(*) > 1

),

requirements as (

    select
        procedure_code,
        bool_or(requirement = 'laterality') as needs_laterality,
        bool_or(requirement = 'professional_component') as needs_component,
        list(paired_procedure_code) filter (where requirement = 'distinct_service') as distinct_from_codes
    from modifier_requirements
    group by procedure_code

),

supports as (

    select
        procedure_code_first,
        procedure_code_last,
        list(icd10cm_prefix) as supporting_prefixes
    from dx_procedure_support
    group by procedure_code_first, procedure_code_last

),

-- the modifiers that satisfy each rule (all in seeds/ref_modifiers.csv)
judged as (

    select
        lines.*,
        case
            when lines.family = 'em' and versions.has_service_beside_em
                then list_contains(lines.modifier_list, '25')
            when lines.family = 'em_preventive' and versions.has_procedure
                then list_contains(lines.modifier_list, '25')
            when lines.family in ('em', 'em_preventive') then true
        end as separate_em_modifier_ok,
        case
            when lines.line_number > repeated_labs.first_line_number
                then list_contains(lines.modifier_list, '91')
            when repeated_labs.first_line_number is not null then true
        end as repeat_lab_modifier_ok,
        case
            when requirements.needs_laterality
                then list_has_any(lines.modifier_list, ['RT', 'LT', '50'])
        end as laterality_modifier_ok,
        case
            when lines.family in ('em', 'em_preventive') and lines.place_of_service in ('02', '10')
                then list_has_any(lines.modifier_list, ['95', 'GT', '93'])
        end as telehealth_modifier_ok,
        case
            when requirements.needs_component and lines.place_of_service in ('19', '21', '22', '23')
                then list_has_any(lines.modifier_list, ['26', 'TC'])
        end as component_modifier_ok,
        case
            when list_has_any(requirements.distinct_from_codes, versions.version_codes)
                then list_has_any(lines.modifier_list, ['59', 'XE', 'XP', 'XS', 'XU'])
        end as distinct_service_modifier_ok,
        case
            when len(lines.diagnosis_list) > 0
                then list_has_any(
                    supports.supporting_prefixes,
                    flatten(list_transform(
                        lines.diagnosis_list, lambda d: [d[1:1], d[1:2], d[1:3], d[1:4], d[1:5]]
                    ))
                )
        end as diagnosis_supports_procedure
    from lines
    left join versions
        on
            lines.file_sha256 is not distinct from versions.file_sha256
            and lines.encounter_id is not distinct from versions.encounter_id
            and lines.coded_at is not distinct from versions.coded_at
    left join repeated_labs
        on
            lines.file_sha256 is not distinct from repeated_labs.file_sha256
            and lines.encounter_id is not distinct from repeated_labs.encounter_id
            and lines.coded_at is not distinct from repeated_labs.coded_at
            and lines.code = repeated_labs.code
    left join requirements on lines.code = requirements.procedure_code
    left join supports
        on
            length(lines.code) = 5
            and lines.code between supports.procedure_code_first and supports.procedure_code_last

),

final as (

    select
        judged.encounter_line_id,
        judged.claim_id,
        judged.file_sha256,
        coalesce(repeated_ids.occurrences, 1) as encounter_line_id_occurrences,
        nullif(trim(judged.diagnosis_code_1), '') as diagnosis_code_1,
        nullif(trim(judged.diagnosis_code_2), '') as diagnosis_code_2,
        nullif(trim(judged.diagnosis_code_3), '') as diagnosis_code_3,
        nullif(trim(judged.diagnosis_code_4), '') as diagnosis_code_4,
        judged.procedure_code,
        nullif(trim(judged.modifier_1), '') as modifier_1,
        nullif(trim(judged.modifier_2), '') as modifier_2,
        nullif(trim(judged.modifier_3), '') as modifier_3,
        nullif(trim(judged.modifier_4), '') as modifier_4,
        judged.units,
        judged.charge_amount,
        judged.service_date,
        {{ dbt.datediff('judged.patient_birth_date', 'judged.service_date', 'day') }}
            as patient_age_days_at_service,
        judged.place_of_service_code,
        judged.separate_em_modifier_ok,
        judged.repeat_lab_modifier_ok,
        judged.laterality_modifier_ok,
        judged.telehealth_modifier_ok,
        judged.component_modifier_ok,
        judged.distinct_service_modifier_ok,
        judged.diagnosis_supports_procedure,
        concat_ws(':', judged.code, list_aggregate(judged.modifier_list, 'string_agg', ':'))
        || coalesce(' POS ' || judged.place_of_service, '') as procedure_modifiers_place,
        judged.code || ' <- ' || coalesce(array_to_string(judged.diagnosis_list, ' '), '')
            as procedure_diagnoses
    from judged
    left join repeated_ids on judged.encounter_line_id = repeated_ids.encounter_line_id

)

select * from final
