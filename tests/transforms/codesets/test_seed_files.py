"""dbt seeds of the code sets: shape, text-typed codes, allowed values, documented source/version."""

from __future__ import annotations

import csv
import re

import pytest
import yaml

from transforms.codesets.seeds import SEED_NAMES, SEEDS_DIR, read_seed, seed_infos

EXPECTED_COLUMNS = {
    "ref_carc_codes": ["carc_code", "description", "root_cause", "is_denial"],
    "ref_place_of_service_codes": ["place_of_service_code", "description"],
    "ref_modifiers": ["modifier_code", "description", "modifier_type"],
    "ref_claim_filing_indicators": ["claim_filing_indicator_code", "description", "payer_category"],
    "ref_claim_status_codes": [
        "claim_status_code",
        "description",
        "is_denial_status",
        "is_reversal",
        "payer_sequence",
    ],
    "ref_cas_group_codes": ["group_code", "description"],
    "ref_plb_reason_codes": ["plb_reason_code", "description"],
    "ref_rarc_codes": ["rarc_code", "description"],
}
ROOT_CAUSES = {
    "coding",
    "billing",
    "front_end",
    "clinical",
    "unclassified",
    "contractual",
    "patient_responsibility",
    "prior_payer",
    "duplicate",
    "pending",
    "other",
}
# seeds changed since the first release (bump meta.version whenever a file changes)
SEED_VERSIONS = {
    **dict.fromkeys(SEED_NAMES, "2026.11.1"),
    "ref_carc_codes": "2026.11.2",
    "ref_rarc_codes": "2026.11.2",
}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_has_its_columns_unique_codes_and_descriptions(name):
    # GIVEN a seed file WHEN read THEN its header is as documented, codes unique, text present
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == EXPECTED_COLUMNS[name]
    rows = read_seed(name)
    codes = [row[header[0]] for row in rows]
    assert rows and len(codes) == len(set(codes))
    assert all(code.strip() == code and code for code in codes)
    assert all(row["description"].strip() for row in rows)


def test_seed_yml_types_every_code_column_as_text_and_records_source_and_version():
    # GIVEN seeds/_seeds.yml
    document = yaml.safe_load((SEEDS_DIR / "_seeds.yml").read_text())
    described = {seed["name"]: seed for seed in document["seeds"]}
    # THEN every seed is described, its code column is text ("string": varchar on DuckDB, string on
    # Spark, so a code with a leading zero keeps it on both engines), and meta names source + version
    assert set(described) == set(SEED_NAMES)
    for name, columns in EXPECTED_COLUMNS.items():
        config = described[name]["config"]
        assert config["column_types"][columns[0]] == "string", name
        assert set(config["column_types"]) == set(columns), name
        assert described[name]["description"].strip()
    assert {info.name: info.version for info in seed_infos()} == SEED_VERSIONS


def test_leading_zeros_survive_in_place_of_service_and_status_codes():
    pos = [row["place_of_service_code"] for row in read_seed("ref_place_of_service_codes")]
    assert {"01", "02", "09", "11", "21", "22", "23"} <= set(pos)
    assert all(re.fullmatch(r"\d\d", code) for code in pos)
    statuses = {row["claim_status_code"] for row in read_seed("ref_claim_status_codes")}
    assert statuses == {"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"}


def test_carc_seed_values_are_in_their_domains():
    rows = read_seed("ref_carc_codes")
    assert {row["root_cause"] for row in rows} == ROOT_CAUSES
    assert {row["is_denial"] for row in rows} == {"true", "false"}
    assert len(rows) >= 100


def test_claim_status_flags():
    rows = {row["claim_status_code"]: row for row in read_seed("ref_claim_status_codes")}
    assert [c for c, r in rows.items() if r["is_denial_status"] == "true"] == ["4"]
    assert [c for c, r in rows.items() if r["is_reversal"] == "true"] == ["22"]
    assert {c: r["payer_sequence"] for c, r in rows.items() if r["payer_sequence"]} == {
        "1": "1",
        "2": "2",
        "3": "3",
        "19": "1",
        "20": "2",
        "21": "3",
    }


def test_filing_indicators_and_groups_cover_what_the_835_uses():
    filing = {
        row["claim_filing_indicator_code"] for row in read_seed("ref_claim_filing_indicators")
    }
    assert {"MA", "MB", "MC", "CI", "BL", "HM", "16", "ZZ"} <= filing
    groups = {row["group_code"] for row in read_seed("ref_cas_group_codes")}
    assert groups == {"CO", "PR", "OA", "PI", "CR"}
    plb = {row["plb_reason_code"] for row in read_seed("ref_plb_reason_codes")}
    assert {"WO", "L6", "FB", "CS", "72"} <= plb


def test_no_seed_mentions_a_cpt_code():
    # GIVEN every seed description WHEN searched for a CPT-shaped code THEN none appears
    for name in SEED_NAMES:
        for row in read_seed(name):
            assert not re.search(r"\b\d{4}[0-9FTU]\b", row["description"]), (name, row)
