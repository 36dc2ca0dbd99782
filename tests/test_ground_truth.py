"""Ground truth agreement: what the generator knows about each claim, the warehouse must say too.

GIVEN a generated practice (every claim's story is in OUT/ground_truth/claims.csv: its first answer,
the denial's root cause, overturns, reversals, the secondary payer, the coding defect injected, the
money paid) WHEN the nightly pipeline runs as of a date after the last remittance THEN, claim by
claim, every fact the warehouse can express agrees with the generator: 100 %, no tolerance.

Facts the warehouse cannot express (and why) are listed in NOT_EXPRESSIBLE; the test asserts that
list is exactly what the ground truth holds beyond the compared facts, so a new generator fact
must be either compared or explained here.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from transforms.generate.catalog import RUN_OUT_DAYS
from transforms.settings import Paths

START = dt.date(2026, 1, 5)
DAYS = 90
AS_OF = START + dt.timedelta(days=DAYS + RUN_OUT_DAYS + 5)

# ground-truth column -> warehouse expression (fct_claims `c`, ground truth `t`) that must be true
COMPARED = {
    "initial_outcome": """case t.initial_outcome
        when 'denied_full' then c.initial_denial_scope = 'full'
        when 'denied_partial' then c.initial_denial_scope = 'partial'
        when 'paid' then c.initial_outcome = 'paid' and c.initial_denial_scope is null
        when 'zero_pay_patient_responsibility' then c.initial_outcome = 'patient_responsibility'
        else c.first_adjudication_date is null end""",
    # a denial the generator decided but whose remittance falls after the feed is not a fact yet
    "denial_root_cause": """case when t.initial_outcome like 'denied%'
        then t.denial_root_cause = c.initial_denial_root_cause
        else c.initial_denial_root_cause is null end""",
    "denial_carc": """case when t.initial_outcome like 'denied%'
        then t.denial_carc = c.initial_primary_denial_carc_code
        else c.initial_primary_denial_carc_code is null end""",
    "overturned": "(t.overturned = 'true') = c.is_overturned",
    "reversed": "(t.reversed = 'true') = (c.reversal_count > 0)",
    "secondary_payer_id": "coalesce(t.secondary_payer_id, '') = coalesce(c.secondary_payer_id, '')",
    "payer_id": "t.payer_id = c.payer_id",
    "paid_amount": "cast(t.paid_amount as decimal(18, 2)) = c.paid_amount",
    # what the LAST payer left to the patient, and what the patient paid (optional extract)
    "patient_responsibility_amount": """cast(t.patient_responsibility_amount as decimal(18, 2))
        = c.patient_responsibility_amount""",
    "patient_paid_amount": "cast(t.patient_paid_amount as decimal(18, 2)) = c.patient_paid_amount",
    "billed_amount": "cast(t.billed_amount as decimal(18, 2)) = c.billed_amount",
    "submission_date": "cast(t.submission_date as date) = c.first_submission_date",
    "first_payment_date": """case when t.initial_outcome in ('paid', 'zero_pay_patient_responsibility')
        or t.initial_outcome like 'denied%'
        then cast(t.first_payment_date as date) = c.first_adjudication_date
        else c.first_adjudication_date is null end""",
    # the defect is caught by a check of the team its denial goes to; a claim without one is clean
    "defect_type": """case coalesce(t.defect_type, '')
        when '' then c.is_clean_claim
        when 'bad_npi' then c.has_billing_check_failure and not c.has_coding_check_failure
        else c.has_coding_check_failure end""",
    "recoded": "(t.recoded = 'true') = coalesce(l.is_recoded, false)",
    "final_status": "t.final_status = c.final_status",
    "line_count": "cast(t.line_count as integer) = l.billed_lines",
}

NOT_EXPRESSIBLE = {
    "claim_id": "the key the comparison joins on (patient control number)",
    "specialty": "the practice's specialty of the visit is not in the 837 or the encounter extract",
    "visit_kind": "the generator's visit template; the warehouse sees only the codes it produced",
    "coder_id": "compared through fct_claim_lines.coder_id elsewhere; not a claim-level fact",
    "service_date": "a line-level date; claims carry submission and adjudication dates",
    "defect_lines": "which lines carry the defect: line-level, covered by the quality agreement test",
    "denial_group": "the CAS group is in fct_remittance_adjustments; claims keep the CARC",
    "denial_from_defect": "the payer's motive: the warehouse shows the failed check a denial fits "
    "(fct_claim_lines.denial_attributed_check), not whether the payer acted on it",
    "remits_written": "a generator counter; fct_claims.remittance_count counts the same CLPs "
    "but a duplicate delivery of a file is one remittance to the warehouse",
}


@pytest.fixture(scope="module")
def practice(tmp_path_factory) -> Path:
    from transforms.generate import generate
    from transforms.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("truth")
    generate(out=root, claims=900, start=START, days=DAYS, seed=29, defect_rate=0.12)
    run_pipeline(root, AS_OF, run_id="truth-1")
    return root


@pytest.fixture(scope="module")
def con(practice):
    connection = duckdb.connect(str(Paths(practice).analytics_db), read_only=True)
    truth = practice / "ground_truth" / "claims.csv"
    connection.execute(
        f"create temp view truth as select * from read_csv('{truth}', all_varchar = true)"
    )
    connection.execute(
        """create temp view claim_lines as
        select patient_control_number,
            sum(case when is_billed then 1 else 0 end) as billed_lines,
            bool_or(is_recoded) as is_recoded
        from marts.fct_claim_lines group by patient_control_number"""
    )
    yield connection
    connection.close()


def test_every_ground_truth_column_is_compared_or_explained(practice):
    with (practice / "ground_truth" / "claims.csv").open() as handle:
        header = next(csv.reader(handle))
    assert set(COMPARED) <= set(header)
    assert set(header) - set(COMPARED) == set(NOT_EXPRESSIBLE)


def test_every_generated_claim_is_one_billed_claim(con):
    truth, billed, joined = con.execute(
        """select (select count(*) from truth),
            (select count(*) from marts.fct_claims where has_submission),
            (select count(*) from truth t join marts.fct_claims c
                on c.patient_control_number = t.claim_id and c.has_submission)"""
    ).fetchone()
    assert truth == billed == joined


@pytest.mark.parametrize("fact", sorted(COMPARED))
def test_fact_agrees_for_every_claim(con, fact):
    disagreeing = con.execute(
        f"""select t.claim_id
        from truth t
        join marts.fct_claims c on c.patient_control_number = t.claim_id and c.has_submission
        left join claim_lines l on l.patient_control_number = t.claim_id
        where not coalesce({COMPARED[fact]}, false)
        order by t.claim_id"""
    ).fetchall()
    assert disagreeing == [], f"{fact}: {len(disagreeing)} claims disagree, e.g. {disagreeing[:5]}"


def test_the_practice_exercises_every_fact(con):
    """Agreement means little on a practice where nothing happens: each story occurs."""
    counts = dict(
        con.execute(
            """select 'denied_full', count(*) from truth where initial_outcome = 'denied_full'
            union all select 'denied_partial', count(*) from truth
                where initial_outcome = 'denied_partial'
            union all select 'overturned', count(*) from truth where overturned = 'true'
            union all select 'reversed', count(*) from truth where reversed = 'true'
            union all select 'secondary', count(*) from truth where secondary_payer_id <> ''
            union all select 'defect', count(*) from truth where defect_type <> ''
            union all select 'recoded', count(*) from truth where recoded = 'true'
            union all select 'open', count(*) from truth where initial_outcome in ('open', 'lost')"""
        ).fetchall()
    )
    assert all(n > 0 for n in counts.values()), counts


def test_ledger_ties_out_and_nothing_unexplained_is_left_open(con):
    """billed = paid + PR + contractual + other + final denied + open, and on a practice whose
    remittances are all in, only claims with no remittance (or a crossover whose primary was later
    corrected, which the secondary never re-answered) keep an open balance."""
    broken = con.execute(
        """select count(*) from marts.fct_claims
        where billed_amount <> paid_amount + patient_responsibility_amount
            + contractual_adjustment_amount + other_adjustment_amount + final_denied_amount
            + open_balance_amount"""
    ).fetchone()[0]
    assert broken == 0
    unexplained = con.execute(
        """select c.patient_control_number, c.open_balance_amount
        from marts.fct_claims c join truth t on c.patient_control_number = t.claim_id
        where c.has_submission and c.open_balance_amount <> 0 and c.remittance_count > 0
            and not (t.secondary_payer_id <> '' and t.reversed = 'true')"""
    ).fetchall()
    assert unexplained == []


def test_money_totals_match_the_generator(con, practice):
    totals = con.execute(
        "select sum(paid_amount), sum(billed_amount) from marts.fct_claims where has_submission"
    ).fetchone()
    with (practice / "ground_truth" / "claims.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert totals == (
        sum(Decimal(r["paid_amount"]) for r in rows),
        sum(Decimal(r["billed_amount"]) for r in rows),
    )


# ---- KPIs recomputed from the facts, in Python, by the definitions in models/overview.md ---------

RATE = Decimal("0.000001")


def _rate(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE, rounding=ROUND_HALF_UP)


def _month(day):
    return None if day is None else day.replace(day=1)


def _expected_kpis(con) -> dict[tuple[dt.date, str], dict]:
    claims = con.execute(
        """select payer_id, first_adjudication_date, first_submission_date, is_clean_claim,
            initial_denial_scope, overturn_scope, initial_outcome, billed_amount,
            adjudicated_billed_amount, initial_denied_amount, final_denied_amount,
            overturned_amount, paid_amount, patient_responsibility_amount,
            contractual_adjustment_amount, patient_paid_amount
        from marts.fct_claims where has_submission"""
    ).fetchall()
    lines = con.execute(
        """select payer_id, first_adjudication_date, is_initially_denied
        from marts.fct_claim_lines where is_billed and first_adjudication_date is not null"""
    ).fetchall()
    plb = con.execute(
        """select payer_id, payment_date, provider_adjustment_amount
        from marts.fct_provider_adjustments where is_counted and payment_date <= ?""",
        [AS_OF],
    ).fetchall()
    zero = Decimal(0)
    out: dict[tuple[dt.date, str], dict] = {}

    def bucket(month, payer):
        return out.setdefault(
            (month, payer),
            {
                "adjudicated": 0,
                "denied": 0,
                "denied_full": 0,
                "denied_partial": 0,
                "lines": 0,
                "lines_denied": 0,
                "billed_adjudicated": zero,
                "billed": zero,
                "initially_denied": zero,
                "final_denied": zero,
                "overturned": 0,
                "first_pass": 0,
                "paid": zero,
                "pr": zero,
                "patient_paid": zero,
                "contractual": zero,
                "plb_cash": zero,
                "submitted": 0,
                "clean": 0,
            },
        )

    for row in claims:
        (payer, adjudicated, submitted, clean, scope, overturn, outcome, billed, adj_billed,
         init_denied, final_denied, _, paid, pr, contractual, patient_paid) = row  # fmt: skip
        for who in (payer or "UNKNOWN", "ALL"):
            if submitted is not None:
                b = bucket(_month(submitted), who)
                b["submitted"] += 1
                b["clean"] += bool(clean)
            if adjudicated is None:
                continue
            b = bucket(_month(adjudicated), who)
            b["adjudicated"] += 1
            b["denied"] += scope is not None
            b["denied_full"] += scope == "full"
            b["denied_partial"] += scope == "partial"
            b["billed_adjudicated"] += adj_billed or zero
            b["billed"] += billed
            b["initially_denied"] += init_denied or zero
            b["final_denied"] += final_denied
            b["overturned"] += overturn is not None
            b["first_pass"] += outcome in ("paid", "patient_responsibility")
            b["paid"] += paid
            b["pr"] += pr
            b["patient_paid"] += patient_paid
            b["contractual"] += contractual
    for payer, adjudicated, denied in lines:
        for who in (payer or "UNKNOWN", "ALL"):
            b = bucket(_month(adjudicated), who)
            b["lines"] += 1
            b["lines_denied"] += bool(denied)
    for payer, paid_on, amount in plb:
        for who in (payer or "UNKNOWN", "ALL"):
            bucket(_month(paid_on), who)["plb_cash"] -= amount
    has_patient_payments = con.execute(
        "select count(*) > 0 from marts.fct_patient_payments"
    ).fetchone()[0]
    return {
        key: {
            "claims_adjudicated": b["adjudicated"],
            "initial_denial_rate": _rate(b["denied"], b["adjudicated"]),
            "initial_denial_rate_full": _rate(b["denied_full"], b["adjudicated"]),
            "initial_denial_rate_partial": _rate(b["denied_partial"], b["adjudicated"]),
            "initial_line_denial_rate": _rate(b["lines_denied"], b["lines"]),
            "initial_denial_rate_dollars": _rate(b["initially_denied"], b["billed_adjudicated"]),
            "final_denial_rate": _rate(b["final_denied"], b["billed"]),
            "final_denial_rate_net_revenue": _rate(
                b["final_denied"], b["billed"] - b["contractual"]
            ),
            "denial_overturn_rate": _rate(b["overturned"], b["denied"]),
            "clean_claim_rate": _rate(b["clean"], b["submitted"]),
            "first_pass_resolution_rate": _rate(b["first_pass"], b["adjudicated"]),
            "payer_net_collection_rate": _rate(
                b["paid"] + b["plb_cash"], b["billed"] - b["contractual"] - b["pr"]
            ),
            "net_collection_rate": _rate(
                b["paid"] + b["plb_cash"] + b["patient_paid"], b["billed"] - b["contractual"]
            )
            if has_patient_payments
            else None,
        }
        for key, b in out.items()
    }


def test_every_kpi_recomputed_from_the_facts(con):
    expected = _expected_kpis(con)
    names = list(next(iter(expected.values())))
    rows = con.execute(
        f"select month_start_date, payer_id, {', '.join(names)} from marts.rpt_kpis_monthly"
    ).fetchall()
    actual = {(r[0], r[1]): dict(zip(names, r[2:], strict=True)) for r in rows}
    assert set(actual) == set(expected)
    differences = [
        (key, name, actual[key][name], value)
        for key, measures in expected.items()
        for name, value in measures.items()
        if actual[key][name] != value
    ]
    assert differences == []
