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

import duckdb

from transforms.report.model import Column, QualityStatus, Table, make_table


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def _columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> frozenset[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return frozenset(r[0] for r in rows)


# ---- which run --------------------------------------------------------------------------------


def built_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The as-of date of the build this warehouse was published from (audit.build_watermarks)."""
    if not _exists(con, "audit", "build_watermarks"):
        return None
    row = con.execute(
        "select as_of_date from audit.build_watermarks order by built_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def publishing_run_id(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    """The run that published this file: the latest publish-gate result recorded for the build's
    as-of date (the publish gate runs just before the copy, so its result is the newest one the
    file holds); else the latest run up to the report's as-of date."""
    if not _exists(con, "quality", "validation_runs"):
        return None
    built = built_as_of(con)
    row = con.execute(
        """
        select run_id
        from quality.validation_runs
        where as_of_date <= ? and (? is null or as_of_date = ?)
        group by run_id
        order by max(case when gate = 'publish' then 1 else 0 end) desc,
            max(case when gate = 'publish' then finished_at end) desc nulls last,
            max(as_of_date) desc, max(finished_at) desc nulls last, run_id desc
        limit 1""",
        [as_of, built, built],
    ).fetchone()
    if row is None and built is not None:
        return publishing_run_id_any(con, as_of)
    return row[0] if row else None


def publishing_run_id_any(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    row = con.execute(
        """
        select run_id from quality.validation_runs where as_of_date <= ?
        group by run_id
        order by max(case when gate = 'publish' then 1 else 0 end) desc,
            max(as_of_date) desc, max(finished_at) desc nulls last, run_id desc
        limit 1""",
        [as_of],
    ).fetchone()
    return row[0] if row else None


# ---- flagged rows still present ----------------------------------------------------------------

_PRESENT_FLAGS = """
    with runs as (
        select distinct run_id, gate, suite from quality.validation_runs
    ),
    held as (
        select file_sha256 from {holds} where hold_status = 'held'
    ),
    flags as (
        select failures.run_id, failures.check_name, failures.table_name, failures.row_key
        from quality.row_failures as failures
        join runs
            on runs.run_id = failures.run_id
            and starts_with(failures.check_name, runs.suite || '.')
        where failures.severity = 'warning'
            and failures.run_id in (select run_id from runs where run_id <= ? or run_id = ?)
            and (runs.gate = 'ingestion' or failures.run_id = ?)
            and {not_held}
    )
"""


def _present_sql(con: duckdb.DuckDBPyConnection) -> str | None:
    if not (_exists(con, "quality", "row_failures") and _exists(con, "quality", "validation_runs")):
        return None
    holds = _exists(con, "audit", "file_holds")
    has_sha = "file_sha256" in _columns(con, "quality", "row_failures")
    not_held = (
        "(failures.file_sha256 is null or failures.file_sha256 not in (select file_sha256 "
        "from held))"
        if holds and has_sha
        else "true"
    )
    holds_table = (
        "audit.file_holds"
        if holds
        else "(select cast(null as varchar) as file_sha256, '' as hold_status)"
    )
    return _PRESENT_FLAGS.format(holds=holds_table, not_held=not_held)


def flagged_rows_present(
    con: duckdb.DuckDBPyConnection, run_id: str | None
) -> tuple[int, tuple[str, ...]]:
    """Distinct rows (check, table, row key) that warning checks of this run or an earlier one
    flagged and that are still in the warehouse (raw rows are immutable: an ingestion-gate flag
    stays true until the file is corrected; a publish-gate flag counts for this run only)."""
    sql = _present_sql(con)
    if sql is None or run_id is None:
        return 0, ()
    row = con.execute(
        sql
        + """
        select count(distinct (check_name, table_name, row_key)),
            list(distinct run_id order by run_id desc)
        from flags""",
        [run_id, run_id, run_id],
    ).fetchone()
    return int(row[0] or 0), tuple(row[1] or ())


def flagged_rows_table(con: duckdb.DuckDBPyConnection, run_id: str | None) -> Table:
    columns = (
        Column("check_name", "Check"),
        Column("table_name", "Table"),
        Column("flagged_rows", "Rows still in the warehouse", "int"),
        Column("flagged_in_runs", "Flagged in run(s)"),
    )
    rows: list[tuple] = []
    sql = _present_sql(con)
    if sql is not None and run_id is not None:
        rows = con.execute(
            sql
            + """
            select check_name, table_name, count(distinct row_key),
                string_agg(distinct run_id, ', ' order by run_id desc)
            from flags
            group by check_name, table_name
            order by count(distinct row_key) desc, check_name""",
            [run_id, run_id, run_id],
        ).fetchall()
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
    if run_id is None or not _exists(con, "quality", "validation_runs"):
        return QualityStatus(None, False, 0, 0)
    row = con.execute(
        """
        select count(*) filter (where gate = 'publish'),
            coalesce(sum(critical_failures), 0), coalesce(sum(warning_failures), 0),
            count(*) filter (where gate = 'ingestion')
        from quality.validation_runs where run_id = ?""",
        [run_id],
    ).fetchone()
    held = 0
    if _exists(con, "audit", "file_holds"):
        held = con.execute(
            "select count(*) from audit.file_holds where hold_status = 'held'"
        ).fetchone()[0]
    present, runs = flagged_rows_present(con, run_id)
    return QualityStatus(
        run_id,
        bool(row[0]),
        int(row[1]),
        int(row[2]),
        int(held),
        present,
        runs,
        bool(row[3]),
    )


# ---- data health -------------------------------------------------------------------------------


def data_health_summary(con: duckdb.DuckDBPyConnection) -> Table:
    """One line per thing a manager asks about the night's inputs: what loaded, what did not,
    and why, with money where the warehouse knows it."""
    rows: list[tuple] = []
    if _exists(con, "audit", "file_manifest"):
        for status, files, units_in, units_loaded, units_quarantined in con.execute(
            """
            select status, count(distinct file_sha256), sum(units_in), sum(units_loaded),
                sum(units_quarantined)
            from audit.file_manifest
            group by status
            order by case status when 'loaded' then 1 when 'duplicate' then 3 else 2 end,
                status"""
        ).fetchall():
            what = {
                "loaded": "Files loaded",
                "duplicate": "Files delivered again (loaded once, copy skipped)",
            }.get(status, f"Files {str(status).replace('_', ' ')}")
            detail = (
                f"{units_loaded or 0:,} of {units_in or 0:,} units loaded, "
                f"{units_quarantined or 0:,} quarantined"
            )
            rows.append((what, files, detail, None, "audit.file_manifest"))
    if _exists(con, "audit", "file_holds"):
        held, flagged = con.execute(
            "select count(*), coalesce(sum(flagged_rows), 0) from audit.file_holds "
            "where hold_status = 'held'"
        ).fetchone()
        rows.append(
            (
                "Files held back by the ingestion gate (not in this warehouse)",
                held,
                f"{flagged:,} rows failed a critical check; money not counted (not loaded)",
                None,
                "audit.file_holds",
            )
        )
    if _exists(con, "audit", "quarantine"):
        files, units = con.execute(
            "select count(distinct file_sha256), count(*) from audit.quarantine"
        ).fetchone()
        rows.append(
            (
                "Quarantined (rejected) units",
                files,
                f"{units:,} unit(s) rejected; money not read (a rejected unit is not parsed)",
                None,
                "audit.quarantine",
            )
        )
    if _exists(con, "audit", "unmatched_remittances"):
        files, claims, paid = con.execute(
            "select count(distinct file_name), coalesce(sum(remittance_claims), 0), "
            "sum(paid_amount) from audit.unmatched_remittances"
        ).fetchone()
        rows.append(
            (
                "Remittances matching no claim we billed (kept apart from every rate)",
                files,
                f"{claims:,} remittance claim(s)",
                paid if paid is not None else 0,
                "audit.unmatched_remittances",
            )
        )
    return make_table(
        "data_health",
        "Data health: what the night loaded and what it did not",
        (
            Column("item", "What"),
            Column("files", "Files", "int"),
            Column("detail", "Detail"),
            Column("amount", "Money $", "money"),
            Column("source_table", "Source"),
        ),
        rows,
        note="From the published audit schema. Money is shown where the warehouse knows it: an "
        "unmatched remittance's payment is read; a held or quarantined file's money is not.",
    )


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> Table:
    """Quarantined units by rule (the reason), with how many files and the newest."""
    rows: list[tuple] = []
    if _exists(con, "audit", "quarantine"):
        rows = con.execute(
            """
            select rule_id, quarantine_unit, count(*), count(distinct file_sha256),
                max(file_name), max(recorded_at)
            from audit.quarantine
            group by rule_id, quarantine_unit
            order by count(*) desc, rule_id
            limit 50"""
        ).fetchall()
    return make_table(
        "quarantine_reasons",
        "Quarantined: why",
        (
            Column("rule_id", "Rule (reason)"),
            Column("quarantine_unit", "Unit rejected"),
            Column("units", "Units", "int"),
            Column("files", "Files", "int"),
            Column("example_file", "Example file"),
            Column("last_recorded_at", "Last recorded", "timestamp"),
        ),
        rows,
        note="audit.quarantine, one line per rule and unit (file, transaction set or row). "
        "The rejected file is under data/quarantine/ with a JSON reason; `rcm quarantine "
        "release` lets the next ingest read it again once fixed.",
    )
