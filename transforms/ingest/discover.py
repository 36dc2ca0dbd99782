"""Find the files waiting under landing/, hash them, and tell what each one is (by content).

- `walk_landing`: every regular file under landing/ (recursively), as a path relative to landing/.
  Symbolic links (logged, never followed), FIFOs and other special files, dot-files and dot-folders
  (partial uploads, editors' temporaries) are skipped, and every path is checked to resolve inside
  landing/, so no name (spaces, quotes, unicode, `..`) can lead outside it. File names are data,
  never SQL or shell text.
- `printable_name`: the name recorded in the manifest, logs and raw lineage: bytes that are not
  UTF-8 and control characters (newlines, escapes) are written as `\\xNN`, so every name can be
  stored as Parquet text and every log line stays one line.
- `HashCache`: SHA-256 by (size, mtime_ns, ctime_ns, inode), so unchanged files are not re-hashed on
  every run. Any change to a file changes its ctime, so a stale entry cannot be reused.
- `sniff_kind`: X12 when the first bytes hold a valid ISA, or when the file is a bare 835/837
  transaction set (it starts with `ST*835`/`ST*837` after a byte-order mark and blank lines, no
  envelope, and its separators can be inferred: `tokenizer.infer_bare_separators`), whatever the
  name or folder; otherwise an encounter extract when under landing/encounters/ and named *.csv or
  *.parquet, or a patient-payments extract when under landing/patient_payments/ and so named;
  otherwise unknown. `isa_problem` says why a file that starts with `ISA` (or a bare
  `ST`) is not usable X12 (its separators), so its quarantine reason names the segment and the
  rule rather than an unknown kind.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from transforms import log
from transforms.fsio import HASH_CHUNK
from transforms.raw.layout import write_bytes_atomic
from transforms.x12.constants import ISA, SNIFF_BYTES, ST, SUPPORTED_TRANSACTIONS, Rule
from transforms.x12.errors import X12Error, X12SyntaxError
from transforms.x12.tokenizer import (
    BOM,
    PADDING,
    find_isa,
    infer_bare_separators,
    looks_bare,
    parse_isa,
)

KIND_X12 = "x12"
KIND_ENCOUNTERS = "encounters"
KIND_PATIENT_PAYMENTS = "patient_payments"
KIND_UNKNOWN = "unknown"
ENCOUNTER_FOLDER = "encounters"
PATIENT_PAYMENTS_FOLDER = "patient_payments"
ENCOUNTER_SUFFIXES = frozenset({".csv", ".parquet"})
# extract kinds by their landing folder (top level of landing/); the file name is free
EXTRACT_FOLDERS: dict[str, str] = {
    ENCOUNTER_FOLDER: KIND_ENCOUNTERS,
    PATIENT_PAYMENTS_FOLDER: KIND_PATIENT_PAYMENTS,
}
LOG = log.get_logger("ingest.discover")


@dataclass(frozen=True, slots=True)
class LandedFile:
    """A file under landing/: where it is, what it is called, and its stat signature."""

    path: Path  # absolute
    name: str  # relative to landing/, POSIX separators (the manifest's file_name)
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @property
    def signature(self) -> list[int]:
        return [self.size, self.mtime_ns, self.ctime_ns, self.inode]


def printable_name(name: str) -> str:
    """`name` with undecodable bytes (surrogate escapes from the file system) and non-printable
    characters written as backslash escapes; printable names come back unchanged."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def walk_landing(landing: Path) -> list[LandedFile]:
    """Regular files under `landing`, sorted by relative name (deterministic duplicate choice)."""
    if not landing.is_dir():
        return []
    root = landing.resolve()
    found: list[LandedFile] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for dirname in [d for d in dirnames if os.path.islink(os.path.join(folder, d))]:
            LOG.warning(
                "landing: %s is a symbolic link to a folder; not followed",
                printable_name(Path(folder, dirname).relative_to(root).as_posix()),
            )
            dirnames.remove(dirname)
        for filename in filenames:
            if filename.startswith("."):
                continue
            path = Path(folder, filename)
            try:
                info = path.lstat()
            except OSError:
                continue
            name = printable_name(path.relative_to(root).as_posix())
            if stat.S_ISLNK(info.st_mode):
                LOG.warning("landing: %s is a symbolic link; not followed", name)
                continue
            if not _is_regular(info.st_mode) or not path.resolve().is_relative_to(root):
                continue
            found.append(
                LandedFile(
                    path=path,
                    name=name,
                    size=info.st_size,
                    mtime_ns=info.st_mtime_ns,
                    ctime_ns=info.st_ctime_ns,
                    inode=info.st_ino,
                )
            )
    return sorted(found, key=lambda landed: landed.name)


def _is_regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashCache:
    """Remembered SHA-256 of landed files, keyed by relative name and stat signature."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict] = {}
        self._dirty = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._entries = {k: v for k, v in loaded.items() if isinstance(v, dict)}
        except (OSError, ValueError):
            self._entries = {}

    def sha256(self, landed: LandedFile, *, compute: bool = True) -> str | None:
        """The file's SHA-256 from the cache when its signature is unchanged, else hashed now
        (or None when `compute` is False)."""
        entry = self._entries.get(landed.name)
        if (
            entry
            and entry.get("signature") == landed.signature
            and isinstance(entry.get("sha256"), str)
        ):
            return entry["sha256"]
        if not compute:
            return None
        digest = sha256_file(landed.path)
        self._entries[landed.name] = {"signature": landed.signature, "sha256": digest}
        self._dirty = True
        return digest

    def save(self, present: set[str] | None = None) -> None:
        """Write the cache (dropping entries for files no longer in landing/ when `present` is given)."""
        if present is not None:
            stale = set(self._entries) - present
            for name in stale:
                del self._entries[name]
            self._dirty = self._dirty or bool(stale)
        if self._dirty:
            write_bytes_atomic(self.path, json.dumps(self._entries, sort_keys=True).encode())
            self._dirty = False


def looks_like_x12(head: bytes) -> bool:
    """True when the first bytes hold an ISA with usable separators, or are a bare 835/837."""
    text = head.decode("utf-8", errors="ignore")
    if text.startswith(BOM):
        text = text[1:]
    start = find_isa(text)
    while start >= 0:
        try:
            if parse_isa(text, start, final=False, file="", position=1) is not None:
                return True
        except X12Error:
            pass
        start = find_isa(text, start + 1)
    return looks_bare(text) and bare_problem(text, "") is None


def bare_problem(text: str, file_name: str) -> X12Error | None:
    """Why text that starts with `ST` (no envelope) cannot be read as a bare 835/837 transaction
    set (its separators cannot be inferred, or ST01 is another type); None when it can."""
    try:
        separators = infer_bare_separators(text, file=file_name)
    except X12Error as exc:
        return exc
    st = text.lstrip(PADDING).split(separators.segment, 1)[0].split(separators.element)
    if st[1] not in SUPPORTED_TRANSACTIONS:
        return X12SyntaxError(
            "no ISA segment found, and the bare transaction set is not an 835 or an 837 (ST01)",
            rule=Rule.NO_ISA,
            file=file_name,
            position=1,
            segment_id=ST,
            element="ST01",
        )
    return None


def unusable_isa(head: bytes, file_name: str) -> X12Error | None:
    """Why a file that starts with `ISA` (after a byte-order mark and blanks) is still not X12:
    the typed error naming the ISA and the rule (odd or colliding separators, a cut-off ISA);
    for a file that starts with `ST`, an element separator and three digits, why it is no bare
    835/837 (`bare_problem`); None when the file starts with neither or is usable."""
    text = head.decode("utf-8", errors="ignore").lstrip(BOM).lstrip()
    if looks_bare(text) and text[3:6].isdigit() and find_isa(text) < 0:  # "ST*835...": a bare set
        return bare_problem(text, file_name)
    if not text.startswith(ISA) or looks_like_x12(head):
        return None
    try:
        parse_isa(text, 0, final=True, file=file_name, position=1)
    except X12Error as exc:
        return exc
    return X12SyntaxError(
        "the ISA's element separator is a letter, a digit or a blank",
        rule=Rule.ISA_SEPARATORS,
        file=file_name,
        position=1,
        segment_id=ISA,
        element="ISA01",
    )


def isa_problem(landed: LandedFile) -> X12Error | None:
    """`unusable_isa` for a landed file (reads its first bytes)."""
    with landed.path.open("rb") as handle:
        return unusable_isa(handle.read(SNIFF_BYTES), landed.name)


def sniff_kind(landed: LandedFile) -> str:
    """'x12', 'encounters', 'patient_payments' or 'unknown', from content first and then from
    place and name."""
    with landed.path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if looks_like_x12(head):
        return KIND_X12
    parts = landed.name.split("/")
    if (
        len(parts) >= 2
        and parts[0] in EXTRACT_FOLDERS
        and Path(parts[-1]).suffix.lower() in ENCOUNTER_SUFFIXES
    ):
        return EXTRACT_FOLDERS[parts[0]]
    return KIND_UNKNOWN
