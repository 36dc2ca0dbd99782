"""Definitions of every measure the report shows, with the mart column that holds it.

Taken from the revenue-cycle primer (docs: revenue-cycle.md) and the reporting marts' YAML
(models/marts/reporting/_reporting__models.yml and the `kpi_definitions` doc block). A test checks
that every rate and amount column of `rpt_kpis_monthly` named in that YAML has a definition here, so
the report's glossary cannot silently fall behind the marts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    measure: str
    definition: str
    source: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Denial work queue",
        "Billed claims whose denial still stands, is not written off (within 120 days of the "
        "latest remittance), was not overturned and whose appeal deadline has not passed, ranked "
        "by recoverable dollars (the denied balance still in A/R). Appeal deadline = date of the "
        "latest remittance + the payer's appeal window; corrected claim by = first date of "
        "service + the payer's timely-filing days (seed payer_settings, with the source of each "
        "number; a DEFAULT row for payers without one). P1: deadline within 14 days, P2: within "
        "30. Team: owner of the failed pre-submission check the denial is attributed to, else the "
        "team of the denial's root cause (unclassified: billing).",
        "rpt_denial_work_queue (recoverable_amount, appeal_deadline_date, days_left, priority, "
        "owning_team)",
    ),
    Definition(
        "Targets and benchmarks",
        "Each target and published benchmark range, with its source, is one row of seed "
        "kpi_targets: initial denial rate < 5 % (benchmarks 10-15 %), clean claims >= 95 %, "
        "first-pass resolution >= 90 %, net collection >= 95 %, A/R > 90 days < 20 % (industry "
        "convention 15-20 %). Days to payment has no published target in the primer.",
        "ref.kpi_targets",
    ),
    Definition(
        "Mature month (headline month)",
        "A month is mature once 60 days (dbt var mature_after_days) have passed since its last "
        "day and at least 90% (mature_adjudicated_share) of the claims first submitted in it have "
        "an adjudication: its claims have had time to be adjudicated and appealed. The headline "
        "is the latest mature month; immature months are shown in every trend, marked "
        "\u201cimmature\u201d, and never headlined.",
        "rpt_kpis_monthly.is_mature, days_since_month_end, adjudicated_share = "
        "claims_submitted_adjudicated / claims_submitted",
    ),
    Definition(
        "Initial denial rate (claims)",
        "Claims with at least one line denied on their first adjudication, in full or in part, "
        "divided by claims adjudicated in the month (month of the first adjudication; HFMA). A "
        "full denial is CLP02 = 4, a claim without service lines denied, or every line denied; a "
        "partial denial has some lines denied and others not. A line is denied when paid nothing "
        "with CO/OA/PI adjustments whose CARC is a denial; a zero payment caused only by "
        "patient-responsibility (PR) adjustments such as a deductible is not a denial. Goal: "
        "under 5%; published benchmarks put initial denials at about 10-15% of claims.",
        "rpt_kpis_monthly.initial_denial_rate = claims_initially_denied / claims_adjudicated; "
        "initial_denial_rate_full, initial_denial_rate_partial (claims_initially_denied_full, "
        "_partial / claims_adjudicated)",
    ),
    Definition(
        "Initial denial rate (lines)",
        "Billed claim lines denied on their claim's first adjudication divided by the billed "
        "lines of the month's adjudicated claims (HFMA's claim-line level).",
        "rpt_kpis_monthly.initial_line_denial_rate = lines_initially_denied / lines_adjudicated",
    ),
    Definition(
        "Initial denial rate (dollars)",
        "Dollars denied on the first adjudication (partial denials included) divided by the "
        "billed dollars adjudicated (CLP03 of the first adjudications in the month).",
        "rpt_kpis_monthly.initial_denial_rate_dollars = initial_denied_amount / "
        "adjudicated_billed_amount",
    ),
    Definition(
        "Final denial rate",
        "Denied dollars never recovered as of the run date divided by the claims' billed amount "
        "(837 CLM02) of the month's adjudicated claims: the denial write-off. Also as a share of "
        "net revenue (billed minus contractual adjustments), as HFMA reports denial write-offs.",
        "rpt_kpis_monthly.final_denial_rate = final_denied_amount / billed_amount; "
        "final_denial_rate_net_revenue = final_denied_amount / (billed_amount - "
        "contractual_adjustment_amount)",
    ),
    Definition(
        "Denial overturn rate / denied dollars recovered",
        "Initially denied claims whose denied amount was later paid or moved to patient "
        "responsibility, in full (nothing left denied) or in part, divided by initially denied "
        "claims; the dollars recovered are the initially denied minus the still denied dollars.",
        "rpt_kpis_monthly.denial_overturn_rate = claims_overturned / claims_initially_denied; "
        "claims_overturned_full, claims_overturned_partial, overturned_amount",
    ),
    Definition(
        "Clean-claim rate",
        "Claims that passed every pre-submission edit (no coding-check failure on their coded "
        "lines, no billing-check failure on their 837 rows, as recorded by the quality gates) "
        "divided by claims first submitted in the month. Target: 95% or more.",
        "rpt_kpis_monthly.clean_claim_rate = clean_claims / claims_submitted",
    ),
    Definition(
        "First-pass resolution rate",
        "Claims paid or moved to patient responsibility on their first remittance divided by "
        "claims adjudicated. Target: 90% or more.",
        "rpt_kpis_monthly.first_pass_resolution_rate = claims_first_pass_resolved / "
        "claims_adjudicated",
    ),
    Definition(
        "Payer net collection rate",
        "What the payers paid of what they owed: payer payments (net of reversals, every payer) "
        "plus the cash effect of provider-level adjustments (PLB: interest adds, recoupments and "
        "withholds subtract) divided by charges minus contractual adjustments (CO adjustments "
        "whose CARC is not a denial) minus patient responsibility (what the last payer left to "
        "the patient). The MGMA/HFMA net collection rate without the patients' share; shown, "
        "and labelled so, when the warehouse has no patient-payments feed. It can exceed 100% "
        "when earlier balances are recovered.",
        "rpt_kpis_monthly.payer_net_collection_rate = (paid_amount + "
        "provider_adjustment_cash_amount) / (billed_amount - contractual_adjustment_amount - "
        "patient_responsibility_amount)",
    ),
    Definition(
        "Net collection rate (full)",
        "Payer and patient payments (net of reversals and refunds, plus PLB cash) divided by "
        "charges minus contractual adjustments (MGMA/HFMA; target 95% or more). Empty when the "
        "warehouse has no patient-payments feed; the report then headlines the payer net "
        "collection rate instead and says so.",
        "rpt_kpis_monthly.net_collection_rate = (paid_amount + provider_adjustment_cash_amount + "
        "patient_paid_amount) / (billed_amount - contractual_adjustment_amount), when present",
    ),
    Definition(
        "Days to payment",
        "Days from the claim's first submission to the payment date of the first remittance that "
        "paid it; the median and mean are over the month's adjudicated claims that have both "
        "dates. The distribution counts the same claims for the whole window.",
        "rpt_kpis_monthly.median_days_to_payment, mean_days_to_payment; fct_claims.days_to_payment",
    ),
    Definition(
        "Claims adjudicated / submitted",
        "Claims whose first adjudication (first non-reversal remittance, the claim's own payer "
        "first) falls in the month; claims whose first 837 submission falls in the month.",
        "rpt_kpis_monthly.claims_adjudicated, claims_submitted",
    ),
    Definition(
        "Billed dollars adjudicated",
        "Total charge (CLP03) of the claims' first adjudications in the month.",
        "rpt_kpis_monthly.adjudicated_billed_amount",
    ),
    Definition(
        "Paid / PLB cash / contractual adjustment / patient responsibility",
        "Net payer payments on the month's adjudicated claims over every counted remittance "
        "(reversals subtract), and the part paid by a payer after the first of the claim's "
        "sequence; the cash effect of provider-level adjustments (PLB) in payments dated in the "
        "month; net CO adjustments with a non-denial CARC (the negotiated write-off); what the "
        "last payer of each claim left to the patient (never a sum over payers).",
        "rpt_kpis_monthly.paid_amount, secondary_paid_amount, provider_adjustment_cash_amount, "
        "contractual_adjustment_amount, patient_responsibility_amount",
    ),
    Definition(
        "Denial root cause",
        "Who has to fix a denial, from the CARC with the largest denied amount on the line: coding "
        "(coders: modifier, code vs age/sex/place of service, diagnosis vs procedure, bundling), "
        "billing (billers: missing information, duplicates, timely filing, submission errors), "
        "front end (registration and patient access: eligibility, coverage dates, authorization, "
        "referral), clinical (clinicians and utilisation review: medical necessity, "
        "non-covered, experimental) or unclassified: a denial CARC that names no cause (A1 "
        "\u201cclaim denied\u201d, 193, or a code missing from the reference list), to be read "
        "with its remark codes. Other covers the remaining CARCs.",
        "rpt_denials.denial_root_cause (ref_carc_codes.root_cause)",
    ),
    Definition(
        "Denied lines / denied dollars",
        "Billed claim lines denied on their first adjudication, each counted once under its "
        "dominant denial CARC, and their initially denied dollars. A claim denied without "
        "service lines counts against each of its lines.",
        "rpt_denials.denied_lines, denied_amount",
    ),
    Definition(
        "Still denied",
        "Of the initially denied dollars, those not recovered as of the run date.",
        "rpt_denials.still_denied_amount",
    ),
    Definition(
        "Failed a coding check",
        "Lines whose coded service failed a pre-submission coding check (quality suite "
        "coding_quality) and the denied dollars on them; the share is those dollars (or lines) "
        "divided by all denied dollars (lines) in the row. It ties coding quality to money lost.",
        "rpt_denials.lines_failed_coding_check, failed_coding_check_denied_amount",
    ),
    Definition(
        "Remark codes (RARC)",
        "Remittance advice remark codes sent with the line's first adjudication. A line with two "
        "remark codes counts under both, so RARC rows do not add up to the denial total.",
        "fct_claim_lines.initial_remark_codes",
    ),
    Definition(
        "A/R aging",
        "Accounts receivable as of the run date: every billed dollar not yet paid or written off "
        "(HFMA) -- the insurance balance (not yet adjudicated, pending review, or a difference "
        "the remittances leave unexplained), denied balances still appealable (within 120 days "
        "of the last remittance) and patient balances (what the last payer left to the patient, "
        "less patient payments). Age = days from first submission to the as-of date, in buckets "
        "0-30, 31-60, 61-90, 91-120 and over 120 days.",
        "rpt_ar_aging.open_claims, insurance_balance_amount, denied_balance_amount, "
        "patient_balance_amount, ar_balance_amount",
    ),
    Definition(
        "A/R > 90 days",
        "HFMA: billed A/R older than 90 days divided by total billed A/R, as of the run date. "
        "The report holds it to under 20%, a common industry benchmark (not an HFMA standard).",
        "rpt_ar_aging: sum(ar_balance_amount) where is_over_90_days / sum(ar_balance_amount)",
    ),
    Definition(
        "Data quality",
        "Great Expectations gates run by the nightly job: the ingestion gate (coding and billing "
        "checks on the new files) and the publish gate (checks on the marts). A critical failure "
        "stops the run before publishing; warnings are recorded and the run publishes with "
        "warnings.",
        "quality.validation_runs, quality.expectation_results, quality.row_failures",
    ),
)
