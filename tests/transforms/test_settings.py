"""Every setting is declared once, in transforms/settings.py, and documented in the README.

GIVEN every `RCM_*` name the project's code and configuration mention (Python, DAGs, scripts,
Makefile, dbt profile and YAML, the GX project) WHEN compared with transforms/settings.py and with
the README's configuration table THEN each is declared as a constant in settings.py and has a row
in the table; AND no module but settings.py reads an `RCM_*` variable from the environment.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from transforms import settings

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bRCM_[A-Z0-9_]*[A-Z0-9]\b")
SEARCHED = ("transforms", "dags", "scripts", "models", "macros", "expectations")
SEARCHED_FILES = ("Makefile", "profiles.yml", "dbt_project.yml")
SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".json", ""}
# Modules another part of issue 18 owns that still read the environment themselves; each reads a
# name settings.py declares and can call its accessor instead (settings.seeds_dir, max_units, ...).
NOT_YET_MOVED = {"transforms/quality/refdata.py"}


def _code_files() -> list[Path]:
    files = [ROOT / name for name in SEARCHED_FILES if (ROOT / name).is_file()]
    for folder in SEARCHED:
        files += [
            path
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts
        ]
    return files


def _names_in_code() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in _code_files():
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, path.relative_to(ROOT))
    return found


def _declared() -> set[str]:
    return {
        value
        for key, value in vars(settings).items()
        if key.startswith("ENV_") and isinstance(value, str)
    }


def _readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `RCM_")]
    return {name for row in rows for name in NAME.findall(row.split("|")[1])}


def test_every_name_in_the_code_is_declared_in_settings():
    found = _names_in_code()
    missing = {name: str(path) for name, path in found.items() if name not in _declared()}
    assert not missing, f"declare these in transforms/settings.py: {missing}"
    assert {"RCM_DATA_DIR", "RCM_ENGINE", "RCM_RAW_DIR"} <= set(found)


def test_every_declared_name_has_a_row_in_the_readme_configuration_table():
    table = _readme_table()
    assert not _declared() - table, sorted(_declared() - table)
    assert not table - _declared(), f"documented but not declared: {sorted(table - _declared())}"


def _environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read `os.environ.get(X)`, `os.getenv(X)` or `os.environ[X]` with X an `RCM_`
    literal or an `ENV_*` / `*_ENV` name."""

    def names_a_setting(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value.startswith("RCM_")
        ident = getattr(node, "id", None) or getattr(node, "attr", None) or ""
        return ident.startswith("ENV_") or ident.endswith("_ENV")

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and names_a_setting(node.args[0]):
            text = ast.unparse(node.func)
            if text in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) in ("os.environ", "environ")
            and names_a_setting(node.slice)
        ):
            lines.append(node.lineno)
    return lines


def test_only_settings_reads_the_environment():
    readers = {}
    for folder in ("transforms", "dags"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative == "transforms/settings.py" or relative in NOT_YET_MOVED:
                continue
            lines = _environment_reads(ast.parse(path.read_text(encoding="utf-8")))
            if lines:
                readers[relative] = lines
    assert not readers, f"read these through transforms.settings: {readers}"


def test_the_reader_check_sees_a_read():
    tree = ast.parse("import os\nx = os.environ.get('RCM_X')\ny = os.environ[ENV_Y]\n")
    assert _environment_reads(tree) == [2, 3]
