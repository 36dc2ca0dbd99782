"""ICD-10-CM from the installed PyPI package `simple-icd-10-cm`, read offline.

Two ways in, one source of truth (the package's data files):

* `code_sets()` -- a fast path for validators: reads the package's plain code list (no XML, no
  import of the package, ~0.1 s) and derives the billable (leaf) codes from it. In ICD-10-CM every
  child code extends its parent's characters, so a code is a leaf exactly when no other code in the
  list starts with it; a test checks this against the package's own `is_leaf` for every code.
* `icd10cm_rows()` -- the full reference table for `rcm codesets`: imports the package (it parses
  the tabular XML, ~2 s) for descriptions and chapters.

Fiscal year. The package ships one release (1.5.0: the April 1, 2026 update of FY2026); the
tabular XML states its year in `<version>`. ICD-10-CM fiscal year N runs from October 1 of N-1 to
September 30 of N, so this list governs service dates 2025-10-01 .. 2026-09-30. The April
update's few mid-year additions are not marked in the package, so for dates between October 1 and
March 31 a code added on April 1 is (wrongly but knowingly) accepted. Dates outside the fiscal year
are judged against this same list, the nearest release we hold; `Icd10Release.covers(date)` says
whether a verdict is authoritative (see `transforms.codesets.validators.icd10_status`).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.errors import RcmError

PACKAGE = "simple_icd_10_cm"
DISTRIBUTION = "simple-icd-10-cm"
SOURCE = "simple-icd-10-cm"

_VERSION_TAG = re.compile(rb"<version>\s*(\d{4})\s*</version>")
_RELEASE_IN_NAME = re.compile(r"code-list-(.+)\.txt$")


class CodesetError(RcmError):
    """The ICD-10-CM package is missing or its data files are not what this module expects."""


@dataclass(frozen=True)
class Icd10Release:
    """Which ICD-10-CM list the package holds, and the service dates it governs."""

    source: str
    source_version: str
    fiscal_year: int
    release_label: str  # e.g. 'April-2026', from the package's data file name
    code_list_path: Path
    tabular_path: Path

    @property
    def valid_from(self) -> dt.date:
        return dt.date(self.fiscal_year - 1, 10, 1)

    @property
    def valid_to(self) -> dt.date:
        return dt.date(self.fiscal_year, 9, 30)

    def covers(self, service_date: dt.date) -> bool:
        """True when `service_date` falls in the fiscal year this list belongs to."""
        return self.valid_from <= service_date <= self.valid_to


def _package_data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise CodesetError(f"the Python package {DISTRIBUTION} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _single(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise CodesetError(
            f"expected exactly one {pattern} in {folder} "
            f"(package {DISTRIBUTION}), found {len(found)}"
        )
    return found[0]


def read_fiscal_year(tabular_path: Path) -> int:
    """The fiscal year the tabular XML declares in its `<version>` element (read from its head)."""
    with tabular_path.open("rb") as handle:
        head = handle.read(4096)
    match = _VERSION_TAG.search(head)
    if match is None:
        raise CodesetError(f"{tabular_path.name}: no <version> element in the first 4 KB")
    return int(match.group(1))


@lru_cache(maxsize=1)
def release() -> Icd10Release:
    """Describe the installed ICD-10-CM release (cached; reads two small pieces of files)."""
    folder = _package_data_dir()
    code_list = _single(folder, "code-list-*.txt")
    tabular = _single(folder, "icd10c-tabular-*.xml")
    label_match = _RELEASE_IN_NAME.search(code_list.name)
    return Icd10Release(
        source=SOURCE,
        source_version=importlib.metadata.version(DISTRIBUTION),
        fiscal_year=read_fiscal_year(tabular),
        release_label=label_match.group(1) if label_match else code_list.stem,
        code_list_path=code_list,
        tabular_path=tabular,
    )


def parse_code_list(text: str) -> frozenset[str]:
    """Codes (no dot, upper case) from the package's code list; chapters and blocks are dropped.

    The list holds chapter numbers ('1'..'22'), block ranges ('A00-A09') and codes; a block made of
    a single category (e.g. 'B20') has the same name as that category and is kept as the code.
    """
    codes = set()
    for line in text.splitlines():
        token = line.strip().split(" ", 1)[0].replace(".", "").upper()
        if token and not token.isdigit() and "-" not in token:
            codes.add(token)
    return frozenset(codes)


def leaf_codes(codes: frozenset[str]) -> frozenset[str]:
    """Codes no other code extends (the billable ones).

    Sorted, every extension of a code follows it directly, so comparing each code with its
    successor is enough.
    """
    ordered = sorted(codes)
    return frozenset(
        code
        for code, following in zip(ordered, [*ordered[1:], ""], strict=True)
        if not following.startswith(code)
    )


@dataclass(frozen=True)
class Icd10CodeSets:
    """Every ICD-10-CM code of the release and the billable subset, both without dots."""

    release: Icd10Release
    all_codes: frozenset[str]
    billable_codes: frozenset[str]


@lru_cache(maxsize=1)
def code_sets() -> Icd10CodeSets:
    """Load the code list once per process (cached)."""
    rel = release()
    codes = parse_code_list(rel.code_list_path.read_text(encoding="utf-8"))
    if not codes:
        raise CodesetError(f"{rel.code_list_path.name}: no ICD-10-CM codes found")
    return Icd10CodeSets(release=rel, all_codes=codes, billable_codes=leaf_codes(codes))


def dotted(code: str) -> str:
    """'A000' -> 'A00.0'; three-character categories stay as they are."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def icd10cm_rows() -> list[dict[str, object]]:
    """One row per ICD-10-CM code (categories and subcategories; chapters and blocks excluded).

    Imports the package (it parses its XML on import). Columns: icd10cm_code, icd10cm_code_dotted,
    description, is_billable, chapter (number '1'..'22'), chapter_description, fiscal_year, source,
    source_version.
    """
    import simple_icd_10_cm as icd  # heavy: parses the tabular XML

    rel = release()
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    for code in icd.get_all_codes(with_dots=True):
        if not icd.is_category_or_subcategory(code):
            continue
        plain = code.replace(".", "").upper()
        if plain in seen:  # a single-category block shares its category's name
            continue
        seen.add(plain)
        chapter = icd.get_ancestors(code)[-1]
        rows.append(
            {
                "icd10cm_code": plain,
                "icd10cm_code_dotted": dotted(plain),
                "description": icd.get_description(code),
                "is_billable": bool(icd.is_leaf(code)),
                "chapter": chapter,
                "chapter_description": icd.get_description(chapter),
                "fiscal_year": rel.fiscal_year,
                "source": rel.source,
                "source_version": rel.source_version,
            }
        )
    return rows
