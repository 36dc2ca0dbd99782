{#-
    The unmatched bucket: counted 835 claims (first delivery, payment date <= as-of) that match no
    claim we billed, by file, payer, payee and reason. Each is kept as a claim of its own in
    fct_claims (has_submission = false), keyed by the provider its payee names, and its money stays
    in fct_remittance_*; the KPIs count it apart (rpt_kpis_monthly.unmatched_*). Reasons
    (provider_match_method, see int_remittance_claims_matched):
      not_billed      no claim with this patient control number was submitted
      other_provider  the patient control number was billed, but by another provider than the payee
      ambiguous       several billed providers fit the payee equally well
-#}
with

remit_claims as (

    select * from {{ ref('fct_remittance_claims') }}
    where
        is_counted
        and claim_match_status = 'unmatched'

),

counted as (

    select
        file_name,
        coalesce(payer_id, 'UNKNOWN') as payer_id,
        payee_provider_key,
        provider_match_method as unmatched_reason,
        count(*) as remittance_claims,
        count(distinct claim_id) as claims,
        {{ sum_money('billed_amount') }} as billed_amount,
        {{ sum_money('paid_amount') }} as paid_amount
    from remit_claims
    group by file_name, coalesce(payer_id, 'UNKNOWN'), payee_provider_key, provider_match_method

),

final as (

    select
        {{ composite_key(['file_name', 'payer_id', 'payee_provider_key', 'unmatched_reason']) }}
            as unmatched_remittance_group_id,
        file_name,
        payer_id,
        payee_provider_key,
        unmatched_reason,
        remittance_claims,
        claims,
        billed_amount,
        paid_amount
    from counted

)

select * from final
