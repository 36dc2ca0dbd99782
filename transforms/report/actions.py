"""What a manager acts on: the denial work queue, the targets, payer x root cause, the window.

Each function reads one published table and returns a `Table` (or plain values); the measures are
computed in dbt (`rpt_denial_work_queue`, `rpt_denial_work_queue_by_team`, seed `kpi_targets`,
`rpt_denials_by_payer_root_cause`, `rpt_report_months`): here they are only read. The work queue is the one report
table that carries a claim key, `patient_control_number` (how a biller finds the claim); no other
patient identifier is selected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from transforms.report.model import Column, Table, Target, make_table
from transforms.report.reads import cells, exists, read

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


# ---- window ------------------------------------------------------------------------------------


def first_data_month_date(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dt.date | None:
    """The first month rpt_kpis_monthly (payer ALL) has claims submitted or adjudicated in,
    up to the as-of date (rpt_report_months.has_data)."""
    months = read(con, "marts.rpt_report_months", "month_start_date", has_data=True)
    return next((m["month_start_date"] for m in months if m["month_start_date"] <= as_of), None)


# ---- maturity ----------------------------------------------------------------------------------


def maturity_labels(con: duckdb.DuckDBPyConnection) -> dict[dt.date, str]:
    """'mature', or 'immature: N days since month end, X% adjudicated', per month (payer ALL):
    rpt_report_months.month_status."""
    months = read(con, "marts.rpt_report_months", "month_start_date")
    return {m["month_start_date"]: m["month_status"] for m in months}


# ---- targets -----------------------------------------------------------------------------------


def kpi_targets(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    """Targets by measure from ref.kpi_targets (seed seeds/kpi_targets.csv); none when the
    published warehouse predates the seed (the page then says targets are not loaded)."""
    names = [
        "measure", "comparator", "target_value", "benchmark_low", "benchmark_high", "target_text",
        "source",
    ]  # fmt: skip
    rows = cells(read(con, "ref.kpi_targets", "measure"), names)
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
    note = WORK_QUEUE_NOTE
    queue = read(con, "marts.rpt_denial_work_queue", "work_queue_rank")
    rows = cells(queue, [c.name for c in WORK_QUEUE_COLUMNS])
    if not exists(con, "marts", "rpt_denial_work_queue"):
        note = "The published warehouse has no marts.rpt_denial_work_queue yet (rebuild it)."
    return make_table(
        WORK_QUEUE_SLUG, "Denial work queue: what to work next", WORK_QUEUE_COLUMNS, rows, note
    )


def work_queue_totals(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The queue in one line (rpt_denial_work_queue_totals): claims and dollars, of P1, and after
    the ranks the page lists (`top_rows`)."""
    rows = read(con, "marts.rpt_denial_work_queue_totals", "claims")
    return rows[0] if rows else {}


def work_queue_top(queue: Table, top_n: int = WORK_QUEUE_TOP_N) -> Table:
    """The first `top_n` rows of the queue (the page lists them)."""
    return make_table(queue.slug, queue.title, queue.columns, queue.rows[:top_n], queue.note)


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


def work_queue_summary(con: duckdb.DuckDBPyConnection) -> Table:
    """Claims and recoverable dollars by team and priority (what each team has this week):
    rpt_denial_work_queue_by_team."""
    columns = (
        Column("owning_team", "Team"),
        Column("priority_label", "Priority"),
        Column("claims", "Claims", "int"),
        Column("recoverable_amount", "Recoverable $", "money"),
        Column("first_deadline_date", "Earliest next-step deadline", "date"),
    )
    teams = read(con, "marts.rpt_denial_work_queue_by_team", "owning_team, priority_label")
    rows = cells(teams, [c.name for c in columns])
    return make_table(
        "denial_work_queue_by_team",
        "Work queue by team and priority",
        columns,
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


def payer_root_cause(con: duckdb.DuckDBPyConnection, window_last_month_date: dt.date) -> Table:
    """Denied dollars by payer (rows) and root cause (columns) over the window, with each payer's
    total and its largest cause (rpt_denials_by_payer_root_cause)."""
    columns = [Column("payer_id", "Payer id"), Column("payer_name", "Payer")]
    columns += [Column(code, label, "money") for code, label in ROOT_CAUSE_COLUMNS]
    columns += [
        Column("other", "Other", "money"),
        Column("denied_amount", "Total denied $", "money"),
    ]
    columns.append(Column("largest_root_cause", "Largest cause"))
    names = ["payer_id", "payer_name"]
    names += [f"{code}_denied_amount" for code, _ in ROOT_CAUSE_COLUMNS]
    names += ["other_denied_amount", "denied_amount", "largest_root_cause"]
    payers = read(
        con,
        "marts.rpt_denials_by_payer_root_cause",
        "display_order",
        window_last_month_date=window_last_month_date,
    )
    body = cells(payers, names)
    return make_table(
        "payer_root_cause",
        "Denied dollars by payer and root cause (window total)",
        columns,
        body,
        note="rpt_denials: initial denials of billed lines first adjudicated in the window, each "
        "line under its dominant denial CARC's root cause. Read a row to see which team a "
        "payer's denials land on.",
    )
