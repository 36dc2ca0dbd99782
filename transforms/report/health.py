"""Data health and the gate status of the publish the report was written from.

Everything is read from the published warehouse's `audit` (dbt models over the raw layer's
manifest, quarantine records, holds and unmatched remittances) and `quality` (the gates' results,
keyed by run id: `transforms.quality.store`) schemas. Counts only: no row key, claim key or
offending value leaves here.

The gate status is that of the run that produced the published file: the run id the pipeline
passes (the run that just published), else the latest run with a publish-gate result for the
warehouse's build date (`audit.build_watermarks`). A rerun whose ingestion gate had nothing new to
check passes every check of its own, yet rows that earlier runs flagged with warning checks are
still in the warehouse (a warning publishes the data): those are counted over every run, less the
rows of files held back now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from transforms.report.model import Column, QualityStatus, Table, make_table
from transforms.report.reads import cells, read

# ---- which run --------------------------------------------------------------------------------


def built_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The as-of date of the build this warehouse was published from (audit.build_watermarks)."""
    builds = read(con, "audit.build_watermarks", "built_at desc", limit=1)
    return builds[0]["as_of_date"] if builds else None


def _latest(values: list[Any]) -> tuple[bool, Any]:
    """A sort key for the largest of `values`, nulls last when sorted descending."""
    present = [v for v in values if v is not None]
    return (bool(present), max(present) if present else None)


def _run_order(runs: list[dict], with_publish_time: bool) -> list[str]:
    """Run ids, best first: with a publish-gate result, (its latest publish,) latest as-of date,
    latest finish, largest run id."""
    by_run: dict[str, list[dict]] = {}
    for run in runs:
        by_run.setdefault(run["run_id"], []).append(run)

    def key(run_id: str) -> tuple:
        rows = by_run[run_id]
        publish = [r for r in rows if r["gate"] == "publish"]
        published = (_latest([r["finished_at"] for r in publish]),) if with_publish_time else ()
        return (
            bool(publish),
            *published,
            max(r["as_of_date"] for r in rows),
            _latest([r["finished_at"] for r in rows]),
            run_id,
        )

    return sorted(by_run, key=key, reverse=True)


def publishing_run_id(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    """The run that published this file: the latest publish-gate result recorded for the build's
    as-of date (the publish gate runs just before the copy, so its result is the newest one the
    file holds); else the latest run up to the report's as-of date."""
    runs = [
        r
        for r in read(con, "quality.validation_runs", "run_id")
        if r["as_of_date"] is not None and r["as_of_date"] <= as_of
    ]
    built = built_as_of(con)
    of_build = [r for r in runs if built is None or r["as_of_date"] == built]
    best = _run_order(of_build, with_publish_time=True) or _run_order(runs, False)
    return best[0] if best else None


# ---- flagged rows still present ----------------------------------------------------------------


def present_flags(con: duckdb.DuckDBPyConnection, run_id: str | None) -> list[dict]:
    """Rows that warning checks of this run or an earlier one flagged and that are still in the
    warehouse (raw rows are immutable: an ingestion-gate flag stays true until the file is
    corrected; a publish-gate flag counts for this run only), less the rows of held files."""
    if run_id is None:
        return []
    suites: dict[str, set[tuple[str, str]]] = {}
    for run in read(con, "quality.validation_runs", "run_id"):
        suites.setdefault(run["run_id"], set()).add((run["gate"], run["suite"]))
    held = {h["file_sha256"] for h in read(con, "audit.file_holds", "1", hold_status="held")}
    flags = []
    for failure in read(con, "quality.row_failures", "run_id", severity="warning"):
        failing, sha = failure["run_id"], failure.get("file_sha256")
        if failing is None or failing > run_id or (sha is not None and sha in held):
            continue
        if any(
            str(failure["check_name"]).startswith(f"{suite}.")
            and (gate == "ingestion" or failing == run_id)
            for gate, suite in suites.get(failing, ())
        ):
            flags.append(failure)
    return flags


def flagged_rows_present(
    con: duckdb.DuckDBPyConnection, run_id: str | None
) -> tuple[int, tuple[str, ...]]:
    """How many distinct rows (check, table, row key) `present_flags` holds, and its runs."""
    flags = present_flags(con, run_id)
    rows = {(f["check_name"], f["table_name"], f["row_key"]) for f in flags}
    return len(rows), tuple(sorted({f["run_id"] for f in flags}, reverse=True))


def flagged_rows_table(con: duckdb.DuckDBPyConnection, run_id: str | None) -> Table:
    columns = (
        Column("check_name", "Check"),
        Column("table_name", "Table"),
        Column("flagged_rows", "Rows still in the warehouse", "int"),
        Column("flagged_in_runs", "Flagged in run(s)"),
    )
    groups: dict[tuple[str, str], tuple[set, set]] = {}
    for flag in present_flags(con, run_id):
        keys, runs = groups.setdefault((flag["check_name"], flag["table_name"]), (set(), set()))
        keys.add(flag["row_key"])
        runs.add(flag["run_id"])
    rows = sorted(
        (
            (check, table, len(keys), ", ".join(sorted(runs, reverse=True)))
            for (check, table), (keys, runs) in groups.items()
        ),
        key=lambda r: (-r[2], r[0], r[1]),
    )
    return make_table(
        "quality_flagged_rows_present",
        "Rows flagged by warning checks that are in this warehouse",
        columns,
        rows,
        note="A warning check publishes the rows it flags. They stay in the warehouse, and in "
        "this table, after later runs that had nothing new to check: a rerun passing its own "
        "checks does not clear them; correcting the file does. Rows of files held back now are "
        "not in the warehouse and not counted (quality.row_failures, every run up to this one).",
    )


def quality_status(con: duckdb.DuckDBPyConnection, run_id: str | None) -> QualityStatus:
    runs = read(con, "quality.validation_runs", "suite", run_id=run_id) if run_id else []
    if not runs and (run_id is None or not runs.names):
        return QualityStatus(None, False, 0, 0)
    held = read(con, "audit.file_holds", "1", hold_status="held")
    present, flagged_in = flagged_rows_present(con, run_id)
    return QualityStatus(
        run_id,
        any(r["gate"] == "publish" for r in runs),
        sum(r["critical_failures"] or 0 for r in runs),
        sum(r["warning_failures"] or 0 for r in runs),
        len(held),
        present,
        flagged_in,
        any(r["gate"] == "ingestion" for r in runs),
    )


# ---- data health -------------------------------------------------------------------------------


def data_health_summary(con: duckdb.DuckDBPyConnection) -> Table:
    """One line per thing a manager asks about the night's inputs: what loaded, what did not,
    and why, with money where the warehouse knows it (audit.data_health_summary)."""
    columns = (
        Column("item", "What"),
        Column("files", "Files", "int"),
        Column("detail", "Detail"),
        Column("amount", "Money $", "money"),
        Column("source_table", "Source"),
    )
    lines = read(con, "audit.data_health_summary", "display_order")
    return make_table(
        "data_health",
        "Data health: what the night loaded and what it did not",
        columns,
        cells(lines, [c.name for c in columns]),
        note="From the published audit schema. Money is shown where the warehouse knows it: an "
        "unmatched remittance's payment is read; a held or quarantined file's money is not.",
    )


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> Table:
    """Quarantined units by rule (the reason), with how many files and the newest
    (audit.quarantine_by_rule)."""
    columns = (
        Column("rule_id", "Rule (reason)"),
        Column("quarantine_unit", "Unit rejected"),
        Column("units", "Units", "int"),
        Column("files", "Files", "int"),
        Column("example_file", "Example file"),
        Column("last_recorded_at", "Last recorded", "timestamp"),
    )
    reasons = read(con, "audit.quarantine_by_rule", "unit_rank", limit=50)
    return make_table(
        "quarantine_reasons",
        "Quarantined: why",
        columns,
        cells(reasons, [c.name for c in columns]),
        note="audit.quarantine, one line per rule and unit (file, transaction set or row). "
        "The rejected file is under data/quarantine/ with a JSON reason; `rcm quarantine "
        "release` lets the next ingest read it again once fixed.",
    )
