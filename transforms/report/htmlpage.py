"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, no URL.

Layout: a masthead (as-of date, window, run id, gate status), a band of headline KPI tiles with
month-over-month change, a table of contents, then one section per topic, each a chart and the
tables it was drawn from, and the definitions. A print stylesheet drops the navigation and keeps
figures and table rows whole. Every value is escaped; nothing is fetched at view time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape

from transforms.report import actions, charts
from transforms.report.formatting import MISSING, html_text, is_numeric
from transforms.report.model import CHANGE_KINDS, Headline, ReportData, Table, add_months

CSS = """
:root { --ink:#1f2a44; --muted:#5f6b7a; --line:#d9dee5; --band:#f4f6f9; --accent:#2f5d8a;
        --good:#1e7b45; --bad:#b3261e; --warn:#9a6700; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.4;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       "Liberation Sans", "DejaVu Sans", sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 0 24px 40px; }
header.masthead { background: var(--ink); color: #fff; padding: 20px 0 18px; }
header.masthead .page { padding-bottom: 0; }
header.masthead h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: .2px; }
header.masthead .meta { margin: 0; color: #c9d3e3; font-size: 13px; }
header.masthead .meta b { color: #fff; font-weight: 600; }
.status { display: inline-block; margin-top: 10px; padding: 3px 10px; border-radius: 12px;
          font-size: 12.5px; font-weight: 600; background: #e8edf3; color: var(--ink); }
.status.ok { background: #d7f0df; color: #14532d; }
.status.warn { background: #fdf0c4; color: #6b4b00; }
.status.bad { background: #fbd9d6; color: #7f1d1d; }
.banner { margin: 16px 0 0; padding: 10px 14px; border-left: 4px solid var(--warn);
          background: #fff8e1; font-size: 13px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px;
         margin: 20px 0 8px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff; }
.tile .label { font-size: 12px; color: var(--muted); text-transform: uppercase;
               letter-spacing: .4px; }
.tile .value { font-size: 26px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.tile .delta { font-size: 12.5px; color: var(--muted); }
.tile .delta .up, .tile .delta .down { font-weight: 650; }
.tile .delta .good { color: var(--good); }
.tile .delta .bad { color: var(--bad); }
.tile .target { font-size: 12px; margin-top: 4px; }
.tile .target .met { color: var(--good); font-weight: 650; }
.tile .target .missed { color: var(--bad); font-weight: 650; }
.tile.immature { border-style: dashed; }
.tile .source { font-size: 10.5px; color: var(--muted); margin-top: 2px; }
p.callout { font-size: 14px; font-weight: 600; margin: 6px 0 8px; }
p.rest { font-size: 12.5px; font-weight: 600; margin: 2px 0 8px; }
td.status-col { min-width: 17em; }
tr.hot td { background: #fff4e5 !important; }
tr.hot td:nth-child(2) { color: var(--bad); font-weight: 700; }
ul.sources { font-size: 11.5px; color: var(--muted); margin: 0 0 10px; padding-left: 18px; }
.immature-flag { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #fdf0c4;
                 color: #6b4b00; font-weight: 650; }
.tiles-caption { font-size: 12.5px; color: var(--muted); margin: 0 0 6px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 18px 0 6px; padding: 10px 14px;
          background: var(--band); border-radius: 8px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; white-space: nowrap; }
section { margin-top: 30px; }
h2 { font-size: 19px; margin: 0 0 4px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.lead { margin: 6px 0 12px; color: var(--muted); max-width: 900px; }
figure { margin: 10px 0 6px; }
figure svg.chart { width: 100%; max-width: 900px; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); }
.table-wrap { overflow-x: auto; margin: 6px 0 4px; }
table { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; font-size: 13.5px; padding: 4px 0 6px; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--band); text-align: left; font-weight: 600; border-bottom: 1px solid
           #b8c1cc; }
thead th { vertical-align: bottom; }
th.num, td.num { text-align: right; }
td.num, td.date { white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr.total td { font-weight: 650; border-top: 1.5px solid var(--ink); }
td.empty { color: var(--muted); font-style: italic; }
p.note { font-size: 12px; color: var(--muted); margin: 2px 0 14px; max-width: 900px; }
p.files { font-size: 11.5px; color: var(--muted); margin: 0 0 14px; }
.split { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px;
         margin: 10px 0 12px; }
.split .cause { border-left: 5px solid var(--line); padding: 6px 12px; background: var(--band);
                border-radius: 0 6px 6px 0; }
.split .cause .name { font-weight: 650; }
.split .cause .amount { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.split .cause .sub { font-size: 12px; color: var(--muted); }
dl.definitions { margin: 8px 0; }
dl.definitions dt { font-weight: 650; margin-top: 10px; }
dl.definitions dd { margin: 2px 0 0 0; max-width: 920px; }
dl.definitions dd .src { display: block; font-size: 12px; color: var(--muted);
                         font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 12px;
         color: var(--muted); }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 10.5px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .page { max-width: none; padding: 0; }
  header.masthead { padding: 10px 0; }
  header.masthead h1 { font-size: 18px; }
  nav.toc, p.files { display: none; }
  .tiles { grid-template-columns: repeat(5, 1fr); gap: 6px; margin: 10px 0 4px; }
  .tile { padding: 6px 8px; }
  .tile .label { font-size: 8.5px; }
  .tile .value { font-size: 17px; }
  .tile .delta, .tiles-caption, p.lead, p.note, figcaption { font-size: 9px; }
  .tile .target { font-size: 9px; }
  .tile .source { font-size: 7.5px; }
  p.callout { font-size: 11px; }
  p.rest, ul.sources { font-size: 9px; }
  tr.hot td { background: #fff4e5 !important; }
  h2 { font-size: 14px; }
  h3, caption { font-size: 11px; }
  figure svg.chart { max-width: 620px; }
  .split .cause .amount { font-size: 14px; }
  section { margin-top: 16px; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  figure, .tile, .split, tr, dl.definitions dt, dl.definitions dd { break-inside: avoid;
      page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 9.5px; }
  th, td { padding: 3px 6px; }
  section.break { break-before: page; page-break-before: always; }
}
"""

DATE_KINDS = frozenset({"date", "month", "timestamp"})
ROOT_CAUSE_CODES = ("coding", "billing", "front_end", "clinical", "unclassified")
SECTIONS = (
    ("work-queue", "Work queue"),
    ("trend", "Denial-rate trend"),
    ("payers", "By payer"),
    ("root-cause", "Root cause: coding vs billing"),
    ("reasons", "Denial and remark codes"),
    ("who", "Procedures, providers, coders"),
    ("ar", "A/R aging"),
    ("days", "Days to payment"),
    ("quality", "Data quality"),
    ("health", "Data health"),
    ("definitions", "Definitions"),
    ("about", "About"),
)


# ---- pieces ------------------------------------------------------------------------------------


def render_table(
    table: Table, total_row_key: str | None = None, highlight: tuple[str, str] | None = None
) -> str:
    """A <table> with a caption, numeric columns right-aligned, then its note and file names."""
    head = "".join(
        f'<th scope="col" class="{"num" if is_numeric(table.cell_kind(0, i)) else "txt"}">'
        f"{escape(c.label)}</th>"
        if table.rows
        else f'<th scope="col">{escape(c.label)}</th>'
        for i, c in enumerate(table.columns)
    )
    body: list[str] = []
    for r, row in enumerate(table.rows):
        cells = []
        for i, value in enumerate(row):
            kind = table.cell_kind(r, i)
            css = "num" if is_numeric(kind) else ("date" if kind in DATE_KINDS else "txt")
            if table.columns[i].name == "month_status":
                css += " status-col"
            cells.append(f'<td class="{css}">{escape(html_text(value, kind))}</td>')
        total = total_row_key is not None and bool(row) and row[0] == total_row_key
        hot = (
            highlight is not None
            and row[[c.name for c in table.columns].index(highlight[0])] == (highlight[1])
        )
        row_class = ' class="total"' if total else (' class="hot"' if hot else "")
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    if not body:
        body.append(f'<tr><td class="empty" colspan="{len(table.columns)}">No rows</td></tr>')
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    files = (
        f'<p class="files">Also in {escape(table.slug)}.csv and sheet '
        f"&ldquo;{escape(table.slug)}&rdquo; of denial_report.xlsx.</p>"
    )
    return (
        f'<div class="table-wrap"><table id="t-{escape(table.slug)}">'
        f"<caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{note}{files}"
    )


def _delta(item: Headline, previous_label: str, no_change_reason: str = "") -> str:
    change = item.change
    if item.column == "ar_balance_amount":
        return f'<div class="delta">{escape(item.period)}</div>'
    if no_change_reason:
        return f'<div class="delta">{escape(no_change_reason)}</div>'
    if item.previous is None:
        return f'<div class="delta">{escape(previous_label)}: {MISSING}</div>'
    previous = escape(html_text(item.previous, item.kind))
    if change is None or change == 0:
        arrow = '<span class="flat">no change</span>'
    else:
        good = (change < 0) == item.lower_is_better
        symbol = "\u25b2" if change > 0 else "\u25bc"
        change_kind = CHANGE_KINDS.get(item.kind, item.kind)
        arrow = (
            f'<span class="{"up" if change > 0 else "down"} {"good" if good else "bad"}">'
            f"{symbol} {escape(html_text(change, change_kind))}</span>"
        )
    return f'<div class="delta">{arrow} &middot; {escape(previous_label)}: {previous}</div>'


def _target(item: Headline) -> str:
    """The target and, in words, whether the value meets it (never colour alone)."""
    if item.target is None:
        return ""
    met = item.target.is_met(item.value)
    css = "" if met is None else (' class="met"' if met else ' class="missed"')
    mark = "" if met is None else ("\u2713 " if met else "\u2717 ")
    source = (
        f'<div class="source">Source: {escape(item.target.source)}</div>'
        if item.target.source
        else ""
    )
    return (
        f'<div class="target">Target {escape(item.target.text)}: '
        f"<span{css}>{mark}{escape(item.verdict or '')}</span></div>{source}"
    )


def render_tiles(data: ReportData) -> str:
    if data.reporting_month is None:
        return (
            '<p class="tiles-caption">No claims were adjudicated in the report window: '
            "there are no headline measures to show.</p>"
        )
    month = data.reporting_month
    to_date = month == data.window.last_month and data.window.as_of.day < _days_in_month(month)
    label = month.strftime("%B %Y") + (" (month to date)" if to_date else "")
    newer_immature = sorted(m for m in data.immature_months if month < m <= data.window.last_month)
    if data.reporting_month_is_mature:
        maturity = "the latest mature month"
        if newer_immature:
            names = ", ".join(m.strftime("%b %Y") for m in newer_immature)
            maturity += (
                f"; newer months ({names}) are immature: shown in the tables and charts, "
                "marked \u201cimmature\u201d, not headlined"
            )
        flag = ""
    else:
        maturity = (
            "no month of the report window is mature yet, so the tiles show the newest month "
            "with adjudicated claims; it is IMMATURE: its claims may still be adjudicated, "
            "appealed and overturned, and these values will change"
        )
        flag = '<span class="immature-flag">immature</span> '
    previous_label = data.previous_month.strftime("%b %Y") if data.previous_month else "previous"
    no_change = _no_change_reason(data)
    tile_css = "tile" if data.reporting_month_is_mature else "tile immature"
    tiles = "".join(
        f'<div class="{tile_css if item.column != "ar_balance_amount" else "tile"}">'
        f'<div class="label">{escape(item.label)}</div>'
        f'<div class="value">{escape(html_text(item.value, item.kind))}</div>'
        f"{_delta(item, previous_label, no_change)}{_target(item)}</div>"
        for item in data.headlines
    )
    return (
        f'<p class="tiles-caption">Headline month: {flag}<b>{escape(label)}</b> '
        f"({escape(maturity)}), all payers, compared with {escape(previous_label)}.</p>"
        f'<div class="tiles">{tiles}</div>'
    )


def _no_change_reason(data: ReportData) -> str:
    """Why the tiles show no month-over-month change: the headline month or the month before it
    is immature (a change from or against it would move with late adjudications)."""
    month = data.reporting_month
    if month is None:
        return ""
    previous = add_months(month, -1)
    for which in (month, previous):
        if which in data.immature_months:
            why = data.maturity.get(which, "immature")
            return f"no change shown: {which.strftime('%b %Y')} is {why}"
    return ""


def _days_in_month(month: dt.date) -> int:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def render_split(table: Table) -> str:
    """The coding-vs-billing callout: one card per main root cause (unclassified included) with
    its window totals."""
    cards = []
    for record in table.records()[: len(ROOT_CAUSE_CODES)]:
        color = charts.ROOT_CAUSE_COLORS.get(record["denial_root_cause"], "#9aa3ad")
        share = html_text(record["share_of_denied_amount"], "rate")
        coding = html_text(record["failed_coding_check_amount_share"], "rate")
        cards.append(
            f'<div class="cause" style="border-left-color:{color}">'
            f'<div class="name">{escape(record["root_cause_label"])}</div>'
            f'<div class="amount">{escape(html_text(record["denied_amount"], "money"))}</div>'
            f'<div class="sub">{escape(html_text(record["denied_lines"], "int"))} lines &middot; '
            f"{escape(share)} of denied $ &middot; {escape(coding)} of its $ on lines that "
            f"failed a coding check</div>"
            f'<div class="sub">Fixed by: {escape(record["fixed_by"])}</div></div>'
        )
    return f'<div class="split">{"".join(cards)}</div>'


def render_work_queue(data: ReportData) -> str:
    """The first rows of the work queue, a count and total of the rest, and the team summary."""
    queue = data.tables[actions.WORK_QUEUE_SLUG]
    totals = data.work_queue_totals
    top = actions.work_queue_top(queue, totals.get("top_rows") or actions.WORK_QUEUE_TOP_N)
    rest_count = totals.get("claims_after_top_rows") or 0
    rest_amount = totals.get("after_top_rows_recoverable_amount")
    if totals.get("claims"):
        lead = (
            f"{totals['claims']:,} denied claim(s) can still be appealed or corrected: "
            f"{html_text(totals['recoverable_amount'], 'money')} recoverable. "
            f"{totals['p1_claims']:,} of them "
            f"({html_text(totals['p1_recoverable_amount'], 'money')}) are due within 14 days "
            "(P1: appeal or corrected claim)."
        )
    else:
        lead = "No denied claim is waiting to be worked."
    rest = (
        f'<p class="rest">And {rest_count:,} more claim(s) with '
        f"{escape(html_text(rest_amount, 'money'))} recoverable: every row is in "
        f"{escape(queue.slug)}.csv and sheet &ldquo;{escape(queue.slug)}&rdquo; of "
        "denial_report.xlsx.</p>"
        if rest_count
        else ""
    )
    shown, sources = actions.work_queue_display(top)
    source_list = "".join(
        f"<li><b>{escape(payer)}</b>: {escape(source)}</li>" for payer, source in sources
    )
    source_html = (
        f'<p class="note">Deadline sources (seed payer_settings):</p><ul class="sources">'
        f"{source_list}</ul>"
        if source_list
        else ""
    )
    table_html = render_table(shown, highlight=("priority", "P1"))
    return (
        f'<p class="callout">{escape(lead)}</p>'
        + table_html.replace('<p class="files">', rest + source_html + '<p class="files">', 1)
        + render_table(data.tables["denial_work_queue_by_team"])
    )


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _section(
    anchor: str, title: str, lead: str, parts: Iterable[str], page_break: bool = False
) -> str:
    css = ' class="break"' if page_break else ""
    lead_html = f'<p class="lead">{escape(lead)}</p>' if lead else ""
    return (
        f'<section id="{anchor}"{css}><h2>{escape(title)}</h2>{lead_html}{"".join(parts)}</section>'
    )


def _immature_caption(data: ReportData) -> str:
    months = sorted(
        m for m in data.immature_months if data.window.first_month <= m <= data.window.last_month
    )
    if not months:
        return "none in this window"
    return "; ".join(f"{m.strftime('%b %Y')} {data.maturity.get(m, 'immature')}" for m in months)


def _ar_lead(data: ReportData) -> str:
    item = next((h for h in data.headlines if h.column == "ar_balance_amount"), None)
    if item is None:
        return ""
    verdict = f" \u2014 target {item.target.text}: {item.verdict}" if item.target else ""
    return f"A/R > 90 days (HFMA): {html_text(item.value, 'rate')} of A/R{verdict}."


def render_definitions(table: Table) -> str:
    items = "".join(
        f"<dt>{escape(r['measure'])}</dt><dd>{escape(r['definition'])}"
        f'<span class="src">{escape(r["source"])}</span></dd>'
        for r in table.records()
    )
    return (
        f'<dl class="definitions">{items}</dl><p class="files">Also in definitions.csv and '
        "sheet &ldquo;definitions&rdquo; of denial_report.xlsx.</p>"
    )


# ---- the page ----------------------------------------------------------------------------------


def render_html(data: ReportData) -> str:
    """The whole report page as one string."""
    t = data.tables
    window = data.window
    window_text = (
        f"{window.first_month.strftime('%b %Y')} \u2013 {window.last_month.strftime('%b %Y')}"
    )
    run = data.quality.run_id or "not recorded"
    banner = ""
    if data.warehouse_as_of and data.warehouse_as_of != window.as_of:
        banner = (
            f'<div class="banner">The published warehouse was built as of '
            f"<b>{data.warehouse_as_of.isoformat()}</b>, not the report date "
            f"{window.as_of.isoformat()}: A/R aging and &ldquo;still denied&rdquo; amounts "
            "are as of the warehouse date.</div>"
        )
    toc = "\n".join(f'<a href="#{a}">{escape(title)}</a>' for a, title in SECTIONS)
    sections = [
        _section(
            "work-queue",
            "Work queue: what to do tomorrow",
            "Open denials that can still be recovered, largest first, with the team that fixes "
            "each one and the payer's deadline. Work P1 rows first: their deadline is within "
            "14 days.",
            [render_work_queue(data)],
        ),
        _section(
            "trend",
            "Denial-rate trend",
            "Initial denial rate by claims and by dollars, and the final (never recovered) "
            "denial rate, by month of first adjudication, all payers.",
            [
                _figure(
                    charts.denial_trend(
                        t["denial_rate_trend"], data.targets.get("initial_denial_rate")
                    ),
                    "Source: rpt_kpis_monthly, payer ALL. Dashed green: target; orange band: "
                    "published benchmark range (ref.kpi_targets). Months marked * (hatched) are "
                    "immature: " + _immature_caption(data) + ".",
                ),
                _figure(
                    charts.operations_trend(t["operations_trend"], data.targets),
                    "Source: rpt_kpis_monthly, payer ALL; dashed lines: targets "
                    "(ref.kpi_targets). Months marked * (hatched) are immature.",
                ),
                render_table(t["headline_kpis"]),
                render_table(t["kpi_targets"]),
                render_table(t["denial_rate_trend"]),
                render_table(t["operations_trend"]),
            ],
        ),
        _section(
            "payers",
            "By payer",
            "Initial denial rate by payer and month, one panel per payer on the same scale; "
            "read the rates with the claim counts below them. Then where each payer's denied "
            "dollars come from.",
            [
                _figure(
                    charts.payer_small_multiples(
                        t["payer_denial_rate"],
                        t["denial_rate_trend"],
                        data.targets.get("initial_denial_rate"),
                        t["payer_claims_adjudicated"],
                    ),
                    "Source: rpt_kpis_monthly. Blue: the payer; grey: all payers; dashed green: "
                    f"target. A month with fewer than {charts.MIN_PANEL_CLAIMS} claims "
                    "adjudicated for the payer is left out (its rate is in the table below). "
                    "Months marked * (hatched) are immature.",
                ),
                render_table(t["payer_root_cause"]),
                render_table(t["payer_denial_rate"]),
                render_table(t["payer_denial_rate_dollars"]),
                render_table(t["payer_claims_adjudicated"]),
            ],
        ),
        _section(
            "root-cause",
            "Root cause: coding vs billing",
            "Who has to fix the denied dollars: coders, billers, the front desk "
            "(eligibility, authorization) or clinicians (medical necessity); unclassified denials "
            "carry a CARC that names no cause (A1, 193, unknown codes) and need their remark "
            "codes read. Totals over the report window.",
            [
                render_split(t["denials_by_root_cause"]),
                render_table(t["denials_by_root_cause"]),
                _figure(
                    charts.root_cause_trend(t["root_cause_trend_amount"]),
                    "Source: rpt_denials, denied dollars by month of first adjudication. "
                    "Months marked * (pale, hatched bars) are immature.",
                ),
                render_table(t["root_cause_trend_amount"]),
                render_table(t["root_cause_trend_lines"]),
            ],
            page_break=True,
        ),
        _section(
            "reasons",
            "Denial and remark codes",
            f"The {len(t['top_carcs'].rows)} largest denial reasons by dollars, and the "
            "remark codes payers sent with them.",
            [render_table(t["top_carcs"]), render_table(t["top_rarcs"])],
        ),
        _section(
            "who",
            "Procedures, providers, coders",
            "Where denied dollars concentrate, and how much of them sits on lines that had "
            "already failed a coding check before submission.",
            [
                render_table(t["top_procedures"]),
                render_table(t["denials_by_provider"]),
                render_table(t["denials_by_coder"]),
            ],
            page_break=True,
        ),
        _section(
            "ar",
            "A/R aging",
            "Every billed dollar not yet paid or written off (insurance balances, denied "
            "balances still appealable, patient balances) by payer and days since first "
            "submission. " + _ar_lead(data),
            [
                _figure(charts.ar_aging(t["ar_aging"]), "Source: rpt_ar_aging, total A/R."),
                render_table(t["ar_aging"], total_row_key="ALL"),
                render_table(t["ar_aging_by_bucket"]),
            ],
        ),
        _section(
            "days",
            "Days to payment",
            "How long paid claims waited from first submission to first payment.",
            [
                _figure(
                    charts.days_to_payment(t["days_to_payment"]),
                    "Source: fct_claims.days_to_payment, claims first adjudicated in the window.",
                ),
                render_table(t["days_to_payment"]),
            ],
        ),
        _section(
            "quality",
            "Data quality",
            f"Gate results of run {run}: {data.quality.label}.",
            [
                render_table(t["quality_gates"]),
                render_table(t["quality_failing_checks"]),
                render_table(t["quality_row_failures"]),
                render_table(t["quality_flagged_rows_present"]),
            ],
            page_break=True,
        ),
        _section(
            "health",
            "Data health",
            "What the nightly load took in and what it left out: files loaded, held back by "
            "the ingestion gate, quarantined, and remittances for claims we did not bill.",
            [
                render_table(t["data_health"]),
                render_table(t["quality_file_holds"]),
                render_table(t["quarantine_reasons"]),
                render_table(t["ingestion_findings"]),
                render_table(t["unmatched_remittances"]),
            ],
        ),
        _section("definitions", "Definitions", "", [render_definitions(t["definitions"])]),
        _section("about", "About this report", "", [render_table(t["report_info"])]),
    ]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Denial report &ndash; as of {window.as_of.isoformat()}</title>
<style>{CSS}</style>
</head>
<body>
<header class="masthead"><div class="page">
<h1>Denial report</h1>
<p class="meta">As of <b>{window.as_of.isoformat()}</b> &middot; window <b>{escape(window_text)}</b>
({len(window.months)} month{"s" if len(window.months) != 1 else ""}) &middot; run <b>{escape(run)}</b></p>
<span class="status {data.quality.level}">{escape(data.quality.label)}</span>
</div></header>
<div class="page">
{banner}
{render_tiles(data)}
<nav class="toc">{toc}</nav>
{"".join(sections)}
<footer>Aggregates only: no patient identifiers, names or birth dates. Generated by
<code>rcm report</code> from the published warehouse (analytics.duckdb). Files beside this page:
one CSV per table and denial_report.xlsx.</footer>
</div>
</body>
</html>
"""
