"""Load one X12 file into the raw layer: valid transaction sets in, the rest set aside with a reason.

One streaming pass (`X12Reader`) feeds each valid transaction set's rows to one `ParquetSink` per raw
table (`raw/<table>/<sha256>.parquet`, committed only at the end). Defects that leave the money
readable (envelope control numbers and counts, negative units...) load with the set and come back as
`findings`. The units are transaction sets:

- a transaction set with its own error (bad SE01, an unreadable CLP...) is rejected alone; the rows
  of a long set go out every `FLUSH_SEGMENTS` segments, so one that fails after that is taken back
  like a set in a broken envelope (the second pass below);
- a group or interchange that closes wrong rejects every transaction set inside it. If some of them
  were already written, the sinks are dropped and the file is read once more with those positions
  rejected up front (only files with broken envelopes pay for a second pass);
- a file that cannot be tokenized at all (no ISA, not UTF-8, bad separators) is one unit, rejected;
  a bare transaction set (no envelope, separators inferred) loads, with a `missing_envelope`
  finding from `X12Reader.envelope_findings`.

`extract_transactions` re-reads a file only when something was rejected and writes each rejected
transaction set (with its ISA and GS) to its own quarantine file, streaming.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from transforms.fsio import temp_path
from transforms.raw.layout import ParquetSink, commit, secure_dir
from transforms.x12 import native
from transforms.x12.constants import SUPPORTED_TRANSACTIONS, TRANSACTION_835
from transforms.x12.errors import X12Error, X12Finding
from transforms.x12.gcpause import paused_gc

if TYPE_CHECKING:  # the Python reader is imported when a file needs it (not for native reads)
    from transforms.x12.reader import EnvelopeFailure
    from transforms.x12.records import Rows

UNIT_FILE = "file"
UNIT_TRANSACTION = "transaction"
# A transaction set's rows go to the sinks every this many segments, not only at its SE: peak memory
# then stays flat however large one payment is (a 100 MB single-payment 835 holds ~4.5M segments).
# If the set fails after rows went out, the file is read again with that set rejected up front.
FLUSH_SEGMENTS = 32_768


@dataclass(frozen=True, slots=True)
class Rejection:
    """A unit that was not loaded: the whole file, or the transaction set at `start`..`end`."""

    unit: str
    error: X12Error
    start: int | None = None
    end: int | None = None


@dataclass
class X12FileLoad:
    """What happened to one X12 file (rows are already committed when this is returned)."""

    kind: str
    units_in: int
    units_loaded: int
    units_quarantined: int
    row_counts: dict[str, int]
    rejections: list[Rejection]
    findings: list[X12Finding] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # distinct GS08 of its transaction sets
    segments: int = 0
    passes: int = 1


@dataclass
class _Pass:
    sinks: dict[str, ParquetSink]
    loaded: set[int]
    failed: dict[int, tuple[X12Error, int]]
    failures: list[EnvelopeFailure]
    transactions: int
    segments: int
    kind: str
    findings: list[X12Finding] = field(default_factory=list)
    versions: dict[str, None] = field(default_factory=dict)
    streamed: set[int] = field(default_factory=set)  # sets whose rows were written before their SE

    @property
    def retracted(self) -> set[int]:
        """Sets whose rows were written although they must not load: inside a failed envelope, or
        failed themselves after part of their rows went out early."""
        enclosed = {
            pos for failure in self.failures for pos in failure.transactions if pos in self.loaded
        }
        return enclosed | (self.streamed & self.failed.keys())

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.abort()


def _sink(
    sinks: dict[str, ParquetSink],
    table: str,
    raw_dir: Path,
    file_sha256: str,
    batch_rows: int,
    pending_dirs: set[Path] | None,
) -> ParquetSink:
    """The sink of `table` for this file, opened on first use (`raw/<table>/<sha256>.parquet`)."""
    sink = sinks.get(table)
    if sink is None:
        sink = sinks[table] = ParquetSink(
            table,
            raw_dir / table / f"{file_sha256}.parquet",
            batch_rows=batch_rows,
            pending_dirs=pending_dirs,
        )
    return sink


def _read_pass(
    source: Path,
    *,
    file_name: str,
    file_sha256: str,
    raw_dir: Path,
    reject: Mapping[int, X12Error],
    batch_rows: int,
    pending_dirs: set[Path] | None,
) -> _Pass:
    from transforms.x12.reader import EnvelopeFailure, TransactionRows, X12Reader

    sinks: dict[str, ParquetSink] = {}
    result = _Pass(sinks, set(), {}, [], 0, 0, "unknown")

    def write(rows: Rows) -> None:
        for table, table_rows in rows.items():
            if table_rows:
                _sink(sinks, table, raw_dir, file_sha256, batch_rows, pending_dirs).extend(
                    table_rows
                )

    try:
        with source.open("rb") as stream, paused_gc():
            reader = X12Reader(
                stream,
                file_name=file_name,
                file_sha256=file_sha256,
                reject=reject,
                flush_segments=FLUSH_SEGMENTS,
            )
            for event in reader:
                if isinstance(event, EnvelopeFailure):
                    result.failures.append(event)
                    continue
                if isinstance(event, TransactionRows):  # a long set's closed loops, written early
                    result.streamed.add(event.position)
                    write(event.rows)
                    continue
                if result.kind == "unknown" and event.transaction_type in SUPPORTED_TRANSACTIONS:
                    result.kind = event.transaction_type
                if event.error is not None:
                    result.failed[event.position] = (event.error, event.end_position)
                    continue
                result.loaded.add(event.position)
                result.findings.extend(event.findings)
                result.versions[event.version] = None
                write(event.rows)
            result.transactions, result.segments = reader.transactions, reader.segments
            result.findings.extend(reader.envelope_findings)
    except BaseException:
        result.abort()
        raise
    return result


def _native_pass(
    source: Path,
    *,
    file_name: str,
    file_sha256: str,
    raw_dir: Path,
    batch_rows: int,
    pending_dirs: set[Path] | None,
) -> X12FileLoad | None:
    """The whole file through the native 835 reader, committed; None when it declines (nothing is
    left behind: the sinks are dropped and the Python reader reads the file from the start)."""
    sinks: dict[str, ParquetSink] = {}
    summary = native.NativeSummary()
    try:
        with paused_gc():
            for table, batch in native.read_835(
                source,
                file_name=file_name,
                file_sha256=file_sha256,
                flush_segments=FLUSH_SEGMENTS,
                summary=summary,
            ):
                _sink(sinks, table, raw_dir, file_sha256, batch_rows, pending_dirs).extend_batch(
                    batch
                )
            for sink in sinks.values():  # every table written in full before any is published
                sink.finish()
    except native.Declined:
        for sink in sinks.values():
            sink.abort()
        return None
    except BaseException:
        for sink in sinks.values():
            sink.abort()
        raise
    row_counts: dict[str, int] = {}
    try:
        for table, sink in sorted(sinks.items()):
            if sink.publish() is not None:
                row_counts[table] = sink.rows_written
    except BaseException:
        for sink in sinks.values():
            sink.abort()
        raise
    return X12FileLoad(
        kind=TRANSACTION_835,
        units_in=summary.transactions,
        units_loaded=summary.transactions,
        units_quarantined=0,
        row_counts=row_counts,
        rejections=[],
        findings=[],
        versions=summary.versions,
        segments=summary.segments,
        passes=1,
    )


def load_x12(
    source: Path,
    *,
    file_name: str,
    file_sha256: str,
    raw_dir: Path,
    batch_rows: int = 16_384,
    pending_dirs: set[Path] | None = None,
) -> X12FileLoad:
    """Parse `source` and commit its valid transaction sets' rows under `raw_dir`.

    A well-formed 835 is read by the native reader (`transforms.x12.native`); anything it declines
    (and every 837) by the Python reader, the reference, with the same rows.
    `pending_dirs`: see `layout.commit` (folders to fsync later, once per run).
    """
    if native.enabled():
        loaded = _native_pass(
            source,
            file_name=file_name,
            file_sha256=file_sha256,
            raw_dir=raw_dir,
            batch_rows=batch_rows,
            pending_dirs=pending_dirs,
        )
        if loaded is not None:
            return loaded
    options = {
        "file_name": file_name,
        "file_sha256": file_sha256,
        "raw_dir": raw_dir,
        "batch_rows": batch_rows,
        "pending_dirs": pending_dirs,
    }
    try:
        current = _read_pass(source, reject={}, **options)
        passes = 1
        if current.retracted:
            current.abort()
            reject: dict[int, X12Error] = {pos: error for pos, (error, _) in current.failed.items()}
            for failure in current.failures:
                for pos in failure.transactions:
                    reject.setdefault(pos, failure.error)
            current = _read_pass(source, reject=reject, **options)
            passes = 2
            if current.retracted:  # cannot happen: every retracted position was rejected up front
                current.abort()
                raise RuntimeError(f"{file_name}: envelope failures changed between passes")
    except X12Error as exc:  # the file cannot be tokenized: the file is the unit
        return X12FileLoad(
            kind="unknown",
            units_in=1,
            units_loaded=0,
            units_quarantined=1,
            row_counts={},
            rejections=[Rejection(UNIT_FILE, exc)],
        )
    row_counts: dict[str, int] = {}
    try:
        for sink in current.sinks.values():  # every table written in full before any is published
            sink.finish()
        for table, sink in sorted(current.sinks.items()):
            if sink.publish() is not None:
                row_counts[table] = sink.rows_written
    except BaseException:
        current.abort()
        raise
    rejections = [
        Rejection(UNIT_TRANSACTION, error, start, end)
        for start, (error, end) in sorted(current.failed.items())
    ]
    # an envelope problem that encloses no transaction set (text after the last IEA, an empty
    # group) rejects nothing: it is a finding like the tolerated ones
    findings = current.findings + [
        X12Finding.from_error(failure.error)
        for failure in current.failures
        if not failure.transactions
    ]
    findings.sort(key=lambda finding: finding.position or 0)
    return X12FileLoad(
        kind=current.kind,
        units_in=current.transactions,
        units_loaded=len(current.loaded),
        units_quarantined=len(current.failed),
        row_counts=row_counts,
        rejections=rejections,
        findings=findings,
        versions=[version for version in current.versions if version],
        segments=current.segments,
        passes=passes,
    )


def extract_transactions(
    source: Path,
    ranges: list[tuple[int, int]],
    targets: Mapping[int, Path],
    pending_dirs: set[Path] | None = None,
) -> None:
    """Write each segment range `(start, end)` of `source` to `targets[start]`, preceded by the
    ISA and GS that enclose it, one segment per line with the file's own separators.

    Streams: one target file open at a time; each is committed atomically (owner-only).
    """
    if not ranges:
        return
    from transforms.x12.tokenizer import Tokenizer

    pending = sorted(ranges)
    index = 0
    start, end = pending[0]
    handle: BinaryIO | None = None
    temp: Path | None = None
    isa: list[str] = []
    gs: list[str] = []
    with source.open("rb") as stream:
        tokenizer = Tokenizer(stream, file=source.name)
        position = 0
        try:
            for segment in tokenizer:
                position += 1
                if segment[0] == "ISA":
                    isa = segment
                elif segment[0] == "GS":
                    gs = segment
                if position < start:
                    continue
                separators = tokenizer.separators
                assert separators is not None
                if handle is None:
                    temp = temp_path(targets[start])
                    secure_dir(temp.parent)
                    handle = temp.open("xb")
                    for header in (isa, gs):
                        if header:
                            handle.write(
                                _segment_bytes(header, separators.element, separators.segment)
                            )
                handle.write(_segment_bytes(segment, separators.element, separators.segment))
                if position >= end:
                    handle.close()
                    handle = None
                    assert temp is not None
                    commit(temp, targets[start], pending_dirs=pending_dirs)
                    temp = None
                    index += 1
                    if index == len(pending):
                        return
                    start, end = pending[index]
        finally:
            if handle is not None:
                handle.close()
            if temp is not None:
                temp.unlink(missing_ok=True)


def _segment_bytes(segment: list[str], element: str, terminator: str) -> bytes:
    line = element.join(segment) + terminator
    return (line if terminator in "\r\n" else line + "\n").encode("utf-8")
