"""`rcm report` for a date older than the published warehouse: refused, or read from its backfill.

Before, `rcm report --as-of <earlier date>` by hand wrote that date's report from the current
(newer) warehouse -- overwriting the report a backfill had written for it with another date's
numbers under the older date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from transforms import cli
from transforms.publish import publish
from transforms.settings import Paths

PUBLISHED = dt.date(2026, 8, 31)
EARLIER = dt.date(2026, 5, 31)


def _build(paths: Paths, as_of: dt.date) -> None:
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.t as select 1 as v")
    con.execute("create schema if not exists audit")
    con.execute(
        "create or replace table audit.build_watermarks as "
        "select ?::date as as_of_date, now()::timestamp as built_at",
        [as_of],
    )
    con.close()


@pytest.fixture
def published(tmp_path) -> Paths:
    """A warehouse published for 2026-08-31."""
    paths = Paths(tmp_path / "data")
    _build(paths, PUBLISHED)
    publish(paths.root)
    return paths


@pytest.fixture
def reports_read(monkeypatch) -> list[Path | None]:
    """The database each report is written from (the report itself is tested elsewhere)."""
    seen: list[Path | None] = []

    def write_report(data_dir, as_of, run_id=None, database=None):
        seen.append(database)
        return {"as_of": as_of.isoformat()}

    monkeypatch.setattr("transforms.report.write_report", write_report)
    return seen


def _report(paths: Paths, *extra: str):
    args = ["report", "--data-dir", str(paths.root), "--as-of", str(EARLIER), *extra]
    return CliRunner().invoke(cli.main, args)


def test_a_report_older_than_the_published_warehouse_is_refused(published, reports_read):
    # WHEN a report is asked by hand for 2026-05-31 while 2026-08-31 is published
    result = _report(published)
    # THEN it is refused in one sentence naming both dates, and no report is written
    assert result.exit_code == 2, result.output
    assert (
        f"error: as-of {EARLIER} is earlier than the published warehouse's as-of {PUBLISHED}"
        in result.output
    )
    assert reports_read == []


def test_a_backfill_report_reads_the_backfills_own_version(published, reports_read):
    side = published.warehouse / "backfill" / f"analytics_{EARLIER}.duckdb"
    # WHEN --backfill is asked before any backfill of that date was published
    missing = _report(published, "--backfill")
    # THEN it says which run to do first
    assert missing.exit_code == 1
    assert f"no backfill is published for as-of {EARLIER}" in missing.output
    assert f"rcm run --as-of {EARLIER} --backfill" in missing.output
    # WHEN that date's backfill is published beside the current warehouse
    _build(published, EARLIER)
    publish(published.root, target=side, replace_newer=True)
    result = _report(published, "--backfill")
    # THEN the report reads the backfill's version, not the current warehouse
    assert result.exit_code == 0, result.output
    assert reports_read == [side]
