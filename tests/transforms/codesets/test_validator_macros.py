"""The SQL twins in macros/validators.sql agree with the Python validators, value by value."""

from __future__ import annotations

import re

import duckdb
import jinja2
import pytest

from transforms.codesets import validators as v
from transforms.settings import PROJECT_ROOT

MACROS = PROJECT_ROOT / "macros" / "validators.sql"

SAMPLE = [
    "1234567893",
    " 1234567893 ",
    "1234567890",
    "1245319599",
    "123456789",
    "12345678931",
    "12345A7893",
    "0000000000",
    "99213",
    " 99213",
    "3074F",
    "3074f",
    "0001T",
    "0001U",
    "0001A",
    "9921",
    "992133",
    "J1100",
    "j1100",
    "G0439",
    "U0003",
    "D0120",
    "V2020",
    "F1234",
    "I1234",
    "N1234",
    "O1234",
    "Z1234",
    "J110",
    "U07.1",
    " e11.9 ",
    "S00.00XA",
    "",
    None,
]


class _DbtStub:
    """The one cross-database macro the validators use, with dbt's default implementation."""

    @staticmethod
    def position(substring_text: str, string_text: str) -> str:
        return f"position({substring_text} in {string_text})"


@pytest.fixture(scope="module")
def macros():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.globals["dbt"] = _DbtStub()
    return env.from_string(MACROS.read_text()).module


@pytest.fixture(scope="module")
def results(macros):
    con = duckdb.connect()
    con.execute("CREATE TABLE sample (value VARCHAR)")
    con.executemany("INSERT INTO sample VALUES (?)", [[value] for value in SAMPLE])
    sql = (
        f"SELECT value, {macros.is_valid_npi('value')}, {macros.is_cpt_format('value')}, "
        f"{macros.is_hcpcs_level2_format('value')}, {macros.is_procedure_code_format('value')}, "
        f"{macros.normalize_icd10('value')} FROM sample"
    )
    return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("index", "python"),
    [
        (1, v.is_valid_npi),
        (2, v.is_cpt_format),
        (3, v.is_hcpcs_level2_format),
        (4, v.is_procedure_code_format),
    ],
)
def test_sql_twin_agrees_with_python(results, index, python):
    # GIVEN the sample WHEN both versions judge it THEN they agree on every value, NULL included
    assert [row[index] for row in results] == [python(value) for value in SAMPLE]


def test_sql_normalize_icd10_agrees_with_python(results):
    assert [row[5] for row in results] == [
        None if value is None else v.normalize_icd10(value) for value in SAMPLE
    ]


def test_validators_return_false_not_null_for_null(results):
    null_row = next(row for row in results if row[0] is None)
    assert null_row[1:5] == (False, False, False, False)


def test_macros_use_no_duckdb_only_syntax(macros):
    rendered = " ".join(
        str(getattr(macros, name)("col"))
        for name in (
            "is_valid_npi",
            "is_cpt_format",
            "is_hcpcs_level2_format",
            "is_procedure_code_format",
            "normalize_icd10",
        )
    )
    assert "::" not in rendered
    assert not re.search(r"regexp|\bQUALIFY\b|\bEXCLUDE\b|\[", rendered, flags=re.IGNORECASE)
