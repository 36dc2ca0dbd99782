"""This project's own procedure tables behind the modifier and diagnosis-support checks.

Three small CSVs under `transforms/codesets/tables/`, written by this project (codes and code
ranges only: no CPT description is shipped, and none is needed):

* `procedure_families.csv` -- procedure code ranges -> family: `em` (problem-oriented evaluation
  and management), `em_preventive`, `em_addon`, `procedure` (surgical range, minor procedures
  included), `administration` (injection and immunisation administration), `lab`,
  `lab_collection` (venipuncture), `diagnostic` (imaging, ECG, echo), `drug_product`,
  `vaccine_product`. A code in no range has no family and no family rule applies to it.
* `procedure_modifier_requirements.csv` -- codes that need a modifier whatever the visit:
  `laterality` (RT, LT or 50), `professional_component` (26 or TC when billed by a physician in a
  facility: POS 19, 21, 22, 23), `distinct_service` (59 or XE/XP/XS/XU when billed in the same
  encounter as `paired_procedure_code`).
* `dx_procedure_support.csv` -- procedure code ranges -> the ICD-10-CM prefixes (no dot) that can
  justify them. Deliberately permissive: it flags pairings that plainly cannot justify the service
  (a skin diagnosis on an echocardiogram), not every weak one. A line whose procedure is in no
  range is not judged.

The ingestion gate registers them as DuckDB tables (`ref_procedure_families`, ...) next to the raw
views (`transforms.quality.gates.raw_views`), so the encounter frame computes the rules in SQL.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pyarrow as pa

TABLES_DIR = Path(__file__).with_name("tables")

# DuckDB table name -> CSV file
TABLES: dict[str, str] = {
    "ref_procedure_families": "procedure_families.csv",
    "ref_procedure_modifier_requirements": "procedure_modifier_requirements.csv",
    "ref_dx_procedure_support": "dx_procedure_support.csv",
}

FAMILIES = frozenset(
    {
        "em",
        "em_preventive",
        "em_addon",
        "procedure",
        "administration",
        "lab",
        "lab_collection",
        "diagnostic",
        "drug_product",
        "vaccine_product",
    }
)
REQUIREMENTS = frozenset({"laterality", "professional_component", "distinct_service"})

# Modifiers that satisfy each rule (all in seeds/ref_modifiers.csv).
LATERALITY_MODIFIERS = ("RT", "LT", "50")
TELEHEALTH_MODIFIERS = ("95", "GT", "93")
COMPONENT_MODIFIERS = ("26", "TC")
DISTINCT_SERVICE_MODIFIERS = ("59", "XE", "XP", "XS", "XU")
REPEAT_LAB_MODIFIER = "91"
SEPARATE_EM_MODIFIER = "25"
TELEHEALTH_POS = ("02", "10")
FACILITY_POS = ("19", "21", "22", "23")


@cache
def read_table(file_name: str) -> tuple[dict[str, str], ...]:
    """Rows of one table as dicts of stripped text (upper-cased codes)."""
    with (TABLES_DIR / file_name).open(newline="", encoding="utf-8") as handle:
        return tuple(
            {key: _clean(key, value) for key, value in row.items()}
            for row in csv.DictReader(handle)
        )


def _clean(column: str, value: str | None) -> str:
    """Codes and prefixes upper-case without dots; names (family, requirement) as written."""
    text = (value or "").strip()
    if column.endswith(("_code", "_first", "_last", "_prefix")):
        return text.upper().replace(".", "")
    return text


def arrow_table(name: str) -> pa.Table:
    rows = read_table(TABLES[name])
    columns = list(rows[0]) if rows else []
    return pa.table({c: pa.array([r[c] or None for r in rows], pa.string()) for c in columns})


def register(con) -> None:
    """Register every table on a DuckDB connection under its `ref_*` name."""
    for name in TABLES:
        con.register(name, arrow_table(name))


def family_of(code: str) -> str | None:
    """The family of one procedure code (five characters) per procedure_families.csv."""
    code = (code or "").strip().upper()
    if len(code) != 5:
        return None
    for row in read_table(TABLES["ref_procedure_families"]):
        if row["procedure_code_first"] <= code <= row["procedure_code_last"]:
            return row["family"]
    return None
