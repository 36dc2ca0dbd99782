"""Count the lines of SQL written inside Python strings (issue 18: dbt is the only home of SQL).

A string is SQL when, stripped, it starts with a statement keyword (select, with, insert, create,
delete, update, copy, attach, alter, drop, pragma, describe, merge) or a clause of one (from, where,
join, group by, order by, union, having, qualify): fragments glued into a query count too. f-strings count by their
literal parts; docstrings are prose, not SQL. Run ``python -m tests.sql_in_python`` for the count per file.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("transforms", "dags")
_STATEMENT = re.compile(
    r"^\s*\(?\s*(select|with|insert|create|delete|update|copy|attach|alter|drop|pragma|describe|merge"
    r"|from|where|(left |inner |full |cross )?join|group by|order by|union|having|qualify)\s",
    re.IGNORECASE,
)


def sql_lines_by_file() -> dict[str, int]:
    counts: dict[str, int] = {}
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
            lines = 0
            for node in ast.walk(tree):
                if id(node) in seen_in_fstrings or id(node) in docstrings:
                    continue
                for text in _strings_of(node):
                    if _STATEMENT.match(text):
                        lines += sum(1 for line in text.splitlines() if line.strip())
            if lines:
                counts[str(path.relative_to(ROOT))] = lines
    return counts


def _strings_of(node: ast.AST):
    if isinstance(node, ast.JoinedStr):
        yield "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value


if __name__ == "__main__":
    by_file = sql_lines_by_file()
    for name, lines in sorted(by_file.items(), key=lambda item: -item[1]):
        print(f"{lines:5d}  {name}")
    print(f"{sum(by_file.values()):5d}  total")
    sys.exit(0)
