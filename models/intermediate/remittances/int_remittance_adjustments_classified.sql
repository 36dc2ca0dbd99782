{#-
    Every CAS triple with its CARC's root cause and the project's three money buckets:
    denial (CO/OA/PI with a CARC flagged is_denial), contractual (CO with a non-denial CARC) and
    patient responsibility (PR). Other adjustments (OA/PI non-denial, CR) are kept as "other".
-#}
with

adjustments as (

    select * from {{ ref('stg_remittances__adjustments') }}

),

carc_codes as (

    select * from {{ ref('ref_carc_codes') }}

),

classified as (

    select
        adjustments.*,
        coalesce(carc_codes.root_cause, 'other') as root_cause,
        coalesce(cast(carc_codes.is_denial as boolean), false) as is_denial_carc,
        adjustments.group_code in ('CO', 'OA', 'PI')
            and coalesce(cast(carc_codes.is_denial as boolean), false) as is_denial_adjustment,
        adjustments.group_code = 'CO'
            and not coalesce(cast(carc_codes.is_denial as boolean), false) as is_contractual_adjustment,
        adjustments.group_code = 'PR' as is_patient_responsibility_adjustment

    from adjustments
    left join carc_codes
        on adjustments.reason_code = cast(carc_codes.carc_code as {{ dbt.type_string() }})

),

final as (

    select
        *,
        {{ money("case when is_denial_adjustment then adjustment_amount else 0 end") }}
            as denial_amount,
        {{ money("case when is_contractual_adjustment then adjustment_amount else 0 end") }}
            as contractual_amount,
        {{ money("case when is_patient_responsibility_adjustment then adjustment_amount else 0 end") }}
            as patient_responsibility_amount,
        {{ money("case when is_denial_adjustment or is_contractual_adjustment
            or is_patient_responsibility_adjustment then 0 else adjustment_amount end") }}
            as other_adjustment_amount
    from classified

)

select * from final
