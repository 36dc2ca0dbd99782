"""How well the pre-submission checks agree with the synthetic generator's injected defects.

Measured on a generated practice after `rcm ingest` and the ingestion gate (`rcm validate --gate
ingestion`): the ground truth is `OUT/ground_truth/claims.csv` (one row per claim, `defect_type`
empty for a clean claim), the findings are `quality.row_failures` of the build database. A claim
is *flagged* when a row of its billed coding (the latest coding version of each of its encounter
lines, as int_coded_lines picks it) or one of its 837 rows failed a check. Per defect
type it counts the claims with the defect, those flagged by a check of the team the defect's
denial belongs to (`transforms.generate.catalog.DEFECT_DENIAL`), those flagged by a check that
predicts the defect's CARC, and -- the false positives -- clean claims flagged at all.

    .venv/bin/python -m transforms.harness.agreement DATA_DIR
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from transforms.quality import suites

PRE_SUBMISSION_TABLES = ("encounter_lines", "x837_claims", "x837_claim_lines")


@dataclass(frozen=True)
class Agreement:
    defect_type: str  # '' = clean claims
    claims: int
    caught_by_team: int  # flagged by a check owned by the defect's team (clean: flagged at all)
    caught_by_predicting_check: int  # ... by a check whose denial_carcs hold the defect's CARC
    expected_team: str
    expected_carc: str


def _check_facts() -> tuple[dict[str, str], dict[str, set[str]]]:
    owners: dict[str, str] = {}
    carcs: dict[str, set[str]] = {}
    for gx_suite in suites.SUITE_CHECKS:
        suite = suites.split_name(gx_suite)[0]
        for check in suites.suite_checks(gx_suite):
            owners[f"{suite}.{check.name}"] = str(check.owner)
            carcs[f"{suite}.{check.name}"] = set(check.denial_carcs)
    return owners, carcs


def _billed_line_ids(data_dir: Path) -> set[str]:
    """The raw ids of each encounter line's latest coding version (later coded_at, then later file
    name and source line wins), the lines int_coded_lines bills."""
    files = str(data_dir / "raw" / "encounter_lines" / "*.parquet")
    lines = (
        duckdb.read_parquet(files, union_by_name=True)
        .project(
            "encounter_line_id, encounter_id, line_number, coded_at, file_name, source_line_number"
        )
        .df()
    )
    latest = lines.sort_values(
        ["coded_at", "file_name", "source_line_number"], ascending=False, na_position="last"
    ).drop_duplicates(["encounter_id", "line_number"])
    return set(latest["encounter_line_id"].dropna())


def flagged_checks(data_dir: Path) -> dict[str, set[str]]:
    """Patient control number -> the checks its billed coding or its 837 rows failed."""
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        failures = (
            con.table("quality.row_failures")
            .project("claim_id, check_name, table_name, row_key")
            .fetchall()
        )
    finally:
        con.close()
    billed = _billed_line_ids(data_dir)
    flagged: dict[str, set[str]] = {}
    for claim_id, check_name, table_name, row_key in failures:
        if claim_id is None or table_name not in PRE_SUBMISSION_TABLES:
            continue
        if table_name == "encounter_lines" and row_key not in billed:
            continue
        flagged.setdefault(claim_id, set()).add(check_name)
    return flagged


def measure(data_dir: Path) -> list[Agreement]:
    from transforms.generate.catalog import DEFECT_DENIAL, DEFECT_TYPES

    owners, carcs = _check_facts()
    flagged = flagged_checks(data_dir)
    with (data_dir / "ground_truth" / "claims.csv").open(newline="") as handle:
        truth = [(row["claim_id"], row["defect_type"] or "") for row in csv.DictReader(handle)]
    results = []
    for defect in (*DEFECT_TYPES, ""):
        claims = [claim for claim, kind in truth if kind == defect]
        if defect:
            _, carc, _, _, team = DEFECT_DENIAL[defect]
        else:
            carc, team = "", ""
        by_team = by_check = 0
        for claim in claims:
            checks = flagged.get(claim, set())
            if defect:
                by_team += any(owners.get(c) == team for c in checks)
                by_check += any(carc in carcs.get(c, ()) for c in checks)
            else:
                by_team += bool(checks)
        results.append(Agreement(defect, len(claims), by_team, by_check, team, carc))
    return results


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - measurement command
    args = sys.argv[1:] if argv is None else argv
    for row in measure(Path(args[0])):
        print(json.dumps(asdict(row)))


if __name__ == "__main__":  # pragma: no cover
    main()
