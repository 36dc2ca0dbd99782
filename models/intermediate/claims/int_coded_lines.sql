{#-
    One row per coded service line (encounter_id + line_number): a line re-coded in a later
    delivery supersedes the earlier one (latest coded_at wins; ties go to the later file row).
    is_recoded: the line's visible versions differ in their coding (procedure, modifiers or
    diagnoses; a second delivery of the same coding is not a re-coding); recoded_from_*: the
    coding of the version just before the one kept, when it differs.
    Incremental like the rest of intermediate/claims (dbt_project.yml), by the patient control
    number of the version kept. A night ranks again every version of each line that has a version
    on a claim in scope (a re-coding may move a line between claims: int_claims_in_scope then holds
    both), and keeps the lines whose kept version is on a claim in scope: those are the rows the
    night replaces. A line with a version in scope but kept on a claim out of scope is unchanged
    (any change to its versions would have put that claim in scope too).
-#}
{%- set scope = claims_scope() %}
with

versions as (

    select all_versions.*
    from {{ ref('stg_encounters__coded_line_versions') }} as all_versions
    {%- if rcm_is_incremental() %}
    inner join (
        select distinct
            encounter_id,
            line_number
        from {{ ref('stg_encounters__coded_line_versions') }}
        where {{ scope }}
    ) as lines_in_scope
        on
            all_versions.encounter_id = lines_in_scope.encounter_id
            and all_versions.line_number = lines_in_scope.line_number
    {%- endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as coding_version_rank,
        count(*) over (partition by encounter_id, line_number) as coding_version_count,
        min(coding_signature) over (partition by encounter_id, line_number)
        <> max(coding_signature) over (partition by encounter_id, line_number) as is_recoded,
        lead(coding_signature) over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as previous_coding_signature,
        lead(procedure_code) over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as previous_procedure_code,
        lead(concat_ws(':', modifier_1, modifier_2, modifier_3, modifier_4)) over (
            partition by encounter_id, line_number
            order by coded_at desc, file_name desc, source_line_number desc
        ) as previous_modifiers

    from versions

),

final as (

    select
        {{ composite_key(['encounter_id', 'line_number']) }} as coded_line_id,
        *,
        case
            when previous_coding_signature <> coding_signature
                then previous_procedure_code
        end as recoded_from_procedure_code,
        case
            when previous_coding_signature <> coding_signature
                then nullif(previous_modifiers, '')
        end as recoded_from_modifiers
    from ranked
    where
        coding_version_rank = 1
        and {{ scope }}

)

select * from final
