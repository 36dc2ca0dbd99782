"""One name per concept across the marts (the rule is written in models/overview.md).

GIVEN the published marts of a generated night WHEN their columns are listed THEN money is a
DECIMAL(18,2) `<what>_amount` and nothing else is, flags are `is_`/`has_` booleans, dates end in
`_date`, rates are DECIMAL(9,6) `_rate[_variant]`/`_share`, the claim is `claim_id` beside any
`patient_control_number`, and the retired spellings are gone.
"""

from __future__ import annotations

import duckdb
import pytest

from transforms.settings import Paths

RETIRED = {
    "billed_amount_adjudicated",  # -> adjudicated_billed_amount
    "initially_denied_amount",  # -> initial_denied_amount
    "denied_amount_failed_coding_check",  # -> failed_coding_check_denied_amount
    "denied_amount_attributed_to_failed_check",  # -> failed_check_attributed_denied_amount
    "claim_paid_total",  # -> claims_paid_amount
    "reason_code",  # -> carc_code
}


@pytest.fixture(scope="module")
def columns(published_night) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(Paths(published_night).analytics_db), read_only=True)
    try:
        return con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' order by table_name, column_index"
        ).fetchall()
    finally:
        con.close()


def test_money_is_a_decimal_amount_and_every_amount_is_money(columns):
    wrong = [
        (table, column, data_type)
        for table, column, data_type in columns
        if column.endswith("_amount") != (data_type == "DECIMAL(18,2)")
    ]
    assert not wrong, f"money must be DECIMAL(18,2) named <what>_amount: {wrong}"


def test_no_abbreviated_or_retired_names(columns):
    suffixes = ("_amt", "_total", "_difference", "_cnt", "_flag_yn")
    bad = [
        (table, column)
        for table, column, _ in columns
        if column.endswith(suffixes) or column in RETIRED
    ]
    assert not bad


def test_flags_dates_and_rates_follow_the_rule(columns):
    bad = []
    for table, column, data_type in columns:
        if data_type == "BOOLEAN" and not column.startswith(("is_", "has_")):
            bad.append((table, column, "a flag starts with is_ or has_"))
        if data_type == "DATE" and not column.endswith("_date"):
            bad.append((table, column, "a date ends with _date"))
        if column.endswith("_date") and data_type != "DATE":
            bad.append((table, column, "a _date column is a DATE"))
        if data_type == "DECIMAL(9,6)" and "_rate" not in column and not column.endswith("_share"):
            bad.append((table, column, "a DECIMAL(9,6) is a <what>_rate[_variant] or a _share"))
    assert not bad


def test_the_claim_has_one_key_name_everywhere(published_night, columns):
    tables: dict[str, set[str]] = {}
    for table, column, _ in columns:
        tables.setdefault(table, set()).add(column)
    with_number = [table for table, names in tables.items() if "patient_control_number" in names]
    assert "fct_claims" in with_number and "fct_claim_events" in with_number
    assert all("claim_id" in tables[table] for table in with_number)
    assert not any({"claim_key", "pcn", "claim_number"} & names for names in tables.values())
    con = duckdb.connect(str(Paths(published_night).analytics_db), read_only=True)
    try:
        for table in with_number:
            wrong = con.execute(
                f"select count(*) from marts.{table} where claim_id is not null "
                "and not ends_with(claim_id, '|' || patient_control_number)"
            ).fetchone()[0]
            assert wrong == 0, f"{table}.claim_id is not '<provider key>|<patient control number>'"
    finally:
        con.close()
