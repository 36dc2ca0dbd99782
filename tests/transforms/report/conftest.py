"""Fixtures for the report tests: a hand-made published warehouse and one report written from it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import pytest
from report_warehouse import AS_OF, build_warehouse

from transforms.report import write_report


@dataclass(frozen=True)
class WrittenReport:
    data_dir: Path
    database: Path
    result: dict

    @property
    def folder(self) -> Path:
        return Path(self.result["report_dir"])

    def csv_rows(self, slug: str) -> list[dict[str, str]]:
        with (self.folder / f"{slug}.csv").open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    @cached_property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.database), read_only=True)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.connection.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WrittenReport]:
    """GIVEN the fixture warehouse WHEN the report is written for AS_OF (once per session)."""
    data_dir = tmp_path_factory.mktemp("report") / "data"
    database = build_warehouse(data_dir)
    written = WrittenReport(data_dir, database, write_report(data_dir, AS_OF))
    yield written
    if "connection" in written.__dict__:
        written.connection.close()
