"""Nightly incremental builds end exactly where a full rebuild of the same raw layer ends.

A generated practice's files land night by night; after each night `build()` recomputes only the
claims in scope. The warehouse is then copied and rebuilt from scratch (`full_refresh=True`) as of
the same date, and every mart, intermediate table and the coded lines are compared row for row
(EXCEPT ALL both ways). A backfill (an as-of date earlier than the last build's) is compared the
same way, and one night carries a re-coding that moves a coded line to another claim (both claims
change) and another practice's 835 reusing our patient control numbers (its claims stay apart from
ours: same scope key, two claims). A stub that kept yesterday's rows, or recomputed the wrong
claims, leaves differences.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from transforms.bench import file_date
from transforms.generate import generate
from transforms.ingest import ingest
from transforms.warehouse import build

START = dt.date(2026, 3, 2)
DAYS = 24
NIGHTS = [dt.date(2026, 3, 20), dt.date(2026, 3, 23), dt.date(2026, 3, 30)]
# compared: what analysts query and the stored intermediates the marts are computed from
SCHEMAS = ("marts", "intermediate", "staging")
NOT_COMPARED = {"int_build_scope", "int_claims_in_scope"}  # the build's own bookkeeping
MUST_HAVE_ROWS = {"fct_claims", "fct_claim_lines", "fct_remittance_claims",
                  "fct_remittance_service_lines", "stg_encounters__coded_lines",
                  "int_remittance_claims_matched"}
OTHER_NPI, OTHER_TIN = "9876543213", "987654321"  # another practice paid by the same payers


def _land_until(generated: Path, data_dir: Path, last_day: dt.date) -> int:
    """Hard-link every generated file delivered on or before `last_day`; return how many."""
    count = 0
    for path in sorted((generated / "landing").rglob("*")):
        day = file_date(path) if path.is_file() else None
        target = data_dir / "landing" / path.relative_to(generated / "landing")
        if day is not None and day <= last_day and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
            count += 1
    return count


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' order by 1, 2", [catalog]).fetchall()
    return [(s, t) for s, t in rows if s in SCHEMAS and t not in NOT_COMPARED]


def _differences(incremental_db: Path, full_db: Path) -> dict[str, tuple[int, int, int]]:
    """{schema.table: (rows, only in incremental, only in full)} for every table that differs."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{incremental_db}' as inc (read_only)")
        con.execute(f"attach '{full_db}' as full_build (read_only)")
        inc_tables, full_tables = _tables(con, "inc"), _tables(con, "full_build")
        assert inc_tables == full_tables and len(inc_tables) >= 20
        found = {}
        for schema, table in inc_tables:
            a, b = f"inc.{schema}.{table}", f"full_build.{schema}.{table}"
            rows = con.execute(f"select count(*) from {a}").fetchone()[0]
            only_a = con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0]
            only_b = con.execute(f"select count(*) from (from {b} except all from {a})").fetchone()[0]
            if only_a or only_b or (rows == 0 and table in MUST_HAVE_ROWS):
                found[f"{schema}.{table}"] = (rows, only_a, only_b)
        return found
    finally:
        con.close()


def _full_rebuild_of(data_dir: Path, copy: Path, as_of: dt.date) -> Path:
    """Copy the data directory (same raw layer, same manifest) and rebuild it from scratch."""
    shutil.copytree(data_dir, copy, symlinks=True)
    summary = build(copy, as_of, full_refresh=True)
    assert summary["full_refresh"] is True
    return copy / "warehouse" / "build.duckdb"


def _scope(data_dir: Path) -> tuple[bool, int]:
    con = duckdb.connect(str(data_dir / "warehouse" / "build.duckdb"), read_only=True)
    try:
        return con.execute("select is_full_scope, claims_in_scope from audit.build_watermarks "
                           "order by built_at desc limit 1").fetchone()
    finally:
        con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # GIVEN a generated practice (encounters, 837s, 835s with denials, reversals, re-codings)
    root = tmp_path_factory.mktemp("incremental")
    generated = root / "generated"
    generate(out=generated, claims=400, start=START, days=DAYS, seed=11, defect_rate=0.08)
    data_dir = root / "data"
    # WHEN its files land night by night and each night builds incrementally; before the second
    # night a late extract re-codes one line onto another claim (the line moves between claims)
    # and another practice's 835 reuses the patient control numbers of an earlier one
    for index, night in enumerate(NIGHTS):
        assert _land_until(generated, data_dir, night) > 0
        if index == 1:
            _move_a_line_to_another_claim(data_dir, night)
            _land_another_practices_remittance(data_dir, night)
        ingest(data_dir)
        build(data_dir, night)
    return data_dir


def _move_a_line_to_another_claim(data_dir: Path, night: dt.date) -> None:
    """Land an extract that re-codes the first line of an earlier extract onto another claim."""
    first = min((data_dir / "landing" / "encounters").glob("*.csv"))
    with first.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    moved = dict(rows[0])
    other = next(row["claim_id"] for row in rows if row["claim_id"] != moved["claim_id"])
    moved["claim_id"] = other
    moved["coded_at"] = f"{night.isoformat()}T08:00:00"
    target = data_dir / "landing" / "encounters" / f"encounters_{night:%Y%m%d}_recode.csv"
    with target.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(moved)


def _land_another_practices_remittance(data_dir: Path, night: dt.date) -> None:
    """Land a copy of the first 835 paid to another practice (its NPI and TIN on N1*PE and
    REF*TJ, its own trace number): the same patient control numbers, someone else's claims."""
    first = min((data_dir / "landing" / "remits").glob("*.835"))
    text = first.read_text()
    text = re.sub(r"N1\*PE\*[^*~]*\*XX\*\d+", f"N1*PE*OTHER PRACTICE*XX*{OTHER_NPI}", text)
    text = re.sub(r"REF\*TJ\*\d+", f"REF*TJ*{OTHER_TIN}", text)
    text = re.sub(r"TRN\*1\*([^*~]+)", r"TRN*1*\1X", text)
    assert OTHER_NPI in text and OTHER_TIN in text
    (data_dir / "landing" / "remits" / f"835_other_practice_{night:%Y%m%d}.835").write_text(text)


def test_first_build_is_full_and_later_nights_recompute_a_part(nights: Path):
    con = duckdb.connect(str(nights / "warehouse" / "build.duckdb"), read_only=True)
    try:
        log = con.execute("select as_of_date, is_full_scope, claims_in_scope "
                          "from audit.build_watermarks order by built_at").fetchall()
        claims = con.execute("select count(*) from marts.fct_claims").fetchone()[0]
        other_practice = con.execute(
            "select count(*), count(*) filter (where has_submission), "
            "count(distinct patient_control_number) filter (where patient_control_number in ("
            "    select patient_control_number from marts.fct_claims where has_submission)) "
            "from marts.fct_claims where billing_provider_key = ?", [f"NPI:{OTHER_NPI}"]).fetchone()
    finally:
        con.close()
    # THEN the log has one row per night: the first in full, the next ones a strict part
    assert [row[0] for row in log] == NIGHTS
    assert [row[1] for row in log] == [True, False, False]
    assert all(0 < row[2] < claims for row in log[1:])
    # ... and the other practice's remittances are claims of their own, never billed by us, that
    # reuse patient control numbers of our billed claims
    assert other_practice[0] > 0 and other_practice[1] == 0 and other_practice[2] == other_practice[0]


def test_nightly_increments_equal_a_full_rebuild(nights: Path, tmp_path: Path):
    # WHEN the same raw layer is rebuilt from scratch as of the last night
    full_db = _full_rebuild_of(nights, tmp_path / "full", NIGHTS[-1])
    # THEN every compared table holds exactly the same rows
    assert _differences(nights / "warehouse" / "build.duckdb", full_db) == {}


def test_a_backfill_to_an_earlier_date_equals_a_full_rebuild(nights: Path, tmp_path: Path):
    # GIVEN a copy of the nightly warehouse, rebuilt incrementally as of an earlier date
    backfilled = tmp_path / "backfilled"
    shutil.copytree(nights, backfilled, symlinks=True)
    build(backfilled, NIGHTS[0])
    assert _scope(backfilled)[0] is False
    # WHEN the same raw layer is rebuilt from scratch as of that date
    full_db = _full_rebuild_of(nights, tmp_path / "full", NIGHTS[0])
    # THEN they agree row for row
    assert _differences(backfilled / "warehouse" / "build.duckdb", full_db) == {}
