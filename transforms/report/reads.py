"""The report's one way to read the published warehouse: every row of one table, in an order.

Every measure, share, ranking and window sum is a dbt model (`marts.rpt_*`, `audit.*` summaries);
the report reads them as they are, filtered by equality on key columns (a window's end month, a
ranking, a run id) and ordered by the columns the model provides for it. The `quality` tables
(written by the gates after the build, so not dbt models) are read the same way.
"""

from __future__ import annotations

from typing import Any

import duckdb


class Rows(list):
    """The rows of one read, each a dict by column name; `names` holds the table's columns even
    when no row came back (a mart's optional columns are detected by them)."""

    names: tuple[str, ...] = ()


def exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def read(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    order_by: str,
    limit: int | None = None,
    **equal: Any,
) -> Rows:
    """The rows of `relation` (schema.table) whose columns equal the `equal` values, ordered by
    `order_by` (column names), the first `limit` of them; empty when the table does not exist."""
    schema, name = relation.split(".")
    rows = Rows()
    if not exists(con, schema, name):
        return rows
    where = " and ".join(f"{column} = ?" for column in equal) or "true"
    tail = f" limit {int(limit)}" if limit is not None else ""
    cursor = con.execute(
        f"select * from {relation} where {where} order by {order_by}{tail}", list(equal.values())
    )
    rows.names = tuple(d[0] for d in cursor.description)
    rows.extend(dict(zip(rows.names, row, strict=True)) for row in cursor.fetchall())
    return rows


def cells(rows: list[dict[str, Any]], names: list[str]) -> list[tuple[Any, ...]]:
    """The named columns of each row, in order (null for a column the table does not have)."""
    return [tuple(row.get(name) for name in names) for row in rows]
