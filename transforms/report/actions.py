"""What a manager acts on: the denial work queue, the targets, payer x root cause, the window.

Each function reads one published table and returns a `Table` (or plain values); the measures are
computed in dbt (`rpt_denial_work_queue`, seed `kpi_targets`, `rpt_denials`, `rpt_kpis_monthly`):
here they are only selected, summed over the window or pivoted. The work queue is the one report
table that carries a claim key, `patient_control_number` (how a biller finds the claim); no other
patient identifier is selected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from transforms.report.model import Column, Table, Target, make_table

WORK_QUEUE_SLUG = "denial_work_queue"
WORK_QUEUE_TOP_N = 25
# the claim key a biller needs; allowed in this table only (writer.check_no_phi)
WORK_QUEUE_KEY = "patient_control_number"

WORK_QUEUE_COLUMNS = (
    Column("work_queue_rank", "Rank", "int"),
    Column("priority_label", "Priority"),
    Column(WORK_QUEUE_KEY, "Patient control no."),
    Column("payer_name", "Payer"),
    Column("recoverable_amount", "Recoverable $", "money"),
    Column("owning_team", "Team"),
    Column("denial_root_cause", "Root cause"),
    Column("carc_code", "CARC"),
    Column("carc_description", "CARC in words"),
    Column("rarc_code", "RARC"),
    Column("rarc_description", "RARC in words"),
    Column("denial_date", "Denied on", "date"),
    Column("next_action", "Next step"),
    Column("next_deadline_date", "Next step due", "date"),
    Column("days_to_next_deadline", "Days to next step", "int"),
    Column("appeal_deadline_date", "Appeal deadline", "date"),
    Column("days_left", "Days left to appeal", "int"),
    Column("timely_filing_deadline_date", "Corrected claim by", "date"),
    Column("deadline_source", "Deadline source"),
)
WORK_QUEUE_NOTE = (
    "rpt_denial_work_queue: billed claims whose denial still stands, is not written off, was not "
    "overturned and whose appeal deadline has not passed, ranked by the dollars that can be "
    "recovered. Appeal deadline = date of the remittance that denied + the payer's appeal window "
    "(seed payer_settings; the source column says whether it is a rule or an assumption). "
    "Corrected claim by = first date of service + the payer's timely-filing days. Next step: a "
    "corrected claim when the denial is a coding, billing or front-end one and that deadline "
    "comes first and has not passed, else an appeal. P1 = next step due within 14 days, P2 = "
    "within 30. Team = owner of the failed pre-submission check the denial "
    "is attributed to, else the team of its root cause."
)


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


# ---- window ------------------------------------------------------------------------------------


def first_data_month(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dt.date | None:
    """The first month rpt_kpis_monthly (payer ALL) has claims submitted or adjudicated in,
    up to the as-of date."""
    row = con.execute(
        """
        select min(month_start_date) from marts.rpt_kpis_monthly
        where payer_id = 'ALL' and month_start_date <= ?
            and (coalesce(claims_submitted, 0) > 0 or coalesce(claims_adjudicated, 0) > 0)""",
        [as_of],
    ).fetchone()
    return row[0] if row else None


# ---- maturity ----------------------------------------------------------------------------------


def maturity_labels(con: duckdb.DuckDBPyConnection) -> dict[dt.date, str]:
    """'mature', or 'immature: N days since month end, X% adjudicated', per month (payer ALL),
    from rpt_kpis_monthly.days_since_month_end and adjudicated_share."""
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'rpt_kpis_monthly'"
        ).fetchall()
    }
    days = "days_since_month_end" if "days_since_month_end" in columns else "null"
    share = "adjudicated_share" if "adjudicated_share" in columns else "null"
    rows = con.execute(
        f"""
        select month_start_date, coalesce(is_mature, false), {days}, {share}
        from marts.rpt_kpis_monthly where payer_id = 'ALL'"""
    ).fetchall()
    return {month: maturity_text(mature, d, s) for month, mature, d, s in rows}


def maturity_text(is_mature: bool, days: Any, share: Any) -> str:
    if is_mature:
        return "mature"
    parts = []
    if days is not None:
        parts.append(f"{int(days)} days since month end" if int(days) > 0 else "month not over yet")
    if share is not None:
        parts.append(f"{Decimal(share) * 100:.0f}% adjudicated")
    return "immature" + (": " + ", ".join(parts) if parts else "")


# ---- targets -----------------------------------------------------------------------------------


def kpi_targets(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    """Targets by measure from ref.kpi_targets (seed seeds/kpi_targets.csv); none when the
    published warehouse predates the seed (the page then says targets are not loaded)."""
    if not _exists(con, "ref", "kpi_targets"):
        return {}
    rows = con.execute(
        "select measure, comparator, target_value, benchmark_low, benchmark_high, target_text, "
        "source from ref.kpi_targets"
    ).fetchall()
    return {
        measure: Target(
            comparator,
            Decimal(value),
            text,
            source or "",
            None if low is None else Decimal(low),
            None if high is None else Decimal(high),
        )
        for measure, comparator, value, low, high, text, source in rows
        if comparator in ("<", ">=") and value is not None
    }


def targets_table(targets: dict[str, Target]) -> Table:
    rows = [
        (
            measure,
            t.comparator,
            t.threshold,
            t.benchmark_low,
            t.benchmark_high,
            t.text,
            t.source,
        )
        for measure, t in sorted(targets.items())
    ]
    return make_table(
        "kpi_targets",
        "Targets and benchmarks",
        (
            Column("measure", "Measure (mart column)"),
            Column("comparator", "Meets when"),
            Column("target_value", "Target", "rate"),
            Column("benchmark_low", "Benchmark from", "rate"),
            Column("benchmark_high", "Benchmark to", "rate"),
            Column("target_text", "Target in words"),
            Column("source", "Source"),
        ),
        rows,
        note="From ref.kpi_targets (seeds/kpi_targets.csv): the one place the targets live; the "
        "tiles and charts draw them from here. Days to payment has no published target in the "
        "revenue-cycle primer, so none is drawn.",
    )


# ---- work queue --------------------------------------------------------------------------------


def work_queue(con: duckdb.DuckDBPyConnection) -> Table:
    """The whole work queue (rpt_denial_work_queue) in rank order: the CSV and the sheet hold
    every row, the page the top rows (`work_queue_top`)."""
    rows: list[tuple] = []
    note = WORK_QUEUE_NOTE
    if _exists(con, "marts", "rpt_denial_work_queue"):
        present = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'rpt_denial_work_queue'"
            ).fetchall()
        }
        select = ", ".join(c.name if c.name in present else "null" for c in WORK_QUEUE_COLUMNS)
        rows = con.execute(
            f"select {select} from marts.rpt_denial_work_queue order by work_queue_rank"
        ).fetchall()
    else:
        note = "The published warehouse has no marts.rpt_denial_work_queue yet (rebuild it)."
    return make_table(
        WORK_QUEUE_SLUG, "Denial work queue: what to work next", WORK_QUEUE_COLUMNS, rows, note
    )


def work_queue_top(queue: Table, top_n: int = WORK_QUEUE_TOP_N) -> tuple[Table, int, Decimal]:
    """The first `top_n` rows of the queue, and the count and recoverable dollars of the rest."""
    rest = queue.rows[top_n:]
    amount_index = [c.name for c in queue.columns].index("recoverable_amount")
    rest_amount = sum((Decimal(r[amount_index] or 0) for r in rest), Decimal("0.00"))
    top = make_table(queue.slug, queue.title, queue.columns, queue.rows[:top_n], queue.note)
    return top, len(rest), rest_amount


def work_queue_display(top: Table) -> tuple[Table, list[tuple[str, str]]]:
    """The page's compact view of the top rows: priority as P1/P2/P3, each code beside its words,
    the next step and its due date, the deadline's source named once per payer under the table
    (the CSV keeps every column, the timely-filing date included)."""
    rows, sources = [], {}
    for r in top.records():
        carc = " – ".join(x for x in (r["carc_code"], r["carc_description"]) if x)
        rarc = " – ".join(x for x in (r["rarc_code"], r["rarc_description"]) if x)
        rows.append(
            (
                r["work_queue_rank"],
                (r["priority_label"] or "").split(":")[0],
                r[WORK_QUEUE_KEY],
                r["payer_name"],
                r["recoverable_amount"],
                r["owning_team"],
                carc or None,
                rarc or None,
                r["denial_date"],
                r["next_action"] or "appeal",
                r["next_deadline_date"] or r["appeal_deadline_date"],
                r["days_to_next_deadline"]
                if r["days_to_next_deadline"] is not None
                else r["days_left"],
                r["appeal_deadline_date"],
            )
        )
        sources.setdefault(r["payer_name"] or "(unknown payer)", r["deadline_source"] or "")
    table = make_table(
        top.slug,
        top.title,
        (
            Column("work_queue_rank", "Rank", "int"),
            Column("priority", "Priority"),
            Column(WORK_QUEUE_KEY, "Patient control no."),
            Column("payer_name", "Payer"),
            Column("recoverable_amount", "Recoverable $", "money"),
            Column("owning_team", "Team"),
            Column("carc", "Denial reason (CARC)"),
            Column("rarc", "Remark (RARC)"),
            Column("denial_date", "Denied on", "date"),
            Column("next_action", "Next step"),
            Column("next_deadline_date", "Due", "date"),
            Column("days_to_next_deadline", "Days left", "int"),
            Column("appeal_deadline_date", "Appeal by", "date"),
        ),
        rows,
        top.note,
    )
    return table, sorted(sources.items())


def work_queue_summary(queue: Table) -> Table:
    """Claims and recoverable dollars by team and priority (what each team has this week)."""
    records = queue.records()
    groups: dict[tuple[str, str], list[Any]] = {}
    for r in records:
        key = (r["owning_team"] or "", r["priority_label"] or "")
        entry = groups.setdefault(key, [0, Decimal("0.00"), None])
        entry[0] += 1
        entry[1] += Decimal(r["recoverable_amount"] or 0)
        due = r["next_deadline_date"] or r["appeal_deadline_date"]
        entry[2] = due if entry[2] is None else min(entry[2], due)
    rows = [
        (team, prio, n, amount, first)
        for (team, prio), (n, amount, first) in sorted(groups.items())
    ]
    return make_table(
        "denial_work_queue_by_team",
        "Work queue by team and priority",
        (
            Column("owning_team", "Team"),
            Column("priority_label", "Priority"),
            Column("claims", "Claims", "int"),
            Column("recoverable_amount", "Recoverable $", "money"),
            Column("first_deadline_date", "Earliest next-step deadline", "date"),
        ),
        rows,
        note="Counts and sums of the work queue rows above (every row, not only the top ones).",
    )


# ---- payer x root cause ------------------------------------------------------------------------

ROOT_CAUSE_COLUMNS = (
    ("coding", "Coding"),
    ("billing", "Billing"),
    ("front_end", "Front end"),
    ("clinical", "Clinical"),
    ("unclassified", "Unclassified"),
)


def payer_root_cause(
    con: duckdb.DuckDBPyConnection, first_month: dt.date, last_month: dt.date
) -> Table:
    """Denied dollars by payer (rows) and root cause (columns) over the window (rpt_denials,
    additive), with each payer's total and its largest cause."""
    sums = ", ".join(
        f"sum(case when denial_root_cause = '{code}' then denied_amount else 0 end) as {code}"
        for code, _ in ROOT_CAUSE_COLUMNS
    )
    codes = ", ".join(f"'{code}'" for code, _ in ROOT_CAUSE_COLUMNS)
    rows = con.execute(
        f"""
        select payer_id, max(payer_name), {sums},
            sum(case when denial_root_cause not in ({codes}) then denied_amount else 0 end),
            sum(denied_amount)
        from marts.rpt_denials
        where month_start_date between ? and ?
        group by payer_id
        order by sum(denied_amount) desc, payer_id""",
        [first_month, last_month],
    ).fetchall()
    columns = [Column("payer_id", "Payer id"), Column("payer_name", "Payer")]
    columns += [Column(code, label, "money") for code, label in ROOT_CAUSE_COLUMNS]
    columns += [
        Column("other", "Other", "money"),
        Column("denied_amount", "Total denied $", "money"),
    ]
    columns.append(Column("largest_root_cause", "Largest cause"))
    labels = [label for _, label in ROOT_CAUSE_COLUMNS] + ["Other"]
    body = []
    for row in rows:
        amounts = list(row[2:8])
        largest = max(range(len(amounts)), key=lambda i: amounts[i] or 0)
        body.append(list(row) + [labels[largest] if (amounts[largest] or 0) > 0 else None])
    return make_table(
        "payer_root_cause",
        "Denied dollars by payer and root cause (window total)",
        columns,
        body,
        note="rpt_denials: initial denials of billed lines first adjudicated in the window, each "
        "line under its dominant denial CARC's root cause. Read a row to see which team a "
        "payer's denials land on.",
    )
