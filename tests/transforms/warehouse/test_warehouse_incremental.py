"""Nightly incremental builds end exactly where a full rebuild of the same raw layer ends.

A generated practice's files land night by night; after each night `build()` recomputes only the
claims in scope. The warehouse is then copied and rebuilt from scratch (`full_refresh=True`) as of
the same date, and every mart, intermediate table and the coded lines are compared row for row
(EXCEPT ALL both ways). A backfill (an as-of date earlier than the last build's) is compared the
same way, and one night carries a re-coding that moves a coded line to another claim (both claims
change). On the second night the ingestion gate's holds keep three files of the first night (an
835, an 837, an encounter extract) out of the build; on the third night they are released: both
nights are compared with a full rebuild, since a hold change must recompute those files' claims
although the files were loaded nights before. A stub that kept yesterday's rows, or recomputed the
wrong claims, leaves differences. Another practice's 835 reusing our patient control numbers lands
on the second night too (its claims stay apart from ours: same scope key, two claims).
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

from transforms.generate import generate
from transforms.harness.bench import file_date
from transforms.ingest import ingest
from transforms.quality import holds
from transforms.warehouse import build

START = dt.date(2026, 3, 2)
DAYS = 24
NIGHTS = [dt.date(2026, 3, 20), dt.date(2026, 3, 23), dt.date(2026, 3, 30)]
# compared: what analysts query and the stored intermediates the marts are computed from
SCHEMAS = ("marts", "intermediate", "staging")
NOT_COMPARED = {"int_build_scope", "int_claims_in_scope"}  # the build's own bookkeeping
MUST_HAVE_ROWS = {
    "fct_claims",
    "fct_claim_lines",
    "fct_remittance_claims",
    "fct_remittance_service_lines",
    "int_coded_lines",
    "int_remittance_claims_matched",
}
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
        "where table_catalog = ? and table_type = 'BASE TABLE' order by 1, 2",
        [catalog],
    ).fetchall()
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
            only_a = con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[
                0
            ]
            only_b = con.execute(f"select count(*) from (from {b} except all from {a})").fetchone()[
                0
            ]
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
        return con.execute(
            "select is_full_scope, claims_in_scope from audit.build_watermarks "
            "order by built_at desc limit 1"
        ).fetchone()
    finally:
        con.close()


def _first_files_of_each_kind(data_dir: Path) -> dict[str, str]:
    """{kind: sha256} of the first loaded 835, 837 and encounter extract (by file name)."""
    con = duckdb.connect()
    try:
        rows = con.execute(
            "select file_kind, min_by(file_sha256, file_name) from read_parquet(?) "
            "where status = 'loaded' group by file_kind",
            [str(data_dir / "raw" / "file_manifest" / "*.parquet")],
        ).fetchall()
    finally:
        con.close()
    found = dict(rows)
    return {kind: found[kind] for kind in ("835", "837", "encounters")}


def _set_holds(data_dir: Path, night: dt.date, held: dict[str, str], released: dict[str, str]):
    """What the ingestion gate's result writer stores when it holds or releases files."""
    holds.write_snapshot(
        data_dir,
        gate_run_id=f"gate-{night}",
        as_of=night,
        held={sha: holds.Hold(sha, kind, held_since_as_of=night) for kind, sha in held.items()},
        released={sha: holds.Hold(sha, kind) for kind, sha in released.items()},
        recorded_at=dt.datetime.combine(night, dt.time(2, 5)),
    )


def _rows_from(db: Path, shas: set[str]) -> dict[str, int]:
    """Rows of the given files in stored claim-level tables (held files must have none; views are
    not read: a copied warehouse's views still point at the original raw folder)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(
                f"select count(*) from {t} where list_contains(?, file_sha256)", [sorted(shas)]
            ).fetchone()[0]
            for t in (
                "intermediate.int_remittance_claims_adjudicated",
                "intermediate.int_remittance_lines_adjudicated",
                "intermediate.int_coded_lines",
            )
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict:
    # GIVEN a generated practice (encounters, 837s, 835s with denials, reversals, re-codings)
    root = tmp_path_factory.mktemp("incremental")
    generated = root / "generated"
    generate(out=generated, claims=400, start=START, days=DAYS, seed=11, defect_rate=0.08)
    data_dir = root / "data"
    # WHEN its files land night by night and each night builds incrementally; before the second
    # night a late extract re-codes one line onto another claim (the line moves between claims)
    # and the gate holds back three files of the first night (before the third it releases them),
    # and another practice's 835 reuses the patient control numbers of an earlier one
    held: dict[str, str] = {}
    for index, night in enumerate(NIGHTS):
        assert _land_until(generated, data_dir, night) > 0
        if index == 1:
            _move_a_line_to_another_claim(data_dir, night)
            _land_another_practices_remittance(data_dir, night)
            held = _first_files_of_each_kind(data_dir)
            _set_holds(data_dir, night, held, {})
        if index == 2:
            _set_holds(data_dir, night, {}, held)
        ingest(data_dir)
        build(data_dir, night)
        if index == 1:
            shutil.copytree(data_dir, root / "with_holds", symlinks=True)
    return {"data_dir": data_dir, "with_holds": root / "with_holds", "held": held}


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


def test_first_build_is_full_and_later_nights_recompute_a_part(nights: dict):
    con = duckdb.connect(str(nights["data_dir"] / "warehouse" / "build.duckdb"), read_only=True)
    try:
        log = con.execute(
            "select as_of_date, is_full_scope, claims_in_scope "
            "from audit.build_watermarks order by built_at"
        ).fetchall()
        claims = con.execute("select count(*) from marts.fct_claims").fetchone()[0]
        other_practice = con.execute(
            "select count(*), count(*) filter (where has_submission), "
            "count(distinct patient_control_number) filter (where patient_control_number in ("
            "    select patient_control_number from marts.fct_claims where has_submission)) "
            "from marts.fct_claims where billing_provider_key = ?",
            [f"NPI:{OTHER_NPI}"],
        ).fetchone()
    finally:
        con.close()
    # THEN the log has one row per night: the first in full, the next ones a strict part
    assert [row[0] for row in log] == NIGHTS
    assert [row[1] for row in log] == [True, False, False]
    assert all(0 < row[2] < claims for row in log[1:])
    # ... and the other practice's remittances are claims of their own, never billed by us, that
    # reuse patient control numbers of our billed claims
    assert (
        other_practice[0] > 0 and other_practice[1] == 0 and other_practice[2] == other_practice[0]
    )


def test_nightly_increments_equal_a_full_rebuild(nights: dict, tmp_path: Path):
    # WHEN the same raw layer is rebuilt from scratch as of the last night (the held files were
    # released before it: their rows are back, although they were loaded on the first night)
    data_dir = nights["data_dir"]
    full_db = _full_rebuild_of(data_dir, tmp_path / "full", NIGHTS[-1])
    # THEN every compared table holds exactly the same rows
    assert _differences(data_dir / "warehouse" / "build.duckdb", full_db) == {}
    assert all(
        _rows_from(data_dir / "warehouse" / "build.duckdb", set(nights["held"].values())).values()
    )


def test_a_night_with_files_held_back_equals_a_full_rebuild(nights: dict, tmp_path: Path):
    # GIVEN the warehouse as the second night left it: three files of the first night held back
    with_holds = nights["with_holds"]
    db = with_holds / "warehouse" / "build.duckdb"
    # THEN none of their rows is in the claim-level tables, and that night was still incremental
    assert set(_rows_from(db, set(nights["held"].values())).values()) == {0}
    assert _scope(with_holds)[0] is False
    # WHEN the same raw layer, with the same holds, is rebuilt from scratch as of that night
    full_db = _full_rebuild_of(with_holds, tmp_path / "full", NIGHTS[1])
    # THEN they agree row for row (the claims of the newly held files were recomputed)
    assert _differences(db, full_db) == {}


def test_a_backfill_to_an_earlier_date_equals_a_full_rebuild(nights: dict, tmp_path: Path):
    # GIVEN a copy of the nightly warehouse, rebuilt incrementally as of an earlier date
    backfilled = tmp_path / "backfilled"
    shutil.copytree(nights["data_dir"], backfilled, symlinks=True)
    build(backfilled, NIGHTS[0])
    assert _scope(backfilled)[0] is False
    # WHEN the same raw layer is rebuilt from scratch as of that date
    full_db = _full_rebuild_of(nights["data_dir"], tmp_path / "full", NIGHTS[0])
    # THEN they agree row for row
    assert _differences(backfilled / "warehouse" / "build.duckdb", full_db) == {}


def test_a_night_long_after_with_no_new_file_equals_a_full_rebuild(nights: dict, tmp_path: Path):
    # GIVEN a copy of the nightly warehouse, built incrementally 130 days after the last night with
    # nothing new landed: only dates decide what changes (denials left unanswered for
    # denial_write_off_days are written off, a write-off event in fct_claim_events)
    later = tmp_path / "later"
    shutil.copytree(nights["data_dir"], later, symlinks=True)
    late_night = NIGHTS[-1] + dt.timedelta(days=130)
    build(later, late_night)
    assert _scope(later)[0] is False
    db = later / "warehouse" / "build.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    try:
        write_offs = con.execute(
            "select count(*) from marts.fct_claim_events where event_type = 'denial_written_off'"
        ).fetchone()[0]
    finally:
        con.close()
    assert write_offs > 0
    # WHEN the same raw layer is rebuilt from scratch as of that date
    full_db = _full_rebuild_of(nights["data_dir"], tmp_path / "full", late_night)
    # THEN they agree row for row: the claims whose write-off day passed were recomputed
    assert _differences(db, full_db) == {}


def test_the_scope_is_an_ordinary_dependency_of_every_model():
    # GIVEN the dbt project's models and the claim-scope macros
    root = Path(__file__).resolve().parents[3]
    sources = [*sorted((root / "models").rglob("*.sql")), root / "macros" / "incremental_scope.sql"]
    # THEN no model hides a dependency from dbt's lineage (a `-- depends_on` comment, a relation
    # looked up at run time), and only the build log configures itself as incremental (the
    # claim-level models take theirs from dbt_project.yml, once)
    hidden = [
        path.relative_to(root).as_posix()
        for path in sources
        if re.search(r"--\s*depends_on|adapter\.get_relation", path.read_text())
    ]
    assert hidden == []
    configured = {path.name for path in sources if "materialized='incremental'" in path.read_text()}
    assert configured == {"build_watermarks.sql"}
