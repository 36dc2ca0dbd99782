"""The encounter extract: the contract's columns, formats, re-coding, and agreement with the 837."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from decimal import Decimal

from transforms.contracts import ENCOUNTER_COLUMN_NAMES


def test_header_is_the_contract_in_order(feed):
    for path in sorted((feed.landing / "encounters").glob("*.csv")):
        assert re.fullmatch(r"encounters_\d{8}\.csv", path.name)
        with path.open(newline="", encoding="utf-8") as handle:
            assert tuple(next(csv.reader(handle))) == ENCOUNTER_COLUMN_NAMES


def test_values_are_well_formed(feed):
    rows = feed.encounter_rows
    assert len(rows) == feed.summary["encounter_rows"]
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["service_date"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["patient_birth_date"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", row["coded_at"])
        assert re.fullmatch(r"\d+\.\d{2}", row["charge_amount"])  # money: two decimals
        assert row["patient_sex"] in ("F", "M", "U")
        assert row["diagnosis_code_1"]
        # the file is the coding day
        assert row["_file"] == f"encounters_{row['coded_at'][:10].replace('-', '')}.csv"
        assert row["coded_at"][:10] >= row["service_date"]


def _final_versions(rows):
    versions = defaultdict(list)
    for row in rows:
        versions[(row["claim_id"], row["line_number"])].append(row)
    final = {key: max(found, key=lambda r: r["coded_at"]) for key, found in versions.items()}
    return final, versions


def test_recoded_encounters_appear_again_in_a_later_file(feed):
    _, versions = _final_versions(feed.encounter_rows)
    recoded = {claim for (claim, _), found in versions.items() if len(found) > 1}
    assert recoded and len(recoded) == feed.summary["recoded_claims"]
    for found in versions.values():
        if len(found) > 1:
            first, last = sorted(found, key=lambda r: r["coded_at"])
            assert first["_file"] < last["_file"] and first["encounter_id"] == last["encounter_id"]


def test_837_bills_the_final_coding(feed):
    final, versions = _final_versions(feed.encounter_rows)
    differs = 0
    for claim in feed.claims_837:
        for number, line in enumerate(claim.lines, start=1):
            row = final[(claim.claim_id, str(number))]
            mods = [row[f"modifier_{i}"] for i in range(1, 5) if row[f"modifier_{i}"]]
            assert line["composite"][1:] == [row["procedure_code"], *mods]
            assert line["charge"] == Decimal(row["charge_amount"])
            assert line["control_number"] == row["line_item_control_number"]
            assert line["units"] == Decimal(row["units"])
            pointed = [claim.diagnoses[p - 1][1] for p in line["pointers"]]
            assert pointed == [
                row[f"diagnosis_code_{i}"].replace(".", "")
                for i in range(1, 5)
                if row[f"diagnosis_code_{i}"]
            ]
            assert claim.rendering_npi == row["rendering_npi"]
            assert line["service_date"] == row["service_date"].replace("-", "")
            earlier = [r for r in versions[(claim.claim_id, str(number))] if r is not row]
            differs += any(
                (r["procedure_code"], r["modifier_1"], r["modifier_2"], r["diagnosis_code_1"])
                != (
                    row["procedure_code"],
                    row["modifier_1"],
                    row["modifier_2"],
                    row["diagnosis_code_1"],
                )
                for r in earlier
            )
    assert differs > 0  # re-coding changed something that was billed differently
