"""marts.fct_claim_events tells a claim's story from the marts alone.

GIVEN a generated night with denials, overturns, reversals and patient payments WHEN a claim's events
are read in event_sequence order THEN they are numbered 1..n in date order, the payer money over
every claim's events equals fct_claims.paid_amount (and patient payments patient_paid_amount), and
one claim denied then overturned reads: coded, submitted, the denial (its amount and CARCs as on its
first 835), then the payment that overturned it.
"""

from __future__ import annotations

import duckdb
import pytest

from transforms.settings import Paths


@pytest.fixture(scope="module")
def con(published_night):
    connection = duckdb.connect(str(Paths(published_night).analytics_db), read_only=True)
    yield connection
    connection.close()


def test_paid_over_the_events_equals_the_claims_ledger(con):
    rows = con.execute(
        """
        with events as (
            select claim_id, sum(paid_amount) as paid, sum(patient_paid_amount) as patient_paid
            from marts.fct_claim_events group by claim_id
        )
        select claims.claim_id, claims.paid_amount, events.paid,
               claims.patient_paid_amount, events.patient_paid
        from marts.fct_claims as claims
        left join events on claims.claim_id = events.claim_id
        where claims.paid_amount <> coalesce(events.paid, 0)
            or claims.patient_paid_amount <> coalesce(events.patient_paid, 0)
        """
    ).fetchall()
    assert con.execute("select count(*) from marts.fct_claims").fetchone()[0] > 0
    assert rows == []


def test_events_are_numbered_in_date_order(con):
    gaps = con.execute(
        """
        select claim_id from marts.fct_claim_events
        group by claim_id
        having min(event_sequence) <> 1 or max(event_sequence) <> count(*)
            or count(distinct event_sequence) <> count(*)
        """
    ).fetchall()
    assert gaps == []
    backwards = con.execute(
        """
        select count(*) from (
            select event_date,
                   lag(event_date) over (partition by claim_id order by event_sequence) as before
            from marts.fct_claim_events
        ) where event_date < before
        """
    ).fetchone()[0]
    assert backwards == 0
    kinds = {
        row[0]
        for row in con.execute("select distinct event_type from marts.fct_claim_events").fetchall()
    }
    assert {"coded", "submitted", "adjudicated", "reversed", "patient_payment"} <= kinds


def test_a_denied_then_overturned_claim_reads_in_order(con):
    claim_id, initial_denied, first_adjudication, billed, paid = con.execute(
        """
        select claim_id, initial_denied_amount, first_adjudication_date, billed_amount, paid_amount
        from marts.fct_claims
        where is_overturned and overturn_scope = 'full' and payer_count = 1
            and submission_count = 1 and reversal_count = 0
        order by claim_id
        limit 1
        """
    ).fetchone()
    events = con.execute(
        """
        select event_sequence, event_type, event_date, billed_amount, paid_amount, denied_amount,
               carc_codes, source_record_id
        from marts.fct_claim_events where claim_id = ? order by event_sequence
        """,
        [claim_id],
    ).fetchall()
    types = [event[1] for event in events]
    assert types[:2] == ["coded", "submitted"], types
    answers = [event for event in events if event[1] == "adjudicated"]
    assert len(answers) >= 2, events
    denial, overturn = answers[0], answers[-1]
    assert types.index("submitted") < denial[0] - 1 < overturn[0] - 1
    assert events[1][3] == billed  # the 837's CLM02
    assert denial[2] == first_adjudication and denial[5] == initial_denied > 0
    first_remit = con.execute(
        "select denied_amount, denial_carc_codes, paid_amount from marts.fct_remittance_claims "
        "where remit_claim_id = ?",
        [denial[7]],
    ).fetchone()
    assert (denial[5], denial[6], denial[4]) == first_remit
    assert overturn[5] == 0 and overturn[2] >= denial[2]
    assert sum(event[4] for event in events) == paid
