"""The build watermark: the as-of date of the newest build a warehouse file records.

`dbt build` appends one row per build to `audit.build_watermarks` (the model
`models/audit/build_watermarks.sql`: as-of date, build time); publish copies the table into the
analysts' warehouse. The as-of check (`transforms.pipeline.check_as_of`) and publish read it here to
refuse a run that would replace a newer warehouse by an older one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

WATERMARK_TABLE = ("audit", "build_watermarks")


def built_as_of(database: Path) -> dt.date | None:
    """The as-of date of the newest build recorded in a warehouse file, read read-only; None when
    the file or the table does not exist."""
    import duckdb

    if not database.exists():
        return None
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return None
    try:
        newest = con.table(".".join(WATERMARK_TABLE)).order("built_at desc").limit(1)
        rows = newest.select("as_of_date").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None
