"""`rcm parity`: the DuckDB and the Spark build of one raw layer must give the same marts.

Both engines build from the same data directory (raw Parquet, code sets, the gates' row failures):
DuckDB from scratch (`build(full_refresh=True)` into build.duckdb), Spark into
warehouse/spark/tables. Then every table of the compared schemas (default `marts`) is compared row
for row with DuckDB, reading Spark's Parquet files:

- columns: the same names on both sides (a column only one engine has is a difference);
- values, normalised to one type per column so that only values are compared: DECIMAL to
  DECIMAL(38, larger scale of the two) (exact, money is never rounded), integers to HUGEINT,
  text to VARCHAR, dates to DATE, timestamps to TIMESTAMP (UTC); DOUBLE/FLOAT, where both engines
  compute floating point, are rounded to FLOAT_DIGITS decimal places (no mart column is a float
  today: rates and money are DECIMAL);
- rows: EXCEPT ALL both ways (duplicates count, NULL equals NULL), so equal means the same multiset
  of rows: same keys, same counts, every money and rate column to the last digit.

The result is one record per table (rows on each side, rows only in DuckDB, rows only in Spark,
columns only on one side, and which columns carry the differences) and `equal` overall.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import duckdb

from transforms import log
from transforms.settings import Paths

LOG = log.get_logger("warehouse.parity")

FLOAT_DIGITS = 9
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT", "UHUGEINT"}  # fmt: skip
FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column name (lower case) -> DuckDB type of a relation."""
    rows = con.execute(f"describe select * from {relation}").fetchall()
    return {str(name).lower(): str(kind).upper() for name, kind, *_ in rows}


def _scale(kind: str) -> int | None:
    if kind.startswith("DECIMAL"):
        return int(kind.split(",")[1].rstrip(")").strip())
    return None


def _normalised(column: str, left: str, right: str) -> tuple[str, str]:
    """One expression per side that puts both engines' values of `column` in the same type."""
    name = _quote(column)
    scales = [s for s in (_scale(left), _scale(right)) if s is not None]
    kinds = {left, right}
    if scales:
        target = f"DECIMAL(38, {max(scales)})"
    elif kinds <= INTEGER_TYPES:
        target = "HUGEINT"
    elif kinds & FLOAT_TYPES:
        expression = f"round(cast({name} as DOUBLE), {FLOAT_DIGITS})"
        return expression, expression
    elif all(kind.startswith("TIMESTAMP") for kind in kinds):
        target = "TIMESTAMP"
    elif kinds == {"DATE"} or kinds == {"BOOLEAN"}:
        target = left
    else:
        target = "VARCHAR"
    expression = f"cast({name} as {target})"
    return expression, expression


def compare_table(
    con: duckdb.DuckDBPyConnection, duck_relation: str, spark_relation: str
) -> dict[str, Any]:
    """Compare one table: row counts, rows only on each side, column differences."""
    left = _columns(con, duck_relation)
    right = _columns(con, spark_relation)
    shared = [name for name in left if name in right]
    result: dict[str, Any] = {
        "rows_duckdb": con.execute(f"select count(*) from {duck_relation}").fetchone()[0],
        "rows_spark": con.execute(f"select count(*) from {spark_relation}").fetchone()[0],
        "columns_only_in_duckdb": sorted(set(left) - set(right)),
        "columns_only_in_spark": sorted(set(right) - set(left)),
    }
    pairs = {name: _normalised(name, left[name], right[name]) for name in shared}

    def only(first: str, second: str, side: int, names: list[str]) -> int:
        select_first = ", ".join(pairs[n][side] for n in names)
        select_second = ", ".join(pairs[n][1 - side] for n in names)
        return con.execute(
            f"select count(*) from (select {select_first} from {first} "
            f"except all select {select_second} from {second})"
        ).fetchone()[0]

    result["only_in_duckdb"] = only(duck_relation, spark_relation, 0, shared) if shared else 0
    result["only_in_spark"] = only(spark_relation, duck_relation, 1, shared) if shared else 0
    result["differing_columns"] = []
    if result["only_in_duckdb"] or result["only_in_spark"]:
        result["differing_columns"] = [
            name
            for name in shared
            if only(duck_relation, spark_relation, 0, [name])
            or only(spark_relation, duck_relation, 1, [name])
        ]
    result["type_differences"] = {
        name: [left[name], right[name]] for name in shared if left[name] != right[name]
    }
    result["equal"] = (
        result["only_in_duckdb"] == 0
        and result["only_in_spark"] == 0
        and not result["columns_only_in_duckdb"]
        and not result["columns_only_in_spark"]
        and result["rows_duckdb"] == result["rows_spark"]
    )
    return result


def compare(data_dir: Path, schemas: tuple[str, ...] = ("marts",)) -> dict[str, Any]:
    """Compare every table of `schemas` in build.duckdb with the Spark build's Parquet tables."""
    from transforms.warehouse import spark

    paths = Paths(Path(data_dir).resolve())
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{paths.build_db}' as duck (read_only)")
        tables: dict[str, dict[str, Any]] = {}
        for schema in schemas:
            duck_tables = [
                name
                for (name,) in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = 'duck' and table_schema = ? order by table_name",
                    [schema],
                ).fetchall()
            ]
            spark_tables = spark.tables(data_dir, schema)
            for name in sorted(set(duck_tables) | set(spark_tables)):
                key = f"{schema}.{name}"
                if name not in spark_tables or name not in duck_tables:
                    tables[key] = {
                        "equal": False,
                        "missing_in": "spark" if name not in spark_tables else "duckdb",
                    }
                    continue
                folder = spark_tables[name]
                tables[key] = compare_table(
                    con,
                    f"duck.{_quote(schema)}.{_quote(name)}",
                    f"read_parquet('{folder}/*.parquet')",
                )
    finally:
        con.close()
    return {
        "equal": bool(tables) and all(table["equal"] for table in tables.values()),
        "tables": tables,
    }


def parity(
    data_dir: Path,
    as_of: dt.date,
    *,
    schemas: tuple[str, ...] = ("marts",),
    spark_tests: bool = False,
) -> dict[str, Any]:
    """Build both engines from DATA_DIR's raw layer as of `as_of` and compare `schemas`.

    The DuckDB build is a full rebuild (`rcm build --full-refresh`), with every dbt test; the Spark
    build runs models and seeds only unless `spark_tests` (dbt's tests on Spark take as long as the
    models; they pass there too, see tests/transforms/warehouse/test_warehouse_spark.py).
    """
    from transforms.warehouse import build

    started = time.monotonic()
    duck = build(data_dir, as_of, full_refresh=True)
    duck_seconds = time.monotonic() - started
    started = time.monotonic()
    spark_summary = build(data_dir, as_of, engine="spark", tests=spark_tests)
    spark_seconds = time.monotonic() - started
    result = compare(data_dir, schemas)
    differing = sorted(name for name, table in result["tables"].items() if not table["equal"])
    for name, table in sorted(result["tables"].items()):
        LOG.info("parity %s: %s", name, table)
    return {
        "equal": result["equal"],
        "as_of": as_of.isoformat(),
        "schemas": list(schemas),
        "tables_compared": len(result["tables"]),
        "tables_differing": differing,
        "rows_compared": sum(t.get("rows_duckdb", 0) for t in result["tables"].values()),
        "duckdb_build_seconds": round(duck_seconds, 1),
        "spark_build_seconds": round(spark_seconds, 1),
        "duckdb_nodes": duck["nodes"],
        "spark_nodes": spark_summary["nodes"],
        "tables": result["tables"],
    }
