"""Reading the report's tables from the published warehouse (schemas `marts`, `audit`, `quality`).

Every measure is computed in dbt: the KPIs (`rpt_kpis_monthly`), the window sums, shares and
rankings of the denials (`rpt_denials_by_*`, `rpt_denial_rankings`, `rpt_denial_remark_codes`), the
A/R tables (`rpt_ar_aging_by_*`), days to payment (`rpt_days_to_payment`), the months' maturity and
the report windows (`rpt_report_months`, `rpt_report_windows`). Each function here reads one of
them (`reads.read`: the rows of the report's window, in the model's display order) and names its
columns for display; the window measures are keyed by the window's end month (`window_key`). No
read selects a patient identifier (claim ids, patient control numbers, encounter ids, row keys or
offending values of quality failures): only aggregates leave the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from transforms.report import actions, health
from transforms.report.definitions import DEFINITIONS
from transforms.report.errors import ReportError
from transforms.report.model import (
    Column,
    Headline,
    Kind,
    QualityStatus,
    ReportData,
    Table,
    Target,
    Window,
    add_months,
    data_window,
    make_table,
)
from transforms.report.reads import cells, exists, read

REQUIRED_MARTS = (
    "rpt_kpis_monthly",
    "rpt_denials",
    "rpt_ar_aging",
    "rpt_report_months",
    "rpt_report_windows",
    "rpt_warehouse_summary",
    "rpt_denials_by_root_cause",
    "rpt_denials_by_root_cause_monthly",
    "rpt_denials_by_payer_root_cause",
    "rpt_denial_rankings",
    "rpt_denial_remark_codes",
    "rpt_ar_aging_by_payer",
    "rpt_ar_aging_by_bucket",
    "rpt_days_to_payment",
    "rpt_denial_work_queue_totals",
)
ROOT_CAUSES = (
    ("coding", "Coding", "Coders"),
    ("billing", "Billing", "Billers"),
    ("front_end", "Front end", "Registration, patient access"),
    ("clinical", "Clinical", "Clinicians, utilisation review"),
    (
        "unclassified",
        "Unclassified",
        "Billing office: read the remark codes and earlier remittances",
    ),
)
UNCLASSIFIED_NOTE = (
    "Unclassified: denials whose CARC names no cause (A1 \u201cclaim denied\u201d, 193, or a code "
    "missing from the CARC reference list); read their remark codes and earlier remittances to "
    "find who has to fix them."
)
# (label, mart column, kind, lower is better); the net collection rate row is chosen per month
# (`collection_rate_choice`): the full NCR when the mart has it, else the payer NCR, so labelled.
HEADLINE_MEASURES: tuple[tuple[str, str, Kind, bool], ...] = (
    ("Initial denial rate (claims)", "initial_denial_rate", "rate", True),
    ("Initial denials: full", "initial_denial_rate_full", "rate", True),
    ("Initial denials: partial", "initial_denial_rate_partial", "rate", True),
    ("Initial denial rate (lines)", "initial_line_denial_rate", "rate", True),
    ("Initial denial rate ($)", "initial_denial_rate_dollars", "rate", True),
    ("Final denial rate (of billed $)", "final_denial_rate", "rate", True),
    ("Final denial rate (of net revenue)", "final_denial_rate_net_revenue", "rate", True),
    ("Denial overturn rate", "denial_overturn_rate", "rate", False),
    ("Denied $ recovered (overturns)", "overturned_amount", "money", False),
    ("Clean-claim rate", "clean_claim_rate", "rate", False),
    ("First-pass resolution", "first_pass_resolution_rate", "rate", False),
    ("Net collection rate", "net_collection_rate", "rate", False),
    ("Median days to payment", "median_days_to_payment", "days", True),
    ("Mean days to payment", "mean_days_to_payment", "days", True),
)
FULL_NCR_LABEL = "Net collection rate (payer + patient payments)"
PAYER_NCR_LABEL = "Payer net collection rate (payer payments only)"
# Columns another change adds to rpt_kpis_monthly: read only when the mart has them.
OPTIONAL_KPI_COLUMNS = frozenset(
    {"net_collection_rate", "patient_paid_amount", "has_patient_payments"}
)

MONTH_STATUS = Column("month_status", "Maturity")
IMMATURE = "immature"
IMMATURE_NOTE = (
    "Months marked \u201cimmature\u201d are too young to judge (rpt_kpis_monthly.is_mature = "
    "false: fewer than 60 days since the month ended, or under 90% of its submitted claims "
    "adjudicated); their claims may still be adjudicated, appealed and overturned, so their "
    "rates will move. They are shown, never headlined."
)

DENIAL_TREND_COLUMNS = (
    Column("month_start_date", "Month", "month"),
    MONTH_STATUS,
    Column("claims_adjudicated", "Claims adjudicated", "int"),
    Column("claims_initially_denied", "Initially denied", "int"),
    Column("claims_initially_denied_full", "Denied in full", "int"),
    Column("claims_initially_denied_partial", "Denied in part", "int"),
    Column("initial_denial_rate", "Initial denial rate", "rate"),
    Column("initial_denial_rate_full", "Initial denial rate: full", "rate"),
    Column("initial_denial_rate_partial", "Initial denial rate: partial", "rate"),
    Column("lines_adjudicated", "Lines adjudicated", "int"),
    Column("lines_initially_denied", "Lines initially denied", "int"),
    Column("initial_line_denial_rate", "Initial denial rate (lines)", "rate"),
    Column("adjudicated_billed_amount", "Billed $ adjudicated (CLP03)", "money"),
    Column("initial_denied_amount", "Initially denied $", "money"),
    Column("initial_denial_rate_dollars", "Initial denial rate ($)", "rate"),
    Column("billed_amount", "Billed $ (837)", "money"),
    Column("final_denied_amount", "Still denied $", "money"),
    Column("final_denial_rate", "Final denial rate (of billed $)", "rate"),
    Column("final_denial_rate_net_revenue", "Final denial rate (of net revenue)", "rate"),
    Column("claims_overturned", "Overturned", "int"),
    Column("claims_overturned_full", "Overturned in full", "int"),
    Column("claims_overturned_partial", "Overturned in part", "int"),
    Column("overturned_amount", "Denied $ recovered", "money"),
    Column("denial_overturn_rate", "Overturn rate", "rate"),
)
OPERATIONS_TREND_COLUMNS = (
    Column("month_start_date", "Month", "month"),
    MONTH_STATUS,
    Column("claims_submitted", "Claims submitted", "int"),
    Column("clean_claims", "Clean claims", "int"),
    Column("clean_claim_rate", "Clean-claim rate", "rate"),
    Column("claims_submitted_adjudicated", "Submitted and adjudicated", "int"),
    Column("adjudicated_share", "Share adjudicated", "rate"),
    Column("claims_first_pass_resolved", "First-pass resolved", "int"),
    Column("first_pass_resolution_rate", "First-pass resolution", "rate"),
    Column("paid_amount", "Payer paid $", "money"),
    Column("secondary_paid_amount", "of which secondary payers $", "money"),
    Column("provider_adjustment_cash_amount", "PLB cash $ (interest +, recoupments -)", "money"),
    Column("patient_paid_amount", "Patient paid $", "money"),
    Column("patient_responsibility_amount", "Patient responsibility $", "money"),
    Column("contractual_adjustment_amount", "Contractual adj. $", "money"),
    Column("payer_net_collection_rate", PAYER_NCR_LABEL, "rate"),
    Column("net_collection_rate", FULL_NCR_LABEL, "rate"),
    Column("median_days_to_payment", "Median days to pay", "days"),
    Column("mean_days_to_payment", "Mean days to pay", "days"),
)

DENIAL_SUM_COLUMNS = (
    Column("denied_lines", "Denied lines", "int"),
    Column("denied_amount", "Denied $", "money"),
    Column("share_of_denied_amount", "Share of denied $", "rate"),
    Column("still_denied_amount", "Still denied $", "money"),
    Column(
        "failed_coding_check_denied_amount", "Denied $ on lines failing a coding check", "money"
    ),
    Column("failed_coding_check_amount_share", "Share of $ failing a coding check", "rate"),
    Column("failed_coding_check_line_share", "Share of lines failing a coding check", "rate"),
)


# ---- helpers -----------------------------------------------------------------------------------


def check_required_marts(con: duckdb.DuckDBPyConnection, database: str) -> None:
    missing = [name for name in REQUIRED_MARTS if not exists(con, "marts", name)]
    if missing:
        names = ", ".join(f"marts.{name}" for name in missing)
        raise ReportError(
            f"{database}: missing table(s) {names} that the report reads "
            "(rule report.required_marts); rebuild and publish the warehouse"
        )


# Report columns named otherwise in the marts (a mart column ending in _amount is money).
MART_NAMES = {"share_of_denied_amount": "denied_amount_share"}


def mart_names(columns: Sequence[Column]) -> list[str]:
    return [MART_NAMES.get(c.name, c.name) for c in columns]


def in_window(rows: list[dict], first: dt.date, last: dt.date) -> list[dict]:
    return [row for row in rows if first <= row["month_start_date"] <= last]


def window_key(con: duckdb.DuckDBPyConnection, window: Window) -> dt.date:
    """The end month of the window's rows in the window marts (rpt_report_windows): the window's
    last month, or, for a month the build has no window for (after its last one), the last one,
    which like every later window holds no data."""
    ends = [row["window_last_month_date"] for row in read(con, "marts.rpt_report_windows", "1")]
    return window.last_month if window.last_month in ends or not ends else max(ends)


def month_label(month: dt.date) -> str:
    return month.strftime("%b %Y")


# ---- KPIs --------------------------------------------------------------------------------------


def kpi_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The 'ALL' rows of rpt_kpis_monthly, by month (every column the mart has)."""
    return read(con, "marts.rpt_kpis_monthly", "month_start_date", payer_id="ALL")


def available(columns: Sequence[Column], present: Sequence[str]) -> list[Column]:
    """The columns to show: all, less the optional mart columns the warehouse does not have yet."""
    return [c for c in columns if c.name not in OPTIONAL_KPI_COLUMNS or c.name in present]


def kpi_trend(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    slug: str,
    title: str,
    columns: Sequence[Column],
    note: str = "",
) -> Table:
    """The 'ALL' rows of rpt_kpis_monthly in the window, every month, with its maturity in words
    (rpt_report_months.month_status)."""
    rows = kpi_rows(con)
    columns = available(columns, rows.names)
    status = actions.maturity_labels(con)
    records = [
        {**row, MONTH_STATUS.name: status.get(row["month_start_date"], IMMATURE)}
        for row in in_window(rows, window.first_month, window.last_month)
    ]
    note = f"{note} {IMMATURE_NOTE}".strip()
    return make_table(slug, title, columns, cells(records, [c.name for c in columns]), note)


def kpi_all_payers(con: duckdb.DuckDBPyConnection, window: Window) -> dict[dt.date, dict]:
    """The 'ALL' rows of rpt_kpis_monthly in the window (plus the month before), by month."""
    rows = in_window(kpi_rows(con), add_months(window.first_month, -1), window.last_month)
    return {row["month_start_date"]: row for row in rows}


def immature_months(by_month: dict[dt.date, dict]) -> frozenset[dt.date]:
    return frozenset(m for m, row in by_month.items() if not row.get("is_mature"))


def pick_reporting_month(by_month: dict[dt.date, dict], window: Window) -> dt.date | None:
    """The headline month: the latest month of the window that is mature (is_mature) and had
    claims adjudicated; when no month is mature yet, the newest month with adjudicated claims
    (the page labels it immature); else None. Never an empty month."""
    active = sorted(
        m
        for m, row in by_month.items()
        if window.first_month <= m <= window.last_month and (row.get("claims_adjudicated") or 0) > 0
    )
    if not active:
        return None
    mature = [m for m in active if by_month[m].get("is_mature")]
    return mature[-1] if mature else active[-1]


def collection_rate_choice(row: dict) -> tuple[str, str]:
    """(mart column, label) of the net collection rate to headline for one month's 'ALL' row:
    the full NCR when the mart has it and it is not null (a patient-payments feed exists), else
    the payer NCR, labelled as such."""
    if row.get("net_collection_rate") is not None:
        return "net_collection_rate", FULL_NCR_LABEL
    return "payer_net_collection_rate", PAYER_NCR_LABEL


def headlines(
    by_month: dict[dt.date, dict],
    month: dt.date | None,
    ar_over_90: Decimal | None = None,
    ar_as_of: dt.date | None = None,
    targets: dict[str, Target] | None = None,
) -> list[Headline]:
    """The tiles: the headline month's values, the previous month's for the change, the target.
    No change is computed from or against an immature month: when either month is immature the
    previous value is left out (the tile says why)."""
    targets = targets or {}
    current = by_month.get(month, {}) if month else {}
    previous = by_month.get(add_months(month, -1), {}) if month else {}
    if not (current.get("is_mature") and previous.get("is_mature")):
        previous = {}
    period = month_label(month) if month else ""
    items = []
    for label, column, kind, lower in HEADLINE_MEASURES:
        if column == "net_collection_rate":
            column, label = collection_rate_choice(current)
        items.append(
            Headline(
                label,
                column,
                kind,
                current.get(column),
                previous.get(column),
                lower,
                targets.get(column),
                period,
            )
        )
    ar_item = Headline(
        "A/R > 90 days (share of A/R)",
        "ar_balance_amount",
        "rate",
        ar_over_90,
        None,
        True,
        targets.get("ar_over_90_share"),
        f"as of {ar_as_of.isoformat()}" if ar_as_of else "as of the warehouse date",
    )
    # after the collection rate: the money measures together, days to payment last
    items.insert(len(items) - 2, ar_item)
    return items


def headline_table(items: Sequence[Headline], month: dt.date | None, is_mature: bool) -> Table:
    current = month_label(month) if month else "Reporting month"
    prior = month_label(add_months(month, -1)) if month else "Previous month"
    columns = (
        Column("measure", "Measure"),
        Column("source_table", "Mart"),
        Column("mart_column", "Mart column"),
        Column("period", "Period"),
        Column("month_start_date", "Month", "month"),
        Column("value", current, "per_row"),
        Column("previous_value", prior, "per_row"),
        Column("change", "Change", "per_row_change"),
        Column("target", "Target"),
        Column("target_verdict", "Meets target?"),
    )
    rows = []
    for item in items:
        ar = item.column == "ar_balance_amount"
        rows.append(
            (
                item.label,
                "rpt_ar_aging (all payers)" if ar else "rpt_kpis_monthly (payer ALL)",
                item.column,
                item.period + ("" if ar or is_mature or month is None else f" ({IMMATURE})"),
                None if ar else month,
                item.value,
                item.previous,
                item.change,
                item.target.text if item.target else None,
                item.verdict,
            )
        )
    maturity = (
        "the latest mature month"
        if is_mature
        else "NOT mature: no month of the window is mature yet, so this is the newest month with "
        "adjudicated claims and its values will still change"
    )
    return make_table(
        "headline_kpis",
        "Headline measures, month over month, against their targets",
        columns,
        rows,
        note=f"Values are the rpt_kpis_monthly rows for all payers of {current} ({maturity}); "
        "change = month minus the month before (rates in percentage points), shown only when "
        "both months are mature. A/R > 90 days is "
        "HFMA's billed A/R older than 90 days divided by all billed A/R, as of the warehouse "
        "date. Targets: revenue-cycle primer (HFMA, MGMA); the verdict is in words.",
        row_kinds=[item.kind for item in items],
    )


def payer_pivot(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    measure: str,
    kind: Kind,
    slug: str,
    title: str,
    note: str = "",
    immature: frozenset[dt.date] = frozenset(),
) -> Table:
    """One rpt_kpis_monthly measure by payer (rows) and month (columns), as stored; an immature
    month's header says so."""
    rows = [
        row
        for row in in_window(
            read(con, "marts.rpt_kpis_monthly", "payer_id, month_start_date"),
            window.first_month,
            window.last_month,
        )
        if row["payer_id"] != "ALL"
    ]
    months = sorted({row["month_start_date"] for row in rows})
    cells_by_payer: dict[str, dict[dt.date, Any]] = {}
    all_names: dict[str, set[str]] = {}
    for row in rows:
        payer_id = row["payer_id"]
        cells_by_payer.setdefault(payer_id, {})[row["month_start_date"]] = row.get(measure)
        all_names.setdefault(payer_id, set()).update({row["payer_name"]} - {None})
    names = {payer: max(found, default=None) for payer, found in all_names.items()}
    columns = [Column("payer_id", "Payer id"), Column("payer_name", "Payer")]
    columns += [
        Column(
            f"m_{m.isoformat()[:7]}",
            month_label(m) + (f" ({IMMATURE})" if m in immature else ""),
            kind,
        )
        for m in months
    ]
    if any(m in immature for m in months):
        note = f"{note} {IMMATURE_NOTE}".strip()
    body = [
        [payer_id, names[payer_id]] + [cells_by_payer[payer_id].get(m) for m in months]
        for payer_id in sorted(cells_by_payer)
    ]
    return make_table(slug, title, columns, body, note)


# ---- denials -----------------------------------------------------------------------------------


def root_cause_summary(con: duckdb.DuckDBPyConnection, window: Window) -> Table:
    """rpt_denials_by_root_cause: the window's denials by root cause, every cause named."""
    rows = read(
        con,
        "marts.rpt_denials_by_root_cause",
        "display_order",
        window_last_month_date=window_key(con, window),
    )
    columns = (
        Column("denial_root_cause", "Root cause code"),
        Column("root_cause_label", "Root cause"),
        Column("fixed_by", "Who fixes it"),
    ) + DENIAL_SUM_COLUMNS
    return make_table(
        "denials_by_root_cause",
        "Denials by root cause (window total)",
        columns,
        cells(rows, mart_names(columns)),
        note="Initial denials of billed lines whose first adjudication falls in the window, each "
        "line under its dominant denial CARC (rpt_denials). " + UNCLASSIFIED_NOTE,
    )


def root_cause_trend(
    con: duckdb.DuckDBPyConnection, window: Window, measure: str, kind: Kind, slug: str, title: str
) -> Table:
    """Month x root cause of one rpt_denials measure (denied_amount or denied_lines), from
    rpt_denials_by_root_cause_monthly (columns <cause>_<measure>, other_, total_)."""
    rows = in_window(
        read(con, "marts.rpt_denials_by_root_cause_monthly", "month_start_date"),
        window.first_month,
        window.last_month,
    )
    causes = [code for code, _, _ in ROOT_CAUSES] + ["other", "total"]
    names = ["month_start_date", MONTH_STATUS.name] + [f"{code}_{measure}" for code in causes]
    columns = [Column("month_start_date", "Month", "month"), MONTH_STATUS]
    columns += [Column(code, label, kind) for code, label, _ in ROOT_CAUSES]
    columns += [Column("other", "Other", kind), Column("total", "Total", kind)]
    return make_table(slug, title, columns, cells(rows, names), IMMATURE_NOTE)


# The rankings of rpt_denial_rankings: ranking -> its key columns.
RANKING_KEYS = {
    "carc": ("carc_code", "denial_root_cause"),
    "procedure": ("procedure_code",),
    "rendering_provider": ("rendering_provider_npi",),
    "coder": ("coder_id",),
}


def top_denials_by(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    ranking: str,
    slug: str,
    title: str,
    key_columns: Sequence[Column],
    note: str = "",
    describe: bool = False,
) -> Table:
    """The top groups of one ranking of rpt_denial_rankings over the window, by denied dollars;
    `describe` adds the first key's description (CARC)."""
    rows = read(
        con,
        "marts.rpt_denial_rankings",
        "denial_rank",
        ranking=ranking,
        window_last_month_date=window_key(con, window),
    )
    columns = list(key_columns)
    if describe:
        columns.insert(1, Column("description", "Description"))
    columns += list(DENIAL_SUM_COLUMNS)
    return make_table(slug, title, columns, cells(rows, mart_names(columns)), note)


def top_remark_codes(con: duckdb.DuckDBPyConnection, window: Window) -> Table:
    """Top RARCs on initially denied billed lines (rpt_denial_remark_codes)."""
    rows = read(
        con,
        "marts.rpt_denial_remark_codes",
        "denial_rank",
        window_last_month_date=window_key(con, window),
    )
    columns = [Column("rarc_code", "RARC"), Column("description", "Description")]
    columns += [c for c in DENIAL_SUM_COLUMNS if c.name != "share_of_denied_amount"]
    return make_table(
        "top_rarcs",
        "Top remark codes (RARC) on denied lines",
        columns,
        cells(rows, [c.name for c in columns]),
        note="From fct_claim_lines (initially denied billed lines, first adjudication in the "
        "window); a line with several remark codes counts under each.",
    )


# ---- A/R and payment timing --------------------------------------------------------------------


AGE_BUCKETS = ("0-30", "31-60", "61-90", "91-120", ">120")
AR_COMPONENTS = (
    Column("open_claims", "Claims in A/R", "int"),
    Column("insurance_balance_amount", "Insurance balance", "money"),
    Column("denied_balance_amount", "Denied, appealable", "money"),
    Column("patient_balance_amount", "Patient balance", "money"),
    Column("ar_balance_amount", "Total A/R", "money"),
)
AR_NOTE = (
    "rpt_ar_aging as of the warehouse's run date. A/R holds every billed dollar not yet paid or "
    "written off: insurance balances (not yet adjudicated, pending or unexplained), denied "
    "balances still appealable, and patient balances. Age = days since first submission."
)


def ar_over_90(con: duckdb.DuckDBPyConnection) -> Decimal | None:
    """HFMA's A/R > 90 days: billed A/R older than 90 days / all billed A/R (null without A/R):
    rpt_ar_aging_by_payer, row 'ALL'."""
    rows = read(con, "marts.rpt_ar_aging_by_payer", "display_order", payer_id="ALL")
    return rows[0]["ar_over_90_share"] if rows else None


def ar_aging(con: duckdb.DuckDBPyConnection) -> Table:
    """Total A/R by payer and age bucket, its parts, and the share older than 90 days."""
    columns = [Column("payer_id", "Payer id"), Column("payer_name", "Payer")]
    columns += [Column(_bucket(b), f"{b} days", "money") for b in AGE_BUCKETS]
    columns += list(AR_COMPONENTS)
    columns += [
        Column("ar_over_90_amount", "A/R > 90 days", "money"),
        Column("ar_over_90_share", "A/R > 90 days share", "rate"),
    ]
    rows = read(con, "marts.rpt_ar_aging_by_payer", "display_order")
    return make_table(
        "ar_aging",
        "A/R by payer and age (days since first submission)",
        columns,
        cells(rows, [c.name for c in columns]),
        note=f"{AR_NOTE} Bucket columns are total A/R; A/R > 90 days share = A/R in the 91-120 "
        "and >120 buckets / total A/R (HFMA). The last row adds up every payer.",
    )


def ar_aging_detail(con: duckdb.DuckDBPyConnection) -> Table:
    """Insurance, denied and patient balances by payer and age bucket, then all payers."""
    columns = [
        Column("payer_id", "Payer id"),
        Column("payer_name", "Payer"),
        Column("age_bucket", "Age (days)"),
        *AR_COMPONENTS,
    ]
    rows = read(con, "marts.rpt_ar_aging_by_bucket", "display_order")
    return make_table(
        "ar_aging_by_bucket",
        "A/R balances by payer and age bucket",
        columns,
        cells(rows, [c.name for c in columns]),
        note=AR_NOTE,
    )


def _bucket(label: str) -> str:
    return "balance_" + label.replace(">", "over_").replace("-", "_") + "_amount"


def days_to_payment_distribution(con: duckdb.DuckDBPyConnection, window: Window) -> Table:
    columns = (
        Column("days_bucket", "Days to payment"),
        Column("claims", "Claims", "int"),
        Column("claims_share", "Share of claims", "rate"),
    )
    rows = read(
        con,
        "marts.rpt_days_to_payment",
        "bucket_order",
        window_last_month_date=window_key(con, window),
    )
    return make_table(
        "days_to_payment",
        "Distribution of days to payment",
        columns,
        cells(rows, [c.name for c in columns]),
        note="Claims first adjudicated in the window that were paid (fct_claims.days_to_payment: "
        "first submission to first payment).",
    )


# ---- data quality ------------------------------------------------------------------------------


def select_run_id(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    """The run that produced the published file (`health.publishing_run_id`)."""
    return health.publishing_run_id(con, as_of)


def quality_status(con: duckdb.DuckDBPyConnection, run_id: str | None) -> QualityStatus:
    return health.quality_status(con, run_id)


def quality_file_holds(con: duckdb.DuckDBPyConnection) -> Table:
    """Files the ingestion gate holds back now, and those released by the latest gate run."""
    columns = (
        Column("file_name", "File"),
        Column("hold_status", "Status"),
        Column("held_since_as_of", "Held since", "date"),
        Column("check_names", "Critical checks failed"),
        Column("flagged_rows", "Rows flagged", "int"),
        Column("released_as_of", "Released as of", "date"),
    )
    holds = read(con, "audit.file_holds", "hold_status, held_since_as_of, file_name")
    latest = max((h["released_as_of"] for h in holds if h["released_as_of"]), default=None)
    shown = [h for h in holds if h["hold_status"] == "held" or h["released_as_of"] == latest]
    rows = cells(shown, [c.name for c in columns])
    return make_table(
        "quality_file_holds",
        "Files held back",
        columns,
        rows,
        note="A critical check that failed on a file's rows holds back that file "
        "only: none of its rows is in this warehouse, the rest of the night is. "
        "The gate checks it again every night and releases it once it passes "
        "(audit.file_holds).",
    )


def ingestion_findings(con: duckdb.DuckDBPyConnection) -> Table:
    """Defects ingestion recorded in files it loaded anyway (audit.file_findings), per file and rule."""
    columns = (
        Column("file_name", "File"),
        Column("rule_id", "Rule"),
        Column("element_id", "Element"),
        Column("findings", "Findings", "int"),
        Column("first_position", "First segment", "int"),
        Column("recorded_at", "Recorded", "timestamp"),
    )
    findings = read(con, "audit.file_findings_by_rule", "newest_rank", limit=50)
    rows = cells(findings, [c.name for c in columns])
    return make_table(
        "ingestion_findings",
        "Accepted with findings",
        columns,
        rows,
        note="Envelope control numbers or counts that disagree, negative units, "
        "unreadable dates: defects that left the money readable, so the file "
        "loaded as read (newest 50; every one in audit.file_findings).",
    )


def unmatched_remittances(con: duckdb.DuckDBPyConnection) -> Table:
    """835 claims that match no claim we billed (audit.unmatched_remittances), largest first."""
    columns = (
        Column("file_name", "File"),
        Column("payer_id", "Payer"),
        Column("payee_provider_key", "Payee"),
        Column("unmatched_reason", "Why"),
        Column("remittance_claims", "Claims", "int"),
        Column("paid_amount", "Paid", "money"),
    )
    unmatched = read(con, "audit.unmatched_remittances", "paid_amount desc, file_name", limit=50)
    rows = cells(unmatched, [c.name for c in columns])
    return make_table(
        "unmatched_remittances",
        "Remittances for claims we did not bill",
        columns,
        rows,
        note="Kept with their money in the remittance marts, counted apart "
        "from every rate: another provider's payee (other_provider), a "
        "claim never submitted (not_billed), or two billers that fit "
        "equally (ambiguous).",
    )


def quality_runs(con: duckdb.DuckDBPyConnection, run_id: str | None) -> Table:
    columns = (
        Column("gate", "Gate"),
        Column("suite", "Suite"),
        Column("outcome", "Outcome"),
        Column("critical_failures", "Critical failures", "int"),
        Column("warning_failures", "Warnings", "int"),
        Column("evaluated_expectations", "Checks run", "int"),
        Column("rows_validated", "Rows validated", "int"),
        Column("finished_at", "Finished (UTC)", "timestamp"),
    )
    runs = read(con, "quality.validation_runs", "suite", run_id=run_id) if run_id else []
    runs = sorted(runs, key=lambda r: GATE_ORDER.get(r["gate"], 3))
    rows = cells([{**r, "outcome": gate_outcome(r)} for r in runs], [c.name for c in columns])
    return make_table("quality_gates", "Quality gates of the run", columns, rows)


GATE_ORDER = {"ingestion": 1, "publish": 2}


def gate_outcome(run: dict) -> str:
    """One gate run in words: nothing to check, passed, failed (critical) or with warnings."""
    if not (run["evaluated_expectations"] or 0) and not (run["rows_validated"] or 0):
        return "nothing new to check"
    if run["success"]:
        return "passed"
    return "failed" if (run["critical_failures"] or 0) > 0 else "passed with warnings"


def quality_failing_checks(con: duckdb.DuckDBPyConnection, run_id: str | None) -> Table:
    columns = (
        Column("suite", "Suite"),
        Column("check_name", "Check"),
        Column("table_name", "Table"),
        Column("severity", "Severity"),
        Column("unexpected_count", "Rows failing", "int"),
        Column("unexpected_share", "Share of rows", "rate"),
        Column("element_count", "Rows checked", "int"),
        Column("observed_value", "Observed (numeric)"),
    )
    results = read(con, "quality.expectation_results", "suite, check_name", run_id=run_id)
    failing = sorted(
        (r for r in results if not r["success"]),
        key=lambda r: (r["severity"] != "critical", r["suite"], r["check_name"]),
    )
    rows = [
        (
            r["suite"],
            r["check_name"],
            r["table_name"],
            r["severity"],
            r["unexpected_count"],
            _share(r["unexpected_percent"]),
            r["element_count"],
            r["observed_value"] if _is_number(r["observed_value"]) else None,
        )
        for r in failing
    ]
    return make_table(
        "quality_failing_checks",
        "Failing checks",
        columns,
        rows,
        note="Expectations that did not pass in this run. A critical failure on "
        "rows of specific files holds back those files (below); any other "
        "critical failure stops the run before publishing; a warning is "
        "published with the data.",
    )


def _share(percent: Any) -> Decimal | None:
    """A percentage (GX's unexpected_percent) as a share, to six places."""
    if percent is None:
        return None
    return (Decimal(str(percent)) / 100).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def quality_row_failures(con: duckdb.DuckDBPyConnection, run_id: str | None) -> Table:
    columns = (
        Column("check_name", "Check"),
        Column("severity", "Severity"),
        Column("table_name", "Table"),
        Column("flagged_rows", "Rows flagged", "int"),
        Column("flagged_claims", "Claims flagged", "int"),
    )
    groups: dict[tuple, list[Any]] = {}
    failures = read(con, "quality.row_failures", "check_name", run_id=run_id) if run_id else []
    for f in failures:
        group = groups.setdefault((f["check_name"], f["severity"], f["table_name"]), [0, set()])
        group[0] += 1
        group[1].update({f["claim_id"]} - {None})
    rows = sorted(
        ((*key, n, len(claims)) for key, (n, claims) in groups.items()),
        key=lambda r: (-r[3], r[0], r[2]),
    )
    return make_table(
        "quality_row_failures", "Rows flagged by the checks (counts only)", columns, rows
    )


# ---- context -----------------------------------------------------------------------------------


def warehouse_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """The one row of rpt_warehouse_summary: the build's dates and claim counts."""
    rows = read(con, "marts.rpt_warehouse_summary", "as_of_date")
    return rows[0] if rows else {}


def warehouse_as_of(con: duckdb.DuckDBPyConnection, run_id: str | None) -> dt.date | None:
    """The as-of date of the A/R tables, else that of the run's gate results."""
    built = warehouse_summary(con).get("ar_as_of_date")
    if built or not run_id:
        return built
    runs = read(con, "quality.validation_runs", "as_of_date", run_id=run_id)
    return max((r["as_of_date"] for r in runs if r["as_of_date"]), default=None)


def report_info(con: duckdb.DuckDBPyConnection, data: ReportData) -> Table:
    claims = warehouse_summary(con)
    window = data.window
    items: list[tuple[str, Any, Kind]] = [
        ("Report as-of date", window.as_of, "date"),
        ("Window: first month", window.first_month, "month"),
        ("Window: last month", window.last_month, "month"),
        ("Headline month", data.reporting_month, "month"),
        (
            "Headline month is mature",
            "yes"
            if data.reporting_month_is_mature
            else ("no (no mature month in the window)" if data.reporting_month else "none"),
            "text",
        ),
        ("Warehouse built as of", data.warehouse_as_of, "date"),
        ("Run id", data.quality.run_id, "text"),
        ("Quality gates", data.quality.label, "text"),
        ("Claims in the warehouse", claims.get("claims", 0), "int"),
        ("First claim submitted", claims.get("first_submission_date"), "date"),
        ("Last claim submitted", claims.get("last_submission_date"), "date"),
        ("Last adjudication", claims.get("last_adjudication_date"), "date"),
        ("Source", "analytics.duckdb (published warehouse): schemas marts, quality", "text"),
    ]
    return make_table(
        "report_info",
        "Run and data window",
        (Column("item", "Item"), Column("value", "Value", "per_row")),
        [(label, value) for label, value, _ in items],
        row_kinds=[kind for _, _, kind in items],
    )


def definitions_table() -> Table:
    return make_table(
        "definitions",
        "Definitions",
        (
            Column("measure", "Measure"),
            Column("definition", "Definition"),
            Column("source", "Mart column"),
        ),
        [(d.measure, d.definition, d.source) for d in DEFINITIONS],
    )


# ---- everything --------------------------------------------------------------------------------


def load_report(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    run_id: str | None = None,
    database: str = "analytics.duckdb",
) -> ReportData:
    """Read every table of the report, in display order."""
    check_required_marts(con, database)
    window = data_window(window.as_of, actions.first_data_month_date(con, window.as_of))
    run_id = run_id or select_run_id(con, window.as_of)
    by_month = kpi_all_payers(con, window)
    month = pick_reporting_month(by_month, window)
    is_mature = bool(month and by_month[month].get("is_mature"))
    built_as_of = warehouse_as_of(con, run_id)
    targets = actions.kpi_targets(con)
    items = headlines(by_month, month, ar_over_90(con), built_as_of, targets)
    immature = immature_months(by_month)
    data = ReportData(
        window=window,
        reporting_month=month,
        previous_month=add_months(month, -1) if month else None,
        headlines=items,
        quality=quality_status(con, run_id),
        warehouse_as_of=built_as_of,
        reporting_month_is_mature=is_mature,
        immature_months=immature,
        targets=targets,
        maturity=actions.maturity_labels(con),
        work_queue_totals=actions.work_queue_totals(con),
    )
    queue = actions.work_queue(con)
    data.add(queue)
    data.add(actions.work_queue_summary(con))
    data.add(headline_table(items, month, is_mature))
    data.add(actions.targets_table(targets))
    data.add(
        kpi_trend(
            con,
            window,
            "denial_rate_trend",
            "Denial rates by month (all payers)",
            DENIAL_TREND_COLUMNS,
        )
    )
    data.add(
        kpi_trend(
            con,
            window,
            "operations_trend",
            "Clean claims, first-pass resolution, collection and days to payment (all payers)",
            OPERATIONS_TREND_COLUMNS,
            note="Payer net collection rate = (payer paid + PLB cash) / (billed - contractual - "
            "patient responsibility): what the payers paid of what they owed. The full net "
            "collection rate adds patient payments and divides by billed - contractual; it is "
            "empty when the warehouse has no patient-payments feed. PLB cash: interest adds, "
            "recoupments and withholds subtract, in the month of the payment that carried them.",
        )
    )
    data.add(
        payer_pivot(
            con,
            window,
            "initial_denial_rate",
            "rate",
            "payer_denial_rate",
            "Initial denial rate (claims) by payer and month",
            immature=immature,
        )
    )
    data.add(
        payer_pivot(
            con,
            window,
            "initial_denial_rate_dollars",
            "rate",
            "payer_denial_rate_dollars",
            "Initial denial rate (dollars) by payer and month",
            immature=immature,
        )
    )
    data.add(
        payer_pivot(
            con,
            window,
            "claims_adjudicated",
            "int",
            "payer_claims_adjudicated",
            "Claims adjudicated by payer and month",
            note="The denominators of the two tables above.",
            immature=immature,
        )
    )
    data.add(actions.payer_root_cause(con, window_key(con, window)))
    data.add(root_cause_summary(con, window))
    data.add(
        root_cause_trend(
            con,
            window,
            "denied_amount",
            "money",
            "root_cause_trend_amount",
            "Denied dollars by root cause and month",
        )
    )
    data.add(
        root_cause_trend(
            con,
            window,
            "denied_lines",
            "int",
            "root_cause_trend_lines",
            "Denied lines by root cause and month",
        )
    )
    data.add(
        top_denials_by(
            con,
            window,
            "carc",
            "top_carcs",
            "Top denial reasons (CARC)",
            (Column("carc_code", "CARC"), Column("denial_root_cause", "Root cause")),
            describe=True,
            note="Each line counts under its dominant denial CARC (rpt_denials).",
        )
    )
    data.add(top_remark_codes(con, window))
    data.add(
        top_denials_by(
            con,
            window,
            "procedure",
            "top_procedures",
            "Top denied procedure codes",
            (Column("procedure_code", "Procedure code"),),
            note="Codes only: CPT descriptions are the AMA's and are not shown.",
        )
    )
    data.add(
        top_denials_by(
            con,
            window,
            "rendering_provider",
            "denials_by_provider",
            "Denials by rendering provider",
            (Column("rendering_provider_npi", "Rendering provider NPI"),),
        )
    )
    data.add(
        top_denials_by(
            con,
            window,
            "coder",
            "denials_by_coder",
            "Denials by coder",
            (Column("coder_id", "Coder"),),
        )
    )
    data.add(ar_aging(con))
    data.add(ar_aging_detail(con))
    data.add(days_to_payment_distribution(con, window))
    data.add(quality_runs(con, run_id))
    data.add(quality_failing_checks(con, run_id))
    data.add(quality_row_failures(con, run_id))
    data.add(health.flagged_rows_table(con, run_id))
    data.add(health.data_health_summary(con))
    data.add(health.quarantine_reasons(con))
    data.add(quality_file_holds(con))
    data.add(ingestion_findings(con))
    data.add(unmatched_remittances(con))
    data.add(definitions_table())
    data.add(report_info(con, data))
    return data
