{#-
    Every CAS triple with its CARC's root cause and the project's money buckets:
      denial                  CO/OA/PI with a denial CARC (ref_carc_codes.is_denial), or with a
                              CARC missing from ref_carc_codes (root cause 'unclassified': an
                              unknown reason never passes silently as money collected)
      contractual             CO with a known non-denial CARC, except pending (133) and duplicate
                              (18, B13): neither is a write-off under the contract
      patient responsibility  PR, whatever the CARC (an unknown PR reason is still the patient's)
      other                   everything else: OA/PI non-denials (prior payer 23...), pending and
                              duplicate adjustments, CR
    is_pending_adjustment flags a CARC whose root cause is 'pending' (133: not final yet).
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
        carc_codes.carc_code is not null as is_known_carc,
        case
            when carc_codes.carc_code is not null then carc_codes.root_cause
            when adjustments.group_code = 'PR' then 'patient_responsibility'
            when adjustments.group_code in ('CO', 'OA', 'PI') then 'unclassified'
            else 'other'
        end as root_cause,
        case
            when carc_codes.carc_code is not null then cast(carc_codes.is_denial as boolean)
            else adjustments.group_code in ('CO', 'OA', 'PI')
        end as is_denial_carc

    from adjustments
    left join carc_codes
        on adjustments.reason_code = cast(carc_codes.carc_code as {{ dbt.type_string() }})

),

bucketed as (

    select
        *,
        group_code in ('CO', 'OA', 'PI') and is_denial_carc as is_denial_adjustment,
        group_code = 'CO'
        and not is_denial_carc
        and root_cause not in ('pending', 'duplicate') as is_contractual_adjustment,
        group_code = 'PR' as is_patient_responsibility_adjustment,
        group_code in ('CO', 'OA', 'PI') and root_cause = 'pending' as is_pending_adjustment
    from classified

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
    from bucketed

)

select * from final
