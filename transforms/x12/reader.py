"""Read an X12 file in one streaming pass: envelope checks, and each transaction set flattened.

`X12Reader` iterates two kinds of events, in file order:

- `TransactionResult` at each SE (or where a transaction set was cut off): its rows per raw table
  when it is valid, or the `X12Error` that rejects it. Rows are buffered per transaction set only
  (and, with `flush_segments`, per `flush_segments` segments), so memory does not grow with the file.
- `TransactionRows` inside a long transaction set, only when `flush_segments` is set: the rows of
  the loops closed so far, handed over every `flush_segments` segments so that memory stays bounded
  whatever the size of one set. They are provisional: if the set later fails, its
  `TransactionResult` carries the error and the consumer must take them back (see `transforms.ingest`,
  which reads the file again with that set rejected up front).
- `EnvelopeFailure` when a functional group or interchange closes wrong (GE01/IEA01 counts, GE02/IEA02
  control numbers, a missing GE/IEA, segments outside any transaction set, an ST without GS...). It
  lists the ST positions of every transaction set inside that envelope: they must be treated as
  rejected, including any already yielded as valid. A consumer that writes rows as they come reads
  the file again with `reject=` those positions (see `transforms.ingest`); that second pass is needed
  only for files whose envelopes are broken.

Checks per transaction set: SE01 = number of segments from ST to SE inclusive; SE02 = ST02; segment
ids are 2-3 upper-case letters/digits; ST01 is 835 or 837; the flattener can read every segment.

Accept with errors (the industry's discipline, as in a 999 "accepted with errors"): wrong counts
(SE01, GE01, IEA01) and control numbers that disagree (SE02/ST02, GE02/GS06, IEA02/ISA13) do not
make the money unreadable, so by default they are recorded as `X12Finding`s and the transaction sets
load: a set's own findings come with its `TransactionResult.findings`, a group's or interchange's
collect in `X12Reader.envelope_findings`. `strict=True` restores the old rule (they reject what
they enclose). Structural breaks stay rejections either way: a missing SE, GE or IEA (a truncated
file must not load half a payment that its complete re-delivery would load again), an ST outside a
GS, segments outside a transaction set, an unreadable segment or amount.

Bare transaction sets: a file with no ISA at all that starts with `ST` (the tokenizer infers its
separators, `Tokenizer.bare`) is read as one implicit interchange and group: one `missing_envelope`
finding (scope interchange, at the first ST) goes to `envelope_findings`, each ST..SE is checked and
loaded as usual, the version is ST03 when present (no GS08), and `interchanges`/`groups` stay 0 (none
was read). `strict=True` rejects them as before (`missing_isa`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from transforms.x12.constants import (
    CHUNK_CHARS,
    ENVELOPE_SEGMENTS,
    GE,
    GS,
    IEA,
    ISA,
    SCOPE_GROUP,
    SCOPE_INTERCHANGE,
    SCOPE_TRANSACTION,
    SE,
    ST,
    TOLERATED_ENVELOPE_RULES,
    TRANSACTION_835,
    TRANSACTION_837,
    Rule,
)
from transforms.x12.context import Flattener, TransactionContext, element
from transforms.x12.errors import X12ContentError, X12EnvelopeError, X12Error, X12Finding
from transforms.x12.flatten_835 import X835Flattener
from transforms.x12.flatten_837 import X837Flattener
from transforms.x12.gcpause import paused_gc
from transforms.x12.records import Rows
from transforms.x12.tokenizer import Tokenizer

FLATTENERS: dict[str, type[Flattener]] = {
    TRANSACTION_835: X835Flattener,
    TRANSACTION_837: X837Flattener,
}
# Exceptions a flattener bug or a pathological segment could raise; reported as a typed error.
_UNEXPECTED = (ArithmeticError, LookupError, ValueError, TypeError, AttributeError, AssertionError)


@dataclass(slots=True)
class TransactionResult:
    """One transaction set: its rows when valid, else the error that rejects it."""

    position: int  # ST segment position
    end_position: int  # SE position, or the last segment before it was cut off
    transaction_type: str  # ST01
    control_number: str  # ST02
    interchange_control_number: str
    group_control_number: str
    rows: Rows
    error: X12Error | None
    segments: list[list[str]] | None  # ST..SE as read (keep_segments=True)
    header: tuple[list[str], ...]  # the enclosing ISA and GS as read
    stats: dict = field(default_factory=dict)
    findings: list[X12Finding] = field(default_factory=list)  # defects that did not reject it
    bare_version: str = ""  # ST03 of a set read without any envelope (bare file)

    @property
    def version(self) -> str:
        """GS08 of the enclosing group (e.g. 005010X221A1); ST03 in a bare file; "" when absent."""
        gs08 = element(self.header[1], 8).strip() if len(self.header) > 1 else ""
        return gs08 or self.bare_version

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class TransactionRows:
    """Rows of a transaction set still open, handed over early (`X12Reader(flush_segments=...)`).

    Provisional until the set's `TransactionResult`: when that carries an error, these rows must be
    taken back. A set's rows are the union of its `TransactionRows` and its result's `rows`."""

    position: int  # ST segment position
    rows: Rows


@dataclass(frozen=True, slots=True)
class EnvelopeFailure:
    """A group or interchange that closed wrong, and the transaction sets it rejects."""

    error: X12EnvelopeError
    transactions: tuple[int, ...]


class _Envelope:
    """An open interchange (ISA) or functional group (GS)."""

    __slots__ = ("control", "count", "error", "implicit", "position", "segment", "transactions")

    def __init__(
        self,
        position: int,
        segment: list[str],
        control: str,
        error: X12EnvelopeError | None = None,
        *,
        implicit: bool = False,
    ) -> None:
        self.position = position
        self.segment = segment
        self.control = control
        self.count = 0  # GS inside an ISA, ST inside a GS
        self.transactions: list[int] = []
        self.error = error
        self.implicit = implicit  # stands for the envelope a bare file does not have


class _Open:
    """A transaction set between its ST and SE."""

    __slots__ = ("bare_version", "error", "flattener", "header", "position", "segment", "segments")

    def __init__(self, position: int, segment: list[str], header: tuple[list[str], ...]) -> None:
        self.position = position
        self.segment = segment
        self.flattener: Flattener | None = None
        self.error: X12Error | None = None
        self.segments: list[list[str]] | None = None
        self.header = header
        self.bare_version = ""  # ST03 when the set has no envelope (bare file)


def valid_segment_id(segment_id: str) -> bool:
    """2-3 characters, upper-case ASCII letters and digits, starting with a letter."""
    return (
        2 <= len(segment_id) <= 3
        and segment_id.isascii()
        and segment_id.isalnum()
        and segment_id[0].isalpha()
        and segment_id.isupper()
    )


def _safe_id(segment: list[str]) -> str | None:
    """The segment id for an error message, or None when it is not an id (junk text, data)."""
    return segment[0] if valid_segment_id(segment[0]) else None


def same_control_number(header: str, trailer: str) -> bool:
    """Control numbers agree; zero padding is forgiven (`000010216` = `10216`)."""
    a, b = header.strip(), trailer.strip()
    return a == b or (a.isdigit() and b.isdigit() and int(a) == int(b))


def _count_agrees(raw: str, expected: int) -> bool:
    raw = raw.strip()
    return raw.isdigit() and raw.isascii() and int(raw) == expected


class X12Reader:
    """Iterate `TransactionResult` and `EnvelopeFailure` events of one X12 stream.

    After iteration: `interchanges`, `groups`, `transactions`, `segments` hold the counts read and
    `envelope_findings` the group and interchange defects that were tolerated.
    Raises `X12SyntaxError` (scope file) when the bytes cannot be tokenized.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        file_name: str,
        file_sha256: str = "",
        strict: bool = False,
        reject: Mapping[int, X12Error] | None = None,
        keep_segments: bool = False,
        chunk_chars: int = CHUNK_CHARS,
        flush_segments: int | None = None,
    ) -> None:
        self.file_name = file_name
        self.file_sha256 = file_sha256
        self.strict = strict
        self.envelope_findings: list[X12Finding] = []
        self.reject = reject or {}
        self.keep_segments = keep_segments
        self.flush_segments = flush_segments
        self.interchanges = 0
        self.groups = 0
        self.transactions = 0
        self.segments = 0
        self._tokenizer = Tokenizer(stream, file=file_name, chunk_chars=chunk_chars)
        self._isa: _Envelope | None = None
        self._gs: _Envelope | None = None

    def __iter__(self) -> Iterator[TransactionResult | TransactionRows | EnvelopeFailure]:
        return self._read()

    # -- the loop -------------------------------------------------------------------------------
    def _read(self) -> Iterator[TransactionResult | TransactionRows | EnvelopeFailure]:
        ok_ids = set(ENVELOPE_SEGMENTS)
        every = self.flush_segments
        no_flush = 1 << 62
        flush_at = no_flush  # the position at which the open set's rows are next handed over
        tx: _Open | None = None
        flattener: Flattener | None = None
        handlers: dict | None = None  # the open flattener's handlers; None once it has failed
        keep: list[list[str]] | None = None
        pos = 0
        try:
            for seg in self._tokenizer:
                pos += 1
                sid = seg[0]
                if sid not in ENVELOPE_SEGMENTS:
                    if tx is None:
                        self._outside_transaction(pos, seg)
                        continue
                    if keep is not None:
                        keep.append(seg)
                    if handlers is None:
                        continue
                    handler = handlers.get(sid)
                    if handler is None:  # a segment no flattener reads: only its id is checked
                        if sid not in ok_ids:
                            if not valid_segment_id(sid):
                                tx.error = self._content_error(
                                    pos, None, Rule.INVALID_SEGMENT_ID, "not a valid segment id"
                                )
                                handlers = None
                                continue
                            ok_ids.add(sid)
                        continue
                    flattener.position = pos  # type: ignore[union-attr]
                    if pos >= flush_at:
                        flush_at = pos + every  # type: ignore[operator]
                        drained = flattener.drain()  # type: ignore[union-attr]
                        if drained:
                            yield TransactionRows(tx.position, drained)
                    try:
                        handler(flattener, seg)
                    except X12Error as exc:
                        tx.error, handlers = exc.with_file(self.file_name), None
                    except _UNEXPECTED as exc:
                        tx.error, handlers = (
                            self._content_error(
                                pos,
                                sid,
                                Rule.UNREADABLE_SEGMENT,
                                f"segment could not be read ({type(exc).__name__})",
                            ),
                            None,
                        )
                    continue
                # ---- envelope segments ----
                if tx is not None and sid != SE:
                    yield self._cut_off(tx, pos, sid)
                    tx = flattener = handlers = keep = None
                if sid == ST:
                    self._ensure_envelopes(pos)
                    tx = self._open_transaction(pos, seg)
                    flattener = tx.flattener
                    handlers = flattener.handlers if flattener is not None else None
                    keep = tx.segments
                    flush_at = pos + every if every else no_flush
                elif sid == SE:
                    if tx is None:
                        self._outside_transaction(pos, seg)
                        continue
                    if keep is not None:
                        keep.append(seg)
                    yield self._close_transaction(tx, pos, seg)
                    tx = flattener = handlers = keep = None
                elif sid == GS:
                    yield from self._close_group(pos, None)
                    if self._isa is None:
                        self._isa = self._synthetic_interchange(pos, seg)
                    self._isa.count += 1
                    self.groups += 1
                    self._gs = _Envelope(pos, seg, element(seg, 6))
                elif sid == GE:
                    yield from self._close_group(pos, seg)
                elif sid == ISA:
                    yield from self._close_group(pos, None)
                    yield from self._close_interchange(pos, None)
                    self.interchanges += 1
                    self._isa = _Envelope(pos, seg, element(seg, 13))
                elif sid == IEA:
                    yield from self._close_group(pos, None)
                    if self._isa is None:
                        self._isa = self._synthetic_interchange(pos, seg)
                    yield from self._close_interchange(pos, seg)
        except X12Error as exc:
            raise exc.with_file(self.file_name) from None
        self.segments = pos
        if tx is not None:
            yield self._cut_off(tx, pos, None)
        yield from self._close_group(pos, None)
        yield from self._close_interchange(pos, None)

    # -- transaction sets -----------------------------------------------------------------------
    def _open_transaction(self, pos: int, seg: list[str]) -> _Open:
        isa, gs = self._isa, self._gs
        assert isa is not None and gs is not None
        gs.count += 1
        gs.transactions.append(pos)
        isa.transactions.append(pos)
        self.transactions += 1
        tx = _Open(pos, seg, (isa.segment, gs.segment))
        if isa.implicit:
            tx.bare_version = element(seg, 3).strip()
        if self.keep_segments:
            tx.segments = [seg]
        if pos in self.reject:
            tx.error = self.reject[pos]
            return tx
        kind = element(seg, 1)
        flattener = FLATTENERS.get(kind)
        if flattener is None:
            tx.error = self._content_error(
                pos,
                ST,
                Rule.UNSUPPORTED_TRANSACTION,
                "transaction set type is not 835 or 837",
                "ST01",
            )
            return tx
        separators = self._tokenizer.separators
        assert separators is not None
        context = TransactionContext(
            file_name=self.file_name,
            file_sha256=self.file_sha256,
            interchange_control_number=isa.control.strip(),
            group_control_number=gs.control.strip(),
            transaction_control_number=element(seg, 2).strip(),
            st_position=pos,
            version=tx.bare_version if isa.implicit else element(gs.segment, 8).strip(),
            group_date=element(gs.segment, 4).strip(),
            implementation=element(seg, 3).strip(),
            component=separators.component,
        )
        try:
            tx.flattener = flattener(context)
        except X12Error as exc:
            tx.error = exc.with_file(self.file_name)
        return tx

    def _close_transaction(self, tx: _Open, pos: int, seg: list[str]) -> TransactionResult:
        error = tx.error
        problems: list[X12EnvelopeError] = []
        if not _count_agrees(element(seg, 1), pos - tx.position + 1):
            problems.append(
                self._envelope_error(
                    pos,
                    SE,
                    "SE01",
                    Rule.SE01_COUNT,
                    f"SE01 says {element(seg, 1).strip()[:12]!r} segments, the transaction set has "
                    f"{pos - tx.position + 1}",
                    SCOPE_TRANSACTION,
                )
            )
        if element(seg, 2).strip() != element(tx.segment, 2).strip():
            problems.append(
                self._envelope_error(
                    pos,
                    SE,
                    "SE02",
                    Rule.SE02_CONTROL,
                    "SE02 does not match ST02",
                    SCOPE_TRANSACTION,
                )
            )
        findings: list[X12Finding] = []
        if error is None and problems:
            if self.strict:
                error = problems[0]
            else:
                control = element(tx.segment, 2).strip()
                findings = [
                    X12Finding.from_error(
                        problem,
                        transaction_position=tx.position,
                        transaction_control_number=control,
                    )
                    for problem in problems
                ]
        rows: Rows = {}
        stats: dict = {}
        if error is None and tx.flattener is not None:
            try:
                rows = tx.flattener.finish()
                stats = tx.flattener.stats
                findings.extend(tx.flattener.findings)
            except X12Error as exc:
                error = exc.with_file(self.file_name)
            except _UNEXPECTED as exc:
                error = self._content_error(
                    pos,
                    SE,
                    Rule.UNREADABLE_SEGMENT,
                    f"transaction set could not be closed ({type(exc).__name__})",
                )
        result = self._result(tx, pos, rows if error is None else {}, error, stats)
        if error is None:
            result.findings = findings
        return result

    def _cut_off(self, tx: _Open, pos: int, segment_id: str | None) -> TransactionResult:
        """A transaction set that never reached its SE."""
        error = tx.error or self._envelope_error(
            pos,
            segment_id,
            None,
            Rule.MISSING_SE,
            "transaction set has no SE" + (f" before this {segment_id}" if segment_id else ""),
            SCOPE_TRANSACTION,
        )
        return self._result(tx, pos - 1 if segment_id else pos, {}, error, {})

    def _result(
        self, tx: _Open, pos: int, rows: Rows, error: X12Error | None, stats: dict
    ) -> TransactionResult:
        isa_segment, gs_segment = tx.header
        return TransactionResult(
            position=tx.position,
            end_position=pos,
            transaction_type=element(tx.segment, 1),
            control_number=element(tx.segment, 2),
            interchange_control_number=element(isa_segment, 13).strip(),
            group_control_number=element(gs_segment, 6).strip(),
            rows=rows,
            error=error,
            segments=tx.segments,
            header=tx.header,
            stats=stats,
            bare_version=tx.bare_version,
        )

    # -- envelopes ------------------------------------------------------------------------------
    def _ensure_envelopes(self, pos: int) -> None:
        """An ST needs an open GS inside an open ISA; otherwise reject what it is wrapped in.

        In a bare file (no ISA anywhere, separators inferred) the ST opens an implicit interchange
        and group instead, recorded once as a `missing_envelope` finding (unless strict)."""
        if self._isa is None:
            if self._tokenizer.bare and not self.strict:
                self._isa = _Envelope(pos, [ISA], "", implicit=True)
                if not any(f.rule == Rule.MISSING_ENVELOPE for f in self.envelope_findings):
                    self.envelope_findings.append(
                        X12Finding(
                            "no ISA/GS envelope: a bare transaction set, separators inferred",
                            rule=Rule.MISSING_ENVELOPE,
                            file=self.file_name,
                            position=pos,
                            segment_id=ST,
                            element=None,
                            scope=SCOPE_INTERCHANGE,
                        )
                    )
            else:
                self._isa = self._synthetic_interchange(pos, [ST])
        if self._gs is None and self._isa.implicit:
            self._gs = _Envelope(pos, [GS], "", implicit=True)
        if self._gs is None:
            self._gs = _Envelope(
                pos,
                [GS],
                "",
                self._envelope_error(
                    pos,
                    ST,
                    None,
                    Rule.MISSING_GS,
                    "transaction set outside a functional group (GS)",
                    SCOPE_GROUP,
                ),
            )

    def _synthetic_interchange(self, pos: int, seg: list[str]) -> _Envelope:
        return _Envelope(
            pos,
            [ISA],
            "",
            self._envelope_error(
                pos,
                _safe_id(seg),
                None,
                Rule.MISSING_ISA,
                "segment outside an interchange (ISA..IEA)",
                SCOPE_INTERCHANGE,
            ),
        )

    def _outside_transaction(self, pos: int, seg: list[str]) -> None:
        """A non-envelope segment (or a stray SE) between transaction sets."""
        target = self._gs or self._isa
        if target is None:
            self._isa = self._synthetic_interchange(pos, seg)
            return
        if target.error is None:
            target.error = self._envelope_error(
                pos,
                _safe_id(seg),
                None,
                Rule.SEGMENT_OUTSIDE_TRANSACTION,
                "segment outside a transaction set (ST..SE)",
                SCOPE_GROUP if target is self._gs else SCOPE_INTERCHANGE,
            )

    def _close_group(self, pos: int, ge: list[str] | None) -> Iterator[EnvelopeFailure]:
        gs = self._gs
        if gs is None:
            if ge is not None:  # a GE without its GS
                yield EnvelopeFailure(
                    self._envelope_error(
                        pos, GE, None, Rule.MISSING_GS, "GE without a GS", SCOPE_GROUP
                    ),
                    (),
                )
            return
        self._gs = None
        error = gs.error
        if error is None and not gs.implicit:  # an implicit group has no GE to check
            if ge is None:
                error = self._envelope_error(
                    pos, None, None, Rule.MISSING_GE, "functional group has no GE", SCOPE_GROUP
                )
            else:
                problems = []
                if not _count_agrees(element(ge, 1), gs.count):
                    problems.append(
                        self._envelope_error(
                            pos,
                            GE,
                            "GE01",
                            Rule.GE01_COUNT,
                            f"GE01 says {element(ge, 1).strip()[:12]!r} transaction sets, the group "
                            f"has {gs.count}",
                            SCOPE_GROUP,
                        )
                    )
                if not same_control_number(gs.control, element(ge, 2)):
                    problems.append(
                        self._envelope_error(
                            pos,
                            GE,
                            "GE02",
                            Rule.GE02_CONTROL,
                            "GE02 does not match GS06",
                            SCOPE_GROUP,
                        )
                    )
                error = self._tolerate(problems)
        if error is not None:
            yield EnvelopeFailure(error, tuple(gs.transactions))

    def _close_interchange(self, pos: int, iea: list[str] | None) -> Iterator[EnvelopeFailure]:
        isa = self._isa
        if isa is None:
            return
        self._isa = None
        error = isa.error
        if error is None and not isa.implicit:  # an implicit interchange has no IEA to check
            if iea is None:
                error = self._envelope_error(
                    pos, None, None, Rule.MISSING_IEA, "interchange has no IEA", SCOPE_INTERCHANGE
                )
            else:
                problems = []
                if not _count_agrees(element(iea, 1), isa.count):
                    problems.append(
                        self._envelope_error(
                            pos,
                            IEA,
                            "IEA01",
                            Rule.IEA01_COUNT,
                            f"IEA01 says {element(iea, 1).strip()[:12]!r} functional groups, the "
                            f"interchange has {isa.count}",
                            SCOPE_INTERCHANGE,
                        )
                    )
                if not same_control_number(isa.control, element(iea, 2)):
                    problems.append(
                        self._envelope_error(
                            pos,
                            IEA,
                            "IEA02",
                            Rule.IEA02_CONTROL,
                            "IEA02 does not match ISA13",
                            SCOPE_INTERCHANGE,
                        )
                    )
                error = self._tolerate(problems)
        if error is not None:
            yield EnvelopeFailure(error, tuple(isa.transactions))

    # -- errors ---------------------------------------------------------------------------------
    def _tolerate(self, problems: list[X12EnvelopeError]) -> X12EnvelopeError | None:
        """The error that rejects the envelope (strict), or None after recording the problems as
        findings (default)."""
        if not problems:
            return None
        if self.strict or any(p.rule not in TOLERATED_ENVELOPE_RULES for p in problems):
            return problems[0]
        self.envelope_findings.extend(X12Finding.from_error(p) for p in problems)
        return None

    def _envelope_error(
        self,
        pos: int,
        segment_id: str | None,
        element_id: str | None,
        rule: str,
        message: str,
        scope: str,
    ) -> X12EnvelopeError:
        return X12EnvelopeError(
            message,
            rule=rule,
            file=self.file_name,
            position=pos,
            segment_id=segment_id,
            element=element_id,
            scope=scope,
        )

    def _content_error(
        self,
        pos: int,
        segment_id: str | None,
        rule: str,
        message: str,
        element_id: str | None = None,
    ) -> X12ContentError:
        return X12ContentError(
            message,
            rule=rule,
            file=self.file_name,
            position=pos,
            segment_id=segment_id,
            element=element_id,
        )


def read_file(
    path: Path, *, file_name: str | None = None, file_sha256: str = "", strict: bool = False
) -> Iterator[TransactionResult | TransactionRows | EnvelopeFailure]:
    """Events of the X12 file at `path` (see `X12Reader`); the file is closed at the end."""
    with path.open("rb") as stream, paused_gc():
        yield from X12Reader(
            stream, file_name=file_name or path.name, file_sha256=file_sha256, strict=strict
        )
