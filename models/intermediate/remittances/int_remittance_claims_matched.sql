{#-
    One row per 835 claim (CLP) with the claim it belongs to. A patient control number is unique
    only within the provider that assigned it, so CLP01 = CLM01 is not enough: the payment's payee
    (1000B N1*PE: NPI when N103 = XX, tax id when N103 = FI, else REF*TJ) must be the claim's
    billing provider too. Among the claims submitted (as of the run date) with the same patient
    control number, the best candidate wins, by rank:
      1 payee NPI = billing NPI                                          payee_npi
      2 payee TIN = billing TIN, the claim keyed by that very TIN         payee_tin
      3 payee TIN = billing TIN                                          payee_tin
      4 the payee names neither NPI nor TIN: any claim with the PCN       sole_billed_provider
    A match needs exactly one candidate at the best rank. Otherwise the 835 claim is unmatched and
    keeps its own claim, keyed by the provider its payee names (NPI, else TIN, else the payee id),
    so it is never merged into another provider's claim:
      ambiguous        several candidates at the best rank (e.g. no payee id, two billed providers)
      other_provider   the PCN was billed, but not by the provider the payee names
      not_billed       no claim with this PCN was submitted by the as-of date
    Every candidate shares the 835 claim's patient control number, so the build scope (patient
    control numbers) recomputes a match whenever anything it depends on changes.
-#}
with

remit_claims as (

    select * from {{ ref('stg_remittances__claims') }}
    where {{ claims_scope() }}

),

payments as (

    select * from {{ ref('stg_remittances__payments') }}

),

submitted_claims as (

    select * from {{ ref('int_claims_submitted') }}
    where {{ claims_scope() }}

),

payees as (

    select
        remit_claims.remit_claim_id,
        remit_claims.payment_id,
        remit_claims.patient_control_number,
        nullif(payments.payee_npi, '') as payee_npi,
        nullif(payments.payee_tax_id, '') as payee_tax_id,
        {{ provider_key('payments.payee_npi', 'payments.payee_tax_id', 'payments.payee_id',
                        'payments.payee_id_qualifier') }} as payee_provider_key
    from remit_claims
    left join payments
        on remit_claims.payment_id = payments.payment_id

),

candidates as (

    select
        payees.remit_claim_id,
        submitted_claims.claim_id,
        submitted_claims.billing_provider_key,
        case
            when payees.payee_npi = submitted_claims.billing_provider_npi then 1
            when
                payees.payee_tax_id = submitted_claims.billing_provider_tax_id
                and payees.payee_provider_key = submitted_claims.billing_provider_key then 2
            when payees.payee_tax_id = submitted_claims.billing_provider_tax_id then 3
            when payees.payee_npi is null and payees.payee_tax_id is null then 4
        end as match_rank
    from payees
    inner join submitted_claims
        on payees.patient_control_number = submitted_claims.patient_control_number

),

billed_counts as (

    select
        remit_claim_id,
        count(*) as billed_claim_count
    from candidates
    group by remit_claim_id

),

best_ranks as (

    select
        remit_claim_id,
        min(match_rank) as best_rank
    from candidates
    where match_rank is not null
    group by remit_claim_id

),

best_candidates as (

    select
        candidates.remit_claim_id,
        candidates.match_rank,
        min(candidates.claim_id) as claim_id,
        min(candidates.billing_provider_key) as billing_provider_key,
        count(*) as candidate_count
    from candidates
    inner join best_ranks
        on
            candidates.remit_claim_id = best_ranks.remit_claim_id
            and candidates.match_rank = best_ranks.best_rank
    group by candidates.remit_claim_id, candidates.match_rank

),

matched as (

    select
        payees.*,
        coalesce(billed_counts.billed_claim_count, 0) as billed_claim_count,
        coalesce(best_candidates.candidate_count = 1, false) as is_matched,
        best_candidates.match_rank,
        best_candidates.candidate_count,
        best_candidates.claim_id as matched_claim_id,
        best_candidates.billing_provider_key as matched_provider_key
    from payees
    left join billed_counts
        on payees.remit_claim_id = billed_counts.remit_claim_id
    left join best_candidates
        on payees.remit_claim_id = best_candidates.remit_claim_id

),

final as (

    select
        remit_claim_id,
        payment_id,
        patient_control_number,
        payee_npi,
        payee_tax_id,
        payee_provider_key,
        billed_claim_count,
        is_matched,
        case when is_matched then matched_provider_key else payee_provider_key end
            as billing_provider_key,
        case
            when is_matched then matched_claim_id
            else {{ claim_key('payee_provider_key', 'patient_control_number') }}
        end as claim_id,
        case
            when is_matched and match_rank = 1 then 'payee_npi'
            when is_matched and match_rank in (2, 3) then 'payee_tin'
            when is_matched then 'sole_billed_provider'
            when candidate_count > 1 then 'ambiguous'
            when billed_claim_count > 0 then 'other_provider'
            else 'not_billed'
        end as provider_match_method
    from matched

)

select * from final
