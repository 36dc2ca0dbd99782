"""The report's charts as inline SVG, drawn with matplotlib's SVG backend (offline, no fonts).

Every chart is drawn from a report `Table`, so it shows exactly the numbers of the table beside it.
Text stays text (`svg.fonttype = none`: the browser's sans-serif font draws it); the XML prolog and
metadata are dropped and every id is prefixed with the chart's name, so several SVGs can live in one
HTML page without clashing. A chart with nothing to show says so instead of drawing empty axes.
Matplotlib's object API is used (no pyplot), so nothing global is touched.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence

from transforms.report.model import Table, Target

PALETTE = (
    "#2f5d8a",
    "#e07b39",
    "#3a9a5b",
    "#c0392b",
    "#7d5ba6",
    "#8c6d31",
    "#d36ba6",
    "#5f6b7a",
    "#17becf",
    "#bcbd22",
)
ROOT_CAUSE_COLORS = {
    "coding": "#2f5d8a",
    "billing": "#e07b39",
    "front_end": "#3a9a5b",
    "clinical": "#c0392b",
    "unclassified": "#7d5ba6",
    "other": "#9aa3ad",
}
AGE_COLORS = ("#9ecae1", "#6baed6", "#3182bd", "#e6550d", "#a63603")
INK = "#1f2a44"
GRID = "#d9dee5"
FIGSIZE = (8.4, 3.3)

_RC = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure():  # -> matplotlib.figure.Figure (imported lazily: matplotlib is slow to import)
    from matplotlib.figure import Figure

    return Figure(figsize=FIGSIZE, layout="constrained")


def _style(ax, percent: bool = False, money: bool = False) -> None:
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    if money:
        ax.yaxis.set_major_formatter(FuncFormatter(_money_tick))


def _money_tick(value: float, _position: object = None) -> str:
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"${value / 1_000_000:.1f}M"
    if magnitude >= 1_000:
        return f"${value / 1_000:.0f}k"
    return f"${value:.0f}"


def to_svg(fig, slug: str, title: str) -> str:
    """Serialise a figure as an inline <svg> element with ids unique to this chart."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": slug}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return inline_svg(buffer.getvalue(), slug, title)


def inline_svg(svg: str, slug: str, title: str) -> str:
    """Strip the prolog and metadata, prefix ids, make it scale with its container."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\bid="', f'id="{slug}-', svg)
    svg = re.sub(r"url\(#", f"url(#{slug}-", svg)
    svg = re.sub(r'href="#', f'href="#{slug}-', svg)
    svg = re.sub(r'(<svg[^>]*?)\s(width|height)="[^"]*"', r"\1", svg, count=1)
    svg = re.sub(r'(<svg[^>]*?)\s(width|height)="[^"]*"', r"\1", svg, count=1)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{safe_title}"', 1)


def _empty(slug: str, title: str, message: str = "No data in the report window") -> str:
    fig = _figure()
    ax = fig.subplots()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        color="#5f6b7a",
        fontsize=11,
        transform=ax.transAxes,
    )
    return to_svg(fig, slug, title)


def _month_labels(values: Sequence) -> list[str]:
    return [v.strftime("%b %y") for v in values]


def _immature_flags(table: Table) -> list[bool]:
    """Which rows are immature months (the table's month_status column: 'immature' or
    'immature: <why>'), all False without it."""
    if "month_status" not in [c.name for c in table.columns]:
        return [False] * len(table.rows)
    return [str(status or "").startswith("immature") for status in table.column("month_status")]


def _mark_immature(
    labels: list[str], flags: Sequence[bool], statuses: Sequence[str] = ()
) -> list[str]:
    """An immature month's tick label gets a '*' and, on a second line, why in short
    ('45 d, 95% adj.') from its month_status text (the caption says it in full)."""
    out = []
    for index, (label, flag) in enumerate(zip(labels, flags, strict=True)):
        if not flag:
            out.append(label)
            continue
        status = statuses[index] if index < len(statuses) else ""
        days = re.search(r"(\d+) days since month end", status)
        share = re.search(r"(\d+)% adjudicated", status)
        why = ", ".join(
            part
            for part in (
                f"{days.group(1)} d" if days else ("open" if status else ""),
                f"{share.group(1)}% adj." if share else "",
            )
            if part
        )
        out.append(f"{label}*\n{why}" if why else f"{label}*")
    return out


IMMATURE_HATCH = "////"


def _statuses(table: Table) -> list[str]:
    if "month_status" not in [c.name for c in table.columns]:
        return []
    return [str(v or "") for v in table.column("month_status")]


def _shade_immature(
    ax, flags: Sequence[bool], label: bool = True, statuses: Sequence[str] = ()
) -> None:
    """Hatch the immature months' columns and write "immature" over them, so a reader sees
    which points will still move without reading the caption."""
    spans = [index for index, flag in enumerate(flags) if flag]
    for index in spans:
        ax.axvspan(
            index - 0.5,
            index + 0.5,
            facecolor="#f6f7f9",
            edgecolor="#c3c9d1",
            hatch=IMMATURE_HATCH,
            linewidth=0,
            zorder=0,
        )
    if label:
        _label_immature(ax, flags, statuses)


def _label_immature(ax, flags: Sequence[bool], statuses: Sequence[str] = ()) -> None:
    """'immature' over the immature months (each tick says why: `_mark_immature`)."""
    spans = [index for index, flag in enumerate(flags) if flag]
    if not spans:
        return
    ax.text(
        (spans[0] + spans[-1]) / 2,
        0.98,
        "immature",
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="top",
        fontsize=8,
        color="#6b4b00",
        bbox={"facecolor": "#fdf0c4", "edgecolor": "none", "pad": 1.5},
    )


def _target_line(ax, target: Target | None, label: str, color: str = "#1e7b45") -> None:
    """The target as a dashed horizontal line (with its value in the legend) and, when the
    source publishes a benchmark range, that range as a pale band."""
    if target is None:
        return
    if target.benchmark_low is not None and target.benchmark_high is not None:
        low, high = float(target.benchmark_low), float(target.benchmark_high)
        if high > low:
            ax.axhspan(
                low,
                high,
                color="#e07b39",
                alpha=0.10,
                linewidth=0,
                zorder=0,
                label=f"{label}: benchmark {low * 100:.0f}\u2013{high * 100:.0f}%",
            )
    ax.axhline(
        float(target.threshold),
        color=color,
        linestyle=(0, (5, 3)),
        linewidth=1.2,
        zorder=1,
        label=f"{label}: target {target.comparator} {float(target.threshold) * 100:.0f}%",
    )


def _real(value: float) -> bool:
    return not math.isnan(value)


def _floats(values: Sequence) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def denial_trend(table: Table, target: Target | None = None) -> str:
    """Initial (claims, dollars) and final denial rates by month, all payers, with the initial
    denial rate's target and benchmark range."""
    slug, title = "chart-denial-trend", "Denial rates by month, all payers"
    if not table.rows:
        return _empty(slug, title)
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.subplots()
        flags = _immature_flags(table)
        months = _mark_immature(
            _month_labels(table.column("month_start_date")), flags, _statuses(table)
        )
        _shade_immature(ax, flags, statuses=_statuses(table))
        series = (
            ("initial_denial_rate", "Initial denial rate (claims)", PALETTE[0], "-"),
            ("initial_denial_rate_dollars", "Initial denial rate ($)", PALETTE[1], "-"),
            ("final_denial_rate", "Final denial rate", PALETTE[3], "--"),
        )
        for column, label, color, style in series:
            ax.plot(
                months,
                _floats(table.column(column)),
                marker="o",
                markersize=3.5,
                linewidth=1.8,
                color=color,
                linestyle=style,
                label=label,
            )
        _target_line(ax, target, "Initial denial rate")
        _style(ax, percent=True)
        ax.set_ylim(bottom=0)
        fig.legend(frameon=False, loc="outside upper left", ncols=3, fontsize=8)
        return to_svg(fig, slug, title)


def operations_trend(table: Table, targets: dict[str, Target]) -> str:
    """Clean-claim, first-pass resolution and net collection rates by month with their targets."""
    slug, title = "chart-operations-trend", "Clean claims, first-pass resolution, collection"
    if not table.rows:
        return _empty(slug, title)
    import matplotlib

    names = [c.name for c in table.columns]
    ncr = "net_collection_rate"
    if ncr not in names or all(v is None for v in table.column(ncr)):
        ncr = "payer_net_collection_rate"
    series = (
        ("clean_claim_rate", "Clean-claim rate", PALETTE[0]),
        ("first_pass_resolution_rate", "First-pass resolution", PALETTE[2]),
        (ncr, "Net collection rate" if ncr == "net_collection_rate" else "Payer NCR", PALETTE[4]),
    )
    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.subplots()
        flags = _immature_flags(table)
        months = _mark_immature(
            _month_labels(table.column("month_start_date")), flags, _statuses(table)
        )
        _shade_immature(ax, flags, statuses=_statuses(table))
        for column, label, color in series:
            if column not in names:
                continue
            ax.plot(
                months,
                _floats(table.column(column)),
                marker="o",
                markersize=3.5,
                linewidth=1.8,
                color=color,
                label=label,
            )
        shown = set()
        for column, _label, color in series:
            target = targets.get(column)
            key = None if target is None else (target.comparator, target.threshold)
            if target is None or key in shown:
                continue
            shown.add(key)
            same = [
                lbl
                for col, lbl, _ in series
                if targets.get(col) and (targets[col].comparator, targets[col].threshold) == key
            ]
            _target_line(ax, target, " and ".join(same), color=color)
        _style(ax, percent=True)
        low = min(
            [v for c, _, _ in series if c in names for v in _floats(table.column(c)) if _real(v)]
            + [0.8]
        )
        ax.set_ylim(bottom=max(0.0, low - 0.05), top=1.02)
        fig.legend(frameon=False, loc="outside upper left", ncols=3, fontsize=8)
        return to_svg(fig, slug, title)


def root_cause_trend(table: Table) -> str:
    """Denied dollars by month, stacked by root cause (coding, billing, front end, clinical)."""
    slug, title = "chart-root-cause", "Denied dollars by root cause and month"
    if not table.rows:
        return _empty(slug, title)
    import matplotlib
    from matplotlib.colors import to_rgba

    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.subplots()
        flags = _immature_flags(table)
        months = _mark_immature(
            _month_labels(table.column("month_start_date")), flags, _statuses(table)
        )
        bottom = [0.0] * len(months)
        for column in table.columns[1:]:
            if column.name in ("total", "month_status"):
                continue
            values = [float(v or 0) for v in table.column(column.name)]
            bars = ax.bar(
                months,
                values,
                bottom=bottom,
                width=0.65,
                label=column.label,
                color=[
                    to_rgba(ROOT_CAUSE_COLORS.get(column.name, "#9aa3ad"), 0.45 if flag else 1.0)
                    for flag in flags
                ],
            )
            for patch, flag in zip(bars.patches, flags, strict=True):
                if flag:  # immature: lighter and hatched
                    patch.set_hatch(IMMATURE_HATCH)
                    patch.set_edgecolor("#ffffff")
                    patch.set_linewidth(0)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        _label_immature(ax, flags, _statuses(table))
        _style(ax, money=True)
        fig.legend(frameon=False, loc="outside upper left", ncols=6)
        return to_svg(fig, slug, title)


def ar_aging(table: Table) -> str:
    """Total A/R by payer, stacked by age bucket (horizontal bars)."""
    slug, title = "chart-ar-aging", "A/R by payer and age"
    records = [r for r in table.records() if r["payer_id"] != "ALL"]
    if not records:
        return _empty(slug, title, "No open A/R")
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.subplots()
        records = list(reversed(records))  # largest balance on top
        names = [str(r["payer_name"] or r["payer_id"])[:28] for r in records]
        left = [0.0] * len(records)
        buckets = [c for c in table.columns if c.name.startswith("balance_")]
        for index, column in enumerate(buckets):
            values = [float(r[column.name] or 0) for r in records]
            ax.barh(
                names,
                values,
                left=left,
                height=0.6,
                label=column.label,
                color=AGE_COLORS[index % len(AGE_COLORS)],
            )
            left = [a + v for a, v in zip(left, values, strict=True)]
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(_money_tick))
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        fig.legend(frameon=False, loc="outside upper left", ncols=5, fontsize=8)
        return to_svg(fig, slug, title)


def days_to_payment(table: Table) -> str:
    """Claims by days from first submission to first payment."""
    slug, title = "chart-days-to-payment", "Distribution of days to payment"
    counts = [int(v or 0) for v in table.column("claims")] if table.rows else []
    if not any(counts):
        return _empty(slug, title, "No paid claims in the report window")
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.subplots()
        labels = [str(v) for v in table.column("days_bucket")]
        bars = ax.bar(labels, counts, width=0.65, color=PALETTE[0])
        ax.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=2, fontsize=8, color=INK)
        _style(ax)
        ax.set_xlabel("Days from first submission to first payment")
        ax.set_ylabel("Claims")
        ax.set_ylim(top=max(counts) * 1.15)
        return to_svg(fig, slug, title)


MIN_PANEL_CLAIMS = 20


def payer_small_multiples(
    table: Table,
    all_payers: Table | None = None,
    target: Target | None = None,
    claims: Table | None = None,
) -> str:
    """Initial denial rate by month, one small panel per payer (same scales), each with all
    payers' rate in grey and the target, immature months hatched: no tangle of lines. A month
    in which the payer had fewer than MIN_PANEL_CLAIMS claims adjudicated (`claims`, the same
    pivot of claims_adjudicated) is left out: 0 % of 3 claims is no trend."""
    slug, title = "chart-payer-panels", "Initial denial rate by payer and month"
    month_columns = [c for c in table.columns if c.name.startswith("m_")]
    if not table.rows or not month_columns:
        return _empty(slug, title)
    import matplotlib
    from matplotlib.figure import Figure

    labels = [c.label.replace(" (immature)", "*") for c in month_columns]
    flags = [c.label.endswith("(immature)") for c in month_columns]
    overall: list[float] = []
    if all_payers is not None and all_payers.rows:
        by_month = dict(
            zip(
                all_payers.column("month_start_date"),
                all_payers.column("initial_denial_rate"),
                strict=True,
            )
        )
        overall = _floats([by_month.get(_month_of(c.name)) for c in month_columns])
    records = table.records()
    counts = {r["payer_id"]: r for r in claims.records()} if claims is not None else {}

    def enough(payer_id: str, column: str) -> bool:
        if not counts:
            return True
        count = counts.get(payer_id, {}).get(column)
        return count is not None and count >= MIN_PANEL_CLAIMS

    records = [
        {
            **r,
            **{c.name: r[c.name] if enough(r["payer_id"], c.name) else None for c in month_columns},
        }
        for r in records
    ]
    cols = 3
    rows = math.ceil(len(records) / cols)
    values = [v for r in records for c in month_columns for v in _floats([r[c.name]]) if _real(v)]
    top = max(values + overall + [float(target.threshold) if target else 0.0] + [0.05]) * 1.15
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(FIGSIZE[0], 1.85 * rows + 0.5), layout="constrained")
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        for index, ax in enumerate(axes.flat):
            if index >= len(records):
                ax.set_axis_off()
                continue
            record = records[index]
            _shade_immature(ax, flags, label=False)
            if overall:
                ax.plot(labels, overall, color="#9aa3ad", linewidth=1.2, label="All payers")
            ax.plot(
                labels,
                _floats([record[c.name] for c in month_columns]),
                marker="o",
                markersize=2.5,
                linewidth=1.7,
                color=PALETTE[0],
                label="This payer",
            )
            if target is not None:
                ax.axhline(
                    float(target.threshold),
                    color="#1e7b45",
                    linestyle=(0, (5, 3)),
                    linewidth=1.0,
                    label=f"Target {target.comparator} {float(target.threshold) * 100:.0f}%",
                )
            ax.set_title(str(record["payer_name"] or record["payer_id"])[:30], fontsize=8.5)
            _style(ax, percent=True)
            ax.set_ylim(0, top)
            ax.tick_params(axis="x", labelsize=7, rotation=45)
            ax.tick_params(axis="y", labelsize=7)
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, frameon=False, loc="outside upper left", ncols=3, fontsize=8)
        return to_svg(fig, slug, title)


def _month_of(column_name: str):  # 'm_2026-03' -> date(2026, 3, 1)
    import datetime as dt

    year, month = column_name[2:].split("-")
    return dt.date(int(year), int(month), 1)
