"""The committed GX project matches the suites written in Python, and the suites are well formed.

GIVEN transforms.quality.suites (the source) and expectations/ (the committed file context)
WHEN  the suites are generated and the context is opened
THEN  the JSON is identical, every check has a unique name and a severity, and every suite's
      dataframe asset exists in great_expectations.yml.
"""

from __future__ import annotations

import yaml

from transforms.quality import suites
from transforms.quality.gx_context import CONTEXT_ROOT


def test_committed_suite_json_is_what_the_python_generates():
    for name in suites.SUITE_CHECKS:
        path = suites.suite_path(CONTEXT_ROOT, name)
        assert path.read_text() == suites.suite_json(name), (
            f"{path} is stale: run `.venv/bin/python -m transforms.quality.suites`"
        )


def test_check_names_unique_per_suite_and_severities_sensible():
    for suite in suites.SUITES:
        names = [c.name for n in suites.gx_suite_names(suite) for c in suites.SUITE_CHECKS[n]()]
        assert len(names) == len(set(names)), suite
    for name, make in suites.SUITE_CHECKS.items():
        for check in make():
            assert check.severity in (suites.CRITICAL, suites.WARNING), (name, check.name)
    # unbalanced remittances, coding defects and business values outside their usual range are
    # findings, not stops (keys and reconciliation are dbt tests, see test_gate_publish)
    severity = {c.name: c.severity for n in suites.SUITE_CHECKS for c in suites.SUITE_CHECKS[n]()}
    assert severity["transaction_balanced"] == severity["diagnosis_code_1_billable"] == "warning"
    assert severity["initial_denial_rate_plausible"] == "warning"
    assert severity["remit_match_rate_above_minimum"] == "warning"
    assert severity["encounter_line_id_unique"] == severity["payment_amount_present"] == "critical"
    # code sets that decide how a remittance's money is classified hold the file back
    assert severity["claim_status_code_valid"] == severity["cas_group_code_valid"] == "critical"


def test_every_suite_has_its_asset_in_the_committed_context():
    config = yaml.safe_load((CONTEXT_ROOT / "great_expectations.yml").read_text())
    assets = set(config["fluent_datasources"]["rcm"]["assets"])
    assert {suites.split_name(n)[1] for n in suites.SUITE_CHECKS} == assets
    assert config["data_docs_sites"]["local_site"]["store_backend"]["base_directory"] == (
        "${RCM_QUALITY_DOCS_DIR}"
    )


def test_suites_load_from_the_file_context_with_their_meta(tmp_path):
    from transforms.quality.gx_context import open_context

    context = open_context(tmp_path)
    suite = context.suites.get("coding_quality.encounter_lines")
    meta = {e.meta["check"]: e.meta for e in suite.expectations}
    assert meta["diagnosis_supports_procedure"]["owner"] == "coding"
    assert meta["diagnosis_supports_procedure"]["denial_carcs"] == ["11"]
    billing = context.suites.get("billing_quality.x837_claims")
    billing_meta = {e.meta["check"]: e.meta for e in billing.expectations}
    # the NPI check digit is a billing check on the 837 (CO-16), not a coding one
    assert billing_meta["rendering_npi_check_digit"]["severity"] == "warning"
    assert billing_meta["rendering_npi_check_digit"]["owner"] == "billing"
    assert "rendering_npi_check_digit" not in meta
    assert type(suite.expectations[0]).__name__ == "ExpectColumnValuesToNotBeNull"
    assert {type(e).__name__ for e in suite.expectations} >= {
        "ExpectColumnValuesToBeValidIcd10Cm",
        "ExpectColumnValuesToBeInCodeSet",
    }


def test_committed_check_seeds_match_the_suites():
    # GIVEN the suites WHEN their seeds are generated THEN the committed seeds are the same text
    from transforms import settings

    for file_name, text in suites.seed_texts().items():
        path = settings.PROJECT_ROOT / "seeds" / file_name
        assert path.read_text() == text, (
            f"{path} is stale: run `python -m transforms.quality.suites`"
        )


def test_every_check_has_an_owner_and_modifier_checks_predict_carc_4():
    owners = {}
    for name in suites.SUITE_CHECKS:
        for check in suites.suite_checks(name):
            assert check.owner in suites.OWNERS, (name, check.name)
            owners[check.name] = (check.owner, check.denial_carcs)
    assert owners["billing_npi_check_digit"] == ("billing", ("16",))
    assert owners["em_separate_service_modifier_25"] == ("coding", ("4",))
    assert owners["laterality_modifier"][1] == ("4",)
    assert owners["diagnosis_code_1_billable"] == ("coding", ("146",))
    assert owners["claim_payer_present"][0] == "front_end"
