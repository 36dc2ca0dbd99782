"""Count the lines of SQL written inside Python strings (issue 18: dbt is the only home of SQL).

Every string literal under `transforms/` and `dags/` (the harness included) is read; f-strings
count by their literal parts, with `{}` for each field. A string is SQL when

- it starts with a statement keyword (select, with, insert, create, delete, update, copy, attach,
  detach, alter, drop, pragma, describe, merge, set, checkpoint, comment on) or a clause of one
  (from, where, join, group by, order by, union, having, qualify): a fragment glued into a query;
- or it holds an SQL expression anywhere: `select ... from`, `case when`, a cast (`cast(x as t)`,
  `::type`), `is [not] null`, `count(*)`, an SQL function call (sum, coalesce, nullif, trim,
  regexp_*, list_contains, arg_min, ...), `x in (...)`, or a catalog name (information_schema,
  duckdb_tables...): the relational API's filters and projections are SQL too.

Docstrings and prose (a sentence that starts with a capitalised word and ends with a full stop)
are not SQL. The first count of this kind, at the end of stop 25, read 703 lines because it also
counted docstrings and comments; the narrower count used until then (statements only, 40 lines)
missed the relational API's expressions. Run ``python -m tests.sql_in_python [-v]`` for the count
per file (and each string).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("transforms", "dags")
_STATEMENT = re.compile(
    r"^\s*\(?\s*(select|with|insert|create|delete|update|copy|attach|detach|alter|drop|pragma"
    r"|describe|merge|set|checkpoint|comment on|from|where|(left |inner |full |cross )?join"
    r"|group by|order by|union|having|qualify)\s",
    re.IGNORECASE,
)
_FRAGMENT = re.compile(
    r"\bselect\b[^.]*\bfrom\b|\bcase\s+when\b|\b(try_)?cast\s*\([^)]*\bas\s+\w"
    r"|::\s*(bigint|integer|varchar|decimal|date|timestamp|double)\b|\bis\s+(not\s+)?null\b"
    r"|\bcount\s*\(\s*\*\s*\)|\b\w+\s+(not\s+)?in\s*\("
    r"|\b(sum|min|max|avg|arg_min|arg_max|min_by|max_by|string_agg|coalesce|nullif|regexp_\w+"
    r"|list_contains|starts_with|trim|length|hash|strptime|date_trunc)\s*\("
    r"|\binformation_schema\b|\bduckdb_(tables|views|columns)\b",
    re.IGNORECASE,
)
_PROSE = re.compile(r"^\s*[A-Z][a-z]+\b.*\.\s*$", re.DOTALL)


def is_sql(text: str) -> bool:
    if _PROSE.match(text):
        return False
    return bool(_STATEMENT.match(text) or _FRAGMENT.search(text))


def sql_strings_by_file() -> dict[str, list[tuple[int, str]]]:
    """{file: [(line, text), ...]} of every SQL string, files with none left out."""
    found: dict[str, list[tuple[int, str]]] = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            seen_in_fstrings = {
                id(part)
                for node in ast.walk(tree)
                if isinstance(node, ast.JoinedStr)
                for part in node.values
            }
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(
                    node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                )
                and node.body
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
            }
            strings = [
                (node.lineno, text)
                for node in ast.walk(tree)
                if id(node) not in seen_in_fstrings and id(node) not in docstrings
                for text in _strings_of(node)
                if is_sql(text)
            ]
            if strings:
                found[str(path.relative_to(ROOT))] = sorted(strings)
    return found


def sql_lines_by_file() -> dict[str, int]:
    return {
        name: sum(1 for _, text in strings for line in text.splitlines() if line.strip())
        for name, strings in sql_strings_by_file().items()
    }


def _strings_of(node: ast.AST):
    if isinstance(node, ast.JoinedStr):
        yield "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value


if __name__ == "__main__":
    by_file = sql_lines_by_file()
    strings = sql_strings_by_file()
    for name, lines in sorted(by_file.items(), key=lambda item: -item[1]):
        print(f"{lines:5d}  {name}")
        if "-v" in sys.argv:
            for line, text in strings[name]:
                print(f"         {line}: {' '.join(text.split())[:100]}")
    print(f"{sum(by_file.values()):5d}  total")
    sys.exit(0)
