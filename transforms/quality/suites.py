"""The three quality suites, written once in Python and saved as the GX project's suite JSON.

    coding_quality  -- coded service lines (encounter extract), before they are billed
    billing_quality -- 837 claims and 835 remittances of the batch just loaded
    publish_checks  -- the built marts, before analysts see them

GX validates one table (one dataframe) per suite, so each logical suite is saved as one GX suite per
table it covers, named `<suite>.<asset>` (e.g. `billing_quality.x835_claims`); the asset is a
dataframe asset of the `rcm` pandas data source and the frame it receives is built by
`transforms.quality.frames` (same asset name).

Every expectation carries `meta = {"check": <name unique in its suite>, "severity": "critical" |
"warning"}` (and GX's own `severity` field set to the same), plus a plain-language `description`
that Data Docs shows. `critical` is for what would make the marts wrong: in the ingestion gate
(null or duplicate row ids, unparseable money, a claim status or CAS group the models cannot
classify) it holds back the files whose rows failed (see `holds`). Coding and billing defects and
business values outside their usual range (an implausible denial rate, a low remittance match
rate) are `warning`: findings to report, flagged row by row, not reasons to stop or hold. Rules of
structure and reconciliation (keys, orphans, money raw -> marts, rates in [0, 1]) are dbt tests,
not checks here: each rule is checked in one system (docs/architecture.md).

Values that change per run are GX suite parameters (`{"$PARAMETER": name}`), supplied by
`transforms.quality.refdata.suite_parameters`: `as_of_date`, `max_units`, `timely_filing_days`,
`match_rate_min` and the code sets read from the dbt seeds (`claim_status_codes`, `cas_group_codes`,
`carc_codes`, `plb_reason_codes`).

Every check also names the team that owns what it finds (`owner`: coding, billing, front_end,
data_engineering; its suite's team unless the check says otherwise -- the NPI check digits are
billing's, the 837's payer is front end's) and the CARCs a payer denies with when the check was
right (`denial_carcs`). Both are in the expectation's meta and in two generated dbt seeds,
`seeds/ref_quality_checks.csv` and `seeds/ref_quality_check_denial_carcs.csv`, which the models
read to split failures by team and to attribute a denial to the check that predicted it.

Regenerate the committed JSON and the two seeds after editing this module:
    .venv/bin/python -m transforms.quality.suites
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

CRITICAL = "critical"
WARNING = "warning"

# Teams that own a check (the revenue-cycle primer's root causes, plus the data team for checks on
# the pipeline's own output). A check's owner defaults to its suite's; `Check.owner` overrides it.
CODING = "coding"
BILLING = "billing"
FRONT_END = "front_end"
DATA = "data_engineering"
OWNERS = (CODING, BILLING, FRONT_END, DATA)
SUITE_OWNERS = {"coding_quality": CODING, "billing_quality": BILLING, "publish_checks": DATA}

SUITES = ("coding_quality", "billing_quality", "publish_checks")
_ID_NAMESPACE = uuid.UUID("6f1d3d0e-5c55-4f0e-9a43-7d1b2f0c9e11")


def param(name: str) -> dict[str, str]:
    """A GX suite parameter reference, resolved at validation time."""
    return {"$PARAMETER": name}


@dataclass(frozen=True)
class Check:
    """One expectation of a suite, in project terms (turned into a GX Expectation by `build`)."""

    name: str
    severity: str
    expectation: str  # GX class name, e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict[str, Any]
    description: str
    offending_column: str | None = None  # column whose value row_failures shows (default: domain)
    owner: str | None = None  # team that fixes what the check finds (default: its suite's, OWNERS)
    denial_carcs: tuple[str, ...] = ()  # CARCs a payer denies with when this check was right

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"check": self.name, "severity": self.severity}
        if self.offending_column:
            meta["offending_column"] = self.offending_column
        if self.owner:
            meta["owner"] = self.owner
        if self.denial_carcs:
            meta["denial_carcs"] = list(self.denial_carcs)
        return meta

    def with_owner(self, owner: str) -> Check:
        return self if self.owner else replace(self, owner=owner)


# ---- helpers that keep the suite listings short -------------------------------------------------


def not_null(column: str, name: str, severity: str, description: str) -> Check:
    return Check(name, severity, "ExpectColumnValuesToNotBeNull", {"column": column}, description)


def unique_by_count(column: str, name: str, description: str) -> Check:
    """Uniqueness across the whole batch: the frame carries `<column>_occurrences` from a window
    count, so the check holds even though GX sees the batch in chunks."""
    return Check(
        name,
        CRITICAL,
        "ExpectColumnValuesToBeBetween",
        {"column": f"{column}_occurrences", "min_value": 1, "max_value": 1},
        description,
        offending_column=column,
    )


def between(column: str, name: str, severity: str, description: str, **bounds: Any) -> Check:
    return Check(
        name, severity, "ExpectColumnValuesToBeBetween", {"column": column, **bounds}, description
    )


def in_set(
    column: str,
    values: Any,
    name: str,
    severity: str,
    description: str,
    offending_column: str | None = None,
) -> Check:
    return Check(
        name,
        severity,
        "ExpectColumnValuesToBeInSet",
        {"column": column, "value_set": values},
        description,
        offending_column,
    )


def code_set(
    column: str, code_set_name: str, name: str, description: str, carcs: tuple[str, ...] = ()
) -> Check:
    return Check(
        name,
        WARNING,
        "ExpectColumnValuesToBeInCodeSet",
        {"column": column, "code_set": code_set_name},
        description,
        denial_carcs=carcs,
    )


def valid_npi(column: str, name: str, description: str) -> Check:
    """An NPI check digit: a billing check (CO-16 with RARC N290 when the payer catches it)."""
    return Check(
        name,
        WARNING,
        "ExpectColumnValuesToBeValidNpi",
        {"column": column},
        description,
        owner=BILLING,
        denial_carcs=("16",),
    )


def billable_icd(column: str, name: str, description: str) -> Check:
    return Check(
        name,
        WARNING,
        "ExpectColumnValuesToBeValidIcd10Cm",
        {"column": column, "billable": True, "service_date_column": "service_date"},
        description,
        denial_carcs=("146",),
    )


def rule_holds(
    column: str, name: str, description: str, carcs: tuple[str, ...], offending: str
) -> Check:
    """A coding rule computed in the frame as a boolean column (null where it does not apply)."""
    return Check(
        name,
        WARNING,
        "ExpectColumnValuesToBeInSet",
        {"column": column, "value_set": [True]},
        description,
        offending,
        denial_carcs=carcs,
    )


def balanced(name: str, level: str) -> Check:
    return in_set(
        "is_balanced",
        [True],
        name,
        WARNING,
        f"The 835 {level} balances (is_balanced); an unbalanced remittance is a finding, "
        "not a reason to stop.",
        offending_column="balance_difference",
    )


# ---- coding_quality ----------------------------------------------------------------------------


def coding_quality_encounter_lines() -> list[Check]:
    checks = [
        not_null(
            "encounter_line_id",
            "encounter_line_id_present",
            CRITICAL,
            "Every coded line has its raw row id.",
        ),
        unique_by_count(
            "encounter_line_id", "encounter_line_id_unique", "Raw row ids are unique in the batch."
        ),
        not_null(
            "claim_id",
            "claim_id_present",
            CRITICAL,
            "Every coded line names its claim (patient control number).",
        ),
        not_null(
            "service_date", "service_date_present", CRITICAL, "Every line has a service date."
        ),
        not_null(
            "charge_amount",
            "charge_amount_present",
            CRITICAL,
            "Every line has a charge amount (parseable money).",
        ),
        replace(
            not_null(
                "diagnosis_code_1",
                "diagnosis_code_1_present",
                WARNING,
                "Every line points to at least one diagnosis.",
            ),
            denial_carcs=("16",),
        ),
    ]
    for i in range(1, 5):
        checks.append(
            billable_icd(
                f"diagnosis_code_{i}",
                f"diagnosis_code_{i}_billable",
                f"Diagnosis {i} is an ICD-10-CM code that exists and is billable for the service "
                "date (empty allowed for 2-4).",
            )
        )
    checks.append(
        code_set(
            "procedure_code",
            "procedure_code",
            "procedure_code_format",
            "Procedure code has CPT or HCPCS Level II format.",
            carcs=("181",),
        )
    )
    for i in range(1, 5):
        checks.append(
            code_set(
                f"modifier_{i}",
                "modifier",
                f"modifier_{i}_valid",
                f"Modifier {i}, when present, is a valid modifier.",
                carcs=("4",),
            )
        )
    checks += [
        between(
            "units",
            "units_plausible",
            WARNING,
            "Units are above 0 and at most the plausible maximum (max_units).",
            min_value=0,
            strict_min=True,
            max_value=param("max_units"),
        ),
        between(
            "charge_amount",
            "charge_amount_positive",
            WARNING,
            "The charge is above 0.",
            min_value=0,
            strict_min=True,
        ),
        between(
            "service_date",
            "service_date_not_after_as_of",
            WARNING,
            "The service date is not after the run's as-of date.",
            max_value=param("as_of_date"),
        ),
        between(
            "patient_age_days_at_service",
            "service_date_not_before_birth",
            WARNING,
            "The service date is not before the patient's birth date (age in days >= 0).",
            min_value=0,
        ),
        code_set(
            "place_of_service_code",
            "place_of_service",
            "place_of_service_valid",
            "The place of service is a valid CMS place-of-service code.",
            carcs=("5", "58"),
        ),
    ]
    return (
        checks
        + coding_quality_modifier_rules()
        + [
            rule_holds(
                "diagnosis_supports_procedure",
                "diagnosis_supports_procedure",
                "At least one diagnosis the line points to is in this project's crosswalk of "
                "diagnoses that can justify the procedure (transforms/codesets/tables/"
                "dx_procedure_support.csv); a procedure the crosswalk does not list is not judged.",
                ("11",),
                "procedure_diagnoses",
            ),
        ]
    )


def coding_quality_modifier_rules() -> list[Check]:
    """Modifiers a payer's edits require, computed per line in the frame (frames.ENCOUNTER_LINES)
    from this project's procedure tables (transforms.codesets.procedure_rules); CARC 4 when the
    payer catches a missing one."""
    carcs = ("4",)
    offending = "procedure_modifiers_place"
    return [
        rule_holds(
            "separate_em_modifier_ok",
            "em_separate_service_modifier_25",
            "An E/M billed in the same coding of an encounter as a procedure, an injection or "
            "immunisation administration, or a preventive E/M carries modifier 25; a preventive "
            "E/M needs 25 only beside a procedure (labs, diagnostic tests and drug or vaccine "
            "products never call for it).",
            carcs,
            offending,
        ),
        rule_holds(
            "repeat_lab_modifier_ok",
            "repeat_lab_modifier_91",
            "A laboratory test billed again in the same coding of an encounter carries modifier 91 "
            "on every repeat (the first line of the code needs none).",
            carcs,
            offending,
        ),
        rule_holds(
            "laterality_modifier_ok",
            "laterality_modifier",
            "A procedure done on one side of the body (listed as 'laterality' in "
            "transforms/codesets/tables/procedure_modifier_requirements.csv) carries RT, LT or 50.",
            carcs,
            offending,
        ),
        rule_holds(
            "telehealth_modifier_ok",
            "telehealth_modifier",
            "An E/M at a telehealth place of service (02, 10) carries 95, GT or 93.",
            carcs,
            offending,
        ),
        rule_holds(
            "component_modifier_ok",
            "professional_component_modifier",
            "A diagnostic test with a professional/technical split (listed as "
            "'professional_component') billed by the physician in a facility (POS 19, 21, 22, 23) "
            "carries 26 or TC.",
            carcs,
            offending,
        ),
        rule_holds(
            "distinct_service_modifier_ok",
            "distinct_service_modifier",
            "A procedure billed with its listed 'distinct_service' partner in the same coding of an "
            "encounter carries 59, XE, XP, XS or XU.",
            carcs,
            offending,
        ),
    ]


# ---- billing_quality ---------------------------------------------------------------------------


def billing_quality_x837_claims() -> list[Check]:
    return [
        unique_by_count(
            "claim_submission_id",
            "claim_submission_id_unique",
            "837 claim row ids are unique in the batch.",
        ),
        not_null(
            "patient_control_number",
            "claim_patient_control_number_present",
            CRITICAL,
            "Every 837 claim has its patient control number (CLM01), the key to remittances.",
        ),
        not_null(
            "billed_amount",
            "claim_billed_amount_present",
            CRITICAL,
            "Every 837 claim has a parseable total charge (CLM02).",
        ),
        Check(
            "claim_total_equals_line_sum",
            WARNING,
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": "billed_amount", "column_B": "line_charge_total"},
            "The claim total (CLM02) equals the sum of its line charges.",
            denial_carcs=("16", "125"),
        ),
        replace(
            not_null(
                "payer_id", "claim_payer_present", WARNING, "Every 837 claim names its payer."
            ),
            owner=FRONT_END,
        ),
        valid_npi(
            "billing_provider_npi",
            "billing_npi_check_digit",
            "The billing provider NPI of the 837 claim (2010AA) passes the check digit.",
        ),
        valid_npi(
            "rendering_provider_npi",
            "rendering_npi_check_digit",
            "The rendering provider NPI of the 837 claim (2310B), when present, passes the check "
            "digit.",
        ),
        Check(
            "submission_on_or_after_service",
            WARNING,
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "submission_date", "column_B": "first_service_date", "or_equal": True},
            "The claim was submitted on or after its first date of service.",
            offending_column="days_service_to_submission",
            denial_carcs=("125",),
        ),
        replace(
            between(
                "days_service_to_submission",
                "submission_within_timely_filing",
                WARNING,
                "The claim was submitted within the timely-filing window (timely_filing_days) "
                "from its first date of service.",
                max_value=param("timely_filing_days"),
            ),
            denial_carcs=("29",),
        ),
        replace(
            between(
                "claim_occurrences",
                "claim_not_duplicated",
                WARNING,
                "No other claim in the batch has the same patient control number and frequency "
                "code.",
                max_value=1,
            ),
            denial_carcs=("18",),
        ),
    ]


def billing_quality_x837_claim_lines() -> list[Check]:
    return [
        unique_by_count(
            "claim_line_id", "claim_line_id_unique", "837 line row ids are unique in the batch."
        ),
        not_null(
            "claim_submission_id",
            "claim_line_claim_present",
            CRITICAL,
            "Every 837 line belongs to a claim.",
        ),
        not_null(
            "billed_amount",
            "claim_line_billed_amount_present",
            CRITICAL,
            "Every 837 line has a parseable charge.",
        ),
        replace(
            not_null(
                "diagnosis_pointer_1",
                "claim_line_diagnosis_pointer_present",
                WARNING,
                "Every 837 line points to at least one diagnosis.",
            ),
            denial_carcs=("16",),
        ),
    ]


def billing_quality_x835_payments() -> list[Check]:
    return [
        unique_by_count("payment_id", "payment_id_unique", "835 payment row ids are unique."),
        not_null(
            "payment_amount",
            "payment_amount_present",
            CRITICAL,
            "Every 835 transaction has a parseable payment amount (BPR02).",
        ),
        not_null("payer_id", "payment_payer_present", WARNING, "Every 835 names its payer."),
        balanced("transaction_balanced", "transaction (BPR02 = sum CLP04 - sum PLB)"),
    ]


def billing_quality_x835_claims() -> list[Check]:
    return [
        unique_by_count("remit_claim_id", "remit_claim_id_unique", "835 claim row ids are unique."),
        not_null(
            "patient_control_number",
            "remit_patient_control_number_present",
            CRITICAL,
            "Every 835 claim has its patient control number (CLP01).",
        ),
        not_null(
            "billed_amount",
            "remit_billed_amount_present",
            CRITICAL,
            "Every 835 claim has a parseable charge (CLP03).",
        ),
        not_null(
            "paid_amount",
            "remit_paid_amount_present",
            CRITICAL,
            "Every 835 claim has a parseable payment (CLP04).",
        ),
        in_set(
            "claim_status_code",
            param("claim_status_codes"),
            "claim_status_code_valid",
            CRITICAL,
            "CLP02 is a known claim status code (it decides paid, denied or reversed); an unknown "
            "one holds the file back until the code set knows it.",
        ),
        balanced("remit_claim_balanced", "claim (CLP03 - CAS = CLP04)"),
        in_set(
            "has_submitted_claim",
            [True],
            "remit_claim_matches_submitted_claim",
            WARNING,
            "The remittance's CLP01 matches a submitted 837 claim (any batch).",
            offending_column="patient_control_number",
        ),
    ]


def billing_quality_x835_service_lines() -> list[Check]:
    return [
        unique_by_count("remit_line_id", "remit_line_id_unique", "835 line row ids are unique."),
        not_null(
            "remit_claim_id",
            "remit_line_claim_present",
            CRITICAL,
            "Every 835 service line belongs to a CLP.",
        ),
        not_null(
            "paid_amount",
            "remit_line_paid_amount_present",
            CRITICAL,
            "Every 835 service line has a parseable payment (SVC03).",
        ),
        balanced("remit_line_balanced", "service line (SVC02 - CAS = SVC03)"),
    ]


def billing_quality_x835_adjustments() -> list[Check]:
    return [
        unique_by_count("adjustment_id", "adjustment_id_unique", "CAS row ids are unique."),
        not_null(
            "adjustment_amount",
            "adjustment_amount_present",
            CRITICAL,
            "Every CAS triple has a parseable amount.",
        ),
        in_set(
            "group_code",
            param("cas_group_codes"),
            "cas_group_code_valid",
            CRITICAL,
            "The CAS group code is known (CO, PR, OA, PI, CR): it decides contractual vs patient "
            "responsibility; an unknown one holds the file back until the code set knows it.",
        ),
        in_set(
            "reason_code",
            param("carc_codes"),
            "carc_valid",
            WARNING,
            "The claim adjustment reason code (CARC) is known.",
        ),
    ]


def billing_quality_x835_provider_adjustments() -> list[Check]:
    return [
        unique_by_count(
            "provider_adjustment_id", "provider_adjustment_id_unique", "PLB row ids are unique."
        ),
        not_null(
            "provider_adjustment_amount",
            "provider_adjustment_amount_present",
            CRITICAL,
            "Every PLB pair has a parseable amount.",
        ),
        in_set(
            "provider_adjustment_reason_code",
            param("plb_reason_codes"),
            "plb_reason_code_valid",
            WARNING,
            "The PLB adjustment reason code is known.",
        ),
    ]


def billing_quality_patient_payments() -> list[Check]:
    """The optional patient-payments extract (only when the batch has one)."""
    return [
        not_null(
            "amount",
            "patient_payment_amount_present",
            CRITICAL,
            "Every patient payment posting has a parseable amount (DECIMAL dollars).",
        ),
        between(
            "payment_date",
            "patient_payment_date_not_after_as_of",
            WARNING,
            "The patient payment is not dated after the run's as-of date (a later posting is "
            "loaded, and counted once the as-of date reaches it).",
            max_value=param("as_of_date"),
        ),
    ]


def billing_quality_remit_match_summary() -> list[Check]:
    return [
        between(
            "remit_match_rate",
            "remit_match_rate_above_minimum",
            WARNING,
            "For each 835 file and payer of the batch, the share of its distinct CLP01 values "
            "found in submitted 837 claims (any batch) is at least match_rate_min; a file of "
            "remittances for claims never billed here is named, not a reason to stop.",
            min_value=param("match_rate_min"),
            max_value=1,
        ),
    ]


# ---- publish_checks ----------------------------------------------------------------------------
# Only what dbt does not check: a business value outside its usual range. The marts' structure
# (keys unique and present, no orphan lines), their reconciliation to raw (per 835 file, to the
# cent) and rates in [0, 1] are dbt tests beside the models (docs/architecture.md, "Where each rule
# is checked"); a failing error-severity test fails `dbt build`, and nothing publishes.


def publish_checks_rpt_kpis_monthly() -> list[Check]:
    return [
        between(
            "all_payers_initial_denial_rate",
            "initial_denial_rate_plausible",
            WARNING,
            "The all-payer initial denial rate of each month is within 0-50%.",
            min_value=0,
            max_value=0.5,
        ),
    ]


SUITE_CHECKS: dict[str, Callable[[], list[Check]]] = {
    "coding_quality.encounter_lines": coding_quality_encounter_lines,
    "billing_quality.x837_claims": billing_quality_x837_claims,
    "billing_quality.x837_claim_lines": billing_quality_x837_claim_lines,
    "billing_quality.x835_payments": billing_quality_x835_payments,
    "billing_quality.x835_claims": billing_quality_x835_claims,
    "billing_quality.x835_service_lines": billing_quality_x835_service_lines,
    "billing_quality.x835_adjustments": billing_quality_x835_adjustments,
    "billing_quality.x835_provider_adjustments": billing_quality_x835_provider_adjustments,
    "billing_quality.remit_match_summary": billing_quality_remit_match_summary,
    "billing_quality.patient_payments": billing_quality_patient_payments,
    "publish_checks.rpt_kpis_monthly": publish_checks_rpt_kpis_monthly,
}


def suite_checks(gx_suite_name: str) -> list[Check]:
    """The checks of one `<suite>.<asset>`, each with its owner (the suite's unless overridden)."""
    owner = SUITE_OWNERS[split_name(gx_suite_name)[0]]
    return [check.with_owner(owner) for check in SUITE_CHECKS[gx_suite_name]()]


def split_name(gx_suite_name: str) -> tuple[str, str]:
    """'billing_quality.x835_claims' -> ('billing_quality', 'x835_claims')."""
    suite, _, asset = gx_suite_name.partition(".")
    return suite, asset


def gx_suite_names(suite: str) -> list[str]:
    return [name for name in SUITE_CHECKS if split_name(name)[0] == suite]


def stable_id(*parts: str) -> str:
    """Deterministic ids, so regenerating the JSON changes nothing unless a check changed."""
    return str(uuid.uuid5(_ID_NAMESPACE, ".".join(parts)))


def build_suite(gx_suite_name: str) -> Any:
    """The GX ExpectationSuite for one `<suite>.<asset>` (imports GX)."""
    from transforms.quality.gx_context import import_gx

    gx = import_gx()
    import great_expectations.expectations as gxe

    from transforms.quality import expectations as custom

    logical, asset = split_name(gx_suite_name)
    expectations = []
    for check in suite_checks(gx_suite_name):
        cls = getattr(custom, check.expectation, None) or getattr(gxe, check.expectation)
        expectations.append(
            cls(
                meta=check.meta(),
                severity=check.severity,
                description=check.description,
                **check.kwargs,
            )
        )
    suite = gx.ExpectationSuite(
        name=gx_suite_name,
        expectations=expectations,
        meta={"suite": logical, "asset": asset, "generated_by": "transforms.quality.suites"},
    )
    # GX refuses ids on expectations it did not attach itself; set stable ones afterwards.
    suite.id = stable_id(gx_suite_name)
    for expectation in suite.expectations:
        expectation.id = stable_id(gx_suite_name, expectation.meta["check"])
    return suite


def suite_json(gx_suite_name: str) -> str:
    """The suite as the JSON text committed under expectations/expectations/ (stable ids)."""
    return json.dumps(build_suite(gx_suite_name).to_json_dict(), indent=2, sort_keys=True) + "\n"


def suite_path(context_root: Path, gx_suite_name: str) -> Path:
    """The file GX's expectations store keeps a suite in: `<suite>.<asset>` -> `<suite>/<asset>.json`."""
    suite, asset = split_name(gx_suite_name)
    return context_root / "expectations" / suite / f"{asset}.json"


def write_suites(context_root: Path) -> list[Path]:
    """Write every suite's JSON into the file context at `context_root`; return the paths."""
    written = []
    for name in SUITE_CHECKS:
        target = suite_path(context_root, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(suite_json(name))
        written.append(target)
    return written


# ---- the checks as dbt seeds: owner and predicted denials, for the models ----------------------

CHECKS_SEED = "ref_quality_checks.csv"
CHECK_CARCS_SEED = "ref_quality_check_denial_carcs.csv"


def seed_texts() -> dict[str, str]:
    """The two seeds generated from the suites (CSV text by file name): one row per check
    (`check_name` as quality.row_failures spells it: '<suite>.<check>'), and one row per check x
    CARC it predicts."""
    checks = ["check_name,suite,gx_suite,owner_team,severity"]
    carcs = ["check_name,carc_code"]
    for gx_suite in SUITE_CHECKS:
        suite = split_name(gx_suite)[0]
        for check in suite_checks(gx_suite):
            name = f"{suite}.{check.name}"
            checks.append(f"{name},{suite},{gx_suite},{check.owner},{check.severity}")
            carcs += [f"{name},{carc}" for carc in check.denial_carcs]
    return {CHECKS_SEED: "\n".join(checks) + "\n", CHECK_CARCS_SEED: "\n".join(carcs) + "\n"}


def write_seeds(seeds: Path) -> list[Path]:
    written = []
    for file_name, text in seed_texts().items():
        (seeds / file_name).write_text(text)
        written.append(seeds / file_name)
    return written


def main() -> None:  # pragma: no cover - maintenance command
    from transforms import settings
    from transforms.quality.gx_context import CONTEXT_ROOT

    for path in write_suites(CONTEXT_ROOT):
        print(f"wrote {path.relative_to(CONTEXT_ROOT.parent)}")
    for path in write_seeds(settings.PROJECT_ROOT / "seeds"):
        print(f"wrote {path.relative_to(settings.PROJECT_ROOT)}")


if __name__ == "__main__":  # pragma: no cover
    main()
