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
        "Initial denial rate (claims)",
        "Claims denied on their first adjudication divided by claims adjudicated in the month "
        "(month of the first adjudication). A claim is denied when CLP02 = 4, or when it was paid "
        "nothing with CO/OA/PI adjustments whose CARC is a denial; a zero payment caused only by "
        "patient-responsibility (PR) adjustments such as a deductible is not a denial.",
        "rpt_kpis_monthly.initial_denial_rate = claims_initially_denied / claims_adjudicated",
    ),
    Definition(
        "Initial denial rate (dollars)",
        "Dollars denied on the first adjudication (denial adjustments of denied lines, plus "
        "claim-level denial adjustments of a denied claim; partial denials included) divided by "
        "the billed dollars adjudicated (CLP03 of the first adjudication).",
        "rpt_kpis_monthly.initial_denial_rate_dollars = initially_denied_amount / "
        "billed_amount_adjudicated",
    ),
    Definition(
        "Final denial rate",
        "Denied dollars never recovered as of the run date (the denied amount of the claim's latest "
        "effective adjudication) divided by the billed dollars adjudicated: the denial write-off.",
        "rpt_kpis_monthly.final_denial_rate = final_denied_amount / billed_amount_adjudicated",
    ),
    Definition(
        "Denial overturn rate",
        "Initially denied claims that were later paid (final status paid or partially paid) "
        "divided by initially denied claims.",
        "rpt_kpis_monthly.denial_overturn_rate = claims_overturned / claims_initially_denied",
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
        "Net collection rate",
        "Payments (net of reversals, every payer) divided by charges minus contractual "
        "adjustments (CO adjustments whose CARC is not a denial). Target: 95% or more; it can "
        "exceed 100% when earlier balances are recovered.",
        "rpt_kpis_monthly.net_collection_rate = paid_amount / (billed_amount_adjudicated - "
        "contractual_adjustment_amount)",
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
        "rpt_kpis_monthly.billed_amount_adjudicated",
    ),
    Definition(
        "Paid / contractual adjustment",
        "Net payments over every counted remittance (reversals subtract); net CO adjustments with "
        "a non-denial CARC (the negotiated write-off).",
        "rpt_kpis_monthly.paid_amount, contractual_adjustment_amount",
    ),
    Definition(
        "Denial root cause",
        "Who has to fix a denial, from the CARC with the largest denied amount on the line: coding "
        "(coders: modifier, code vs age/sex/place of service, diagnosis vs procedure, bundling), "
        "billing (billers: missing information, duplicates, timely filing, submission errors), "
        "front end (registration and patient access: eligibility, coverage dates, authorization, "
        "referral) or clinical (clinicians and utilisation review: medical necessity, "
        "non-covered, experimental). Other covers the remaining CARCs.",
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
        "rpt_denials.lines_failed_coding_check, denied_amount_failed_coding_check",
    ),
    Definition(
        "Remark codes (RARC)",
        "Remittance advice remark codes sent with the line's first adjudication. A line with two "
        "remark codes counts under both, so RARC rows do not add up to the denial total.",
        "fct_claim_lines.initial_remark_codes",
    ),
    Definition(
        "A/R aging",
        "Open accounts receivable as of the run date: submitted claims with no counted "
        "remittance, or whose every payment was reversed; balance = billed minus net paid; age = "
        "days from first submission to the as-of date, in buckets 0-30, 31-60, 61-90, 91-120 and "
        "over 120 days.",
        "rpt_ar_aging.open_claims, open_balance_amount",
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
