"""The README's analyst guide runs on the published warehouse.

GIVEN a generated night WHEN each `-- query:` block of the README's "Analyst guide" runs on the
published analytics.duckdb (marts only) THEN it returns at least one row with the columns the guide
promises, and two answers agree with a count made by hand from fct_claims.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from transforms.settings import Paths

README = Path(__file__).resolve().parents[3] / "README.md"

EXPECTED_COLUMNS = {
    "denial_rate_by_payer": {"month_start_date", "payer_id", "initial_denial_rate"},
    "top_carc_by_dollars": {"carc_code", "denial_root_cause", "denied_amount"},
    "claim_story": {"event_sequence", "event_date", "event_type", "paid_amount"},
    "ar_over_90_by_payer": {"payer_id", "ar_balance_amount", "ar_over_90_amount"},
    "open_denials_by_owner_team": {"owner_team", "claims", "denied_balance_amount"},
    "clean_claim_rate_trend": {"month_start_date", "claims_submitted", "clean_claim_rate"},
    "days_to_payment_by_payer": {"payer_id", "median_days_to_payment"},
    "recoded_lines": {"claim_id", "recoded_from_procedure_code", "procedure_code"},
    "unmatched_remittances_by_payer": {"payer_id", "unmatched_remittance_claims"},
    "providers_by_coding_denials": {"rendering_provider_npi", "provider_name", "denied_lines"},
}


def guide_queries() -> dict[str, str]:
    section = README.read_text().split("\n## Analyst guide\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    return {re.match(r"-- query: (\w+)", block).group(1): block for block in blocks}


def test_the_guide_has_ten_questions():
    assert set(guide_queries()) == set(EXPECTED_COLUMNS)


@pytest.fixture(scope="module")
def con(published_night):
    connection = duckdb.connect(str(Paths(published_night).analytics_db), read_only=True)
    yield connection
    connection.close()


def _run(con, name: str) -> list[dict]:
    sql = guide_queries()[name]
    assert re.findall(r"\b(?:from|join)\s+(\w+)\.", sql, re.IGNORECASE) and all(
        schema == "marts" for schema in re.findall(r"\b(?:from|join)\s+(\w+)\.", sql, re.IGNORECASE)
    ), f"{name} reads outside the marts"
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.parametrize("name", sorted(EXPECTED_COLUMNS))
def test_each_question_is_answered(con, name):
    rows = _run(con, name)
    assert rows, f"{name} returned no row"
    assert EXPECTED_COLUMNS[name] <= set(rows[0])


def test_denial_rate_by_payer_counts_what_fct_claims_counts(con):
    for row in _run(con, "denial_rate_by_payer"):
        payer = "" if row["payer_id"] == "ALL" else "and payer_id = ?"
        denied = con.execute(
            "select count(*) from marts.fct_claims where has_submission and is_initially_denied "
            f"and date_trunc('month', first_adjudication_date) = ? {payer}",
            [row["month_start_date"]] + ([] if not payer else [row["payer_id"]]),
        ).fetchone()[0]
        assert row["claims_initially_denied"] == denied, row


def test_clean_claim_rate_trend_counts_what_fct_claims_counts(con):
    by_month = dict(
        con.execute(
            "select cast(date_trunc('month', first_submission_date) as date), count(*) "
            "from marts.fct_claims "
            "where has_submission and is_clean_claim group by 1"
        ).fetchall()
    )
    rows = _run(con, "clean_claim_rate_trend")
    assert len(rows) >= 3
    for row in rows:
        assert row["clean_claims"] == by_month.get(row["month_start_date"], 0), row
