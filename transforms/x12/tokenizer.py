"""Streaming X12 tokenizer: bytes in, one list of elements per segment out.

The separators are read from each `ISA` (never assumed): the 4th character is the element separator,
`ISA16` the component separator, the character after `ISA16` the segment terminator and `ISA11` the
repetition separator (00402 and later). Fixed-width `ISA` fields may arrive trimmed: the parser
counts the 16 element separators instead of relying on column 106.

Tolerated, because real feeds do it: a UTF-8 byte-order mark; any text or blank lines before the first
`ISA`; CR/LF or blanks after terminators and blank segments (`~~`); a newline as terminator (CRLF
too); several interchanges per file, each with its own separators; no terminator after the last
segment; control characters as separators (e.g. 0x1D elements, 0x1F components, 0x1C terminators:
only CR, LF, tab and space are stripped around segments, never other `str.isspace()` characters).
A bare transaction set (no envelope at all: the text, after a byte-order mark and blank lines,
starts with `ST` and holds no `ISA` anywhere) is read with inferred separators, and
`Tokenizer.bare` says so (see `infer_bare_separators`): only when no `ISA` was found, so files with
an `ISA` are read exactly as before, and a bare file is read twice (the search for an `ISA`, then
its segments; the stream is rewound).
A stream that cannot be rewound is not read as bare.
Not tolerated (typed `X12SyntaxError`): bytes that are not UTF-8, no `ISA` (and no readable bare
`ST`), an `ISA` whose separators are letters/digits or collide, an element or component separator
that is CR, LF, tab or space, a run of more than `MAX_SEGMENT_CHARS` characters without a
terminator.

Memory is bounded: the file is read `CHUNK_CHARS` at a time and split with `str.split` (one C-level
pass per chunk); only the unterminated tail of a chunk is carried over. The tokenizer does not judge
envelopes: `transforms.x12.reader` does (so a segment after an `IEA` that is not an `ISA` is passed
on, and the reader reports it as outside any interchange).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from transforms.x12.constants import (
    CHUNK_CHARS,
    IEA,
    ISA,
    ISA_ELEMENT_COUNT,
    ISA_SEARCH_CHARS,
    MAX_SEGMENT_CHARS,
    SNIFF_BYTES,
    ST,
    Rule,
)
from transforms.x12.errors import X12SyntaxError

BOM = "\ufeff"
# What may pad a segment (line breaks, blanks) and is stripped around it. Only these: Python's
# `str.strip()` would also eat the ASCII information separators 0x1C-0x1F, which real trading
# partners use as delimiters. None of them may be an element, component or repetition separator.
PADDING = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Separators:
    """The four delimiters of one interchange, as read from its ISA."""

    element: str
    component: str
    repetition: str | None
    segment: str


def _is_delimiter(char: str) -> bool:
    """A separator may be any character that cannot appear inside an id or a number."""
    return len(char) == 1 and not char.isalnum() and char != " "


def _is_inner_delimiter(char: str) -> bool:
    """An element, component or repetition separator: a delimiter that is not padding (CR, LF,
    tab). Control characters such as 0x1D (GS) or 0x1F (US) are fine."""
    return _is_delimiter(char) and char not in PADDING


def separators_from_isa(
    elements: list[str], terminator: str, element_sep: str
) -> Separators | None:
    """Separators of an ISA already split into its 17 parts (`ISA`, ISA01..ISA16); None if invalid."""
    if len(elements) != ISA_ELEMENT_COUNT + 1 or len(elements[16]) != 1:
        return None
    component = elements[16]
    chosen = {element_sep, component, terminator}
    if (
        len(chosen) != 3
        or not _is_delimiter(terminator)
        or not _is_inner_delimiter(element_sep)
        or not _is_inner_delimiter(component)
    ):
        return None
    repetition: str | None = None
    isa11 = elements[11].strip(PADDING)
    if (
        elements[12].strip() >= "00402"
        and len(isa11) == 1
        and _is_inner_delimiter(isa11)
        and isa11 not in chosen
    ):
        repetition = isa11
    return Separators(element_sep, component, repetition, terminator)


def find_isa(text: str, start: int = 0) -> int:
    """Index of the first plausible `ISA` at or after `start` (not inside a word), else -1.

    A candidate at the very end of `text` (too short to see its separator) is returned so that the
    caller reads more before deciding.
    """
    i = text.find(ISA, start)
    while i != -1:
        if i == 0 or not text[i - 1].isalnum():
            if i + 3 >= len(text):
                return i
            if _is_inner_delimiter(text[i + 3]):
                return i
        i = text.find(ISA, i + 1)
    return -1


def parse_isa(
    text: str, start: int, *, final: bool, file: str, position: int
) -> tuple[list[str], Separators, int] | None:
    """Read the ISA that begins at `text[start]`.

    Returns (elements, separators, index just after its terminator), or None when `text` ends before
    the ISA does and more input may follow (`final=False`). Raises X12SyntaxError when it can never
    be an ISA.
    """
    if start + 3 >= len(text):
        if final:
            raise _isa_error("the file ends inside the ISA segment", file, position)
        return None
    element_sep = text[start + 3]
    cursor = start + 3
    for _ in range(ISA_ELEMENT_COUNT - 1):
        cursor = text.find(element_sep, cursor + 1, start + ISA_SEARCH_CHARS)
        if cursor == -1:
            if final or len(text) - start >= ISA_SEARCH_CHARS:
                raise _isa_error("ISA does not have 16 elements", file, position)
            return None
    # cursor is at the 16th element separator; ISA16 and the terminator follow it
    if cursor + 2 >= len(text):
        if final:
            raise _isa_error("the file ends inside the ISA segment", file, position)
        return None
    terminator = text[cursor + 2]
    elements = text[start : cursor + 2].split(element_sep)
    separators = separators_from_isa(elements, terminator, element_sep)
    if separators is None:
        raise X12SyntaxError(
            "ISA separators are missing, alphanumeric or not distinct",
            rule=Rule.ISA_SEPARATORS,
            file=file,
            position=position,
            segment_id=ISA,
            element="ISA16",
        )
    return elements, separators, cursor + 3


# ---- bare transaction sets (no ISA) -------------------------------------------------------------
# Composites whose first component is a short qualifier: (segment id, element index, qualifier
# length). The character after the qualifier is the component separator (SVC01 `HC:99213`, SV101,
# SV202, CLM05 `11:B:1`).
_COMPOSITE_PROBES = (("SVC", 1, 2), ("SV1", 1, 2), ("SV2", 2, 2), ("CLM", 5, 2))
DEFAULT_COMPONENT = ":"


def looks_bare(text: str) -> bool:
    """`text` (a file's start, byte-order mark removed) begins, after padding, with `ST` and an
    element separator: a transaction set with no envelope, if anything."""
    text = text.lstrip(PADDING)
    return text.startswith(ST) and len(text) > 2 and _is_inner_delimiter(text[2])


def _bare_failure(reason: str, file: str) -> X12SyntaxError:
    return X12SyntaxError(
        f"no ISA segment found, and the separators of a bare transaction set "
        f"(ST) could not be inferred: {reason}",
        rule=Rule.NO_ISA,
        file=file,
        segment_id=ST,
    )


def infer_bare_separators(text: str, *, file: str = "") -> Separators:
    """The separators of a bare transaction set, inferred from the start of its text.

    `text` is the file's first characters (byte-order mark removed; `SNIFF_BYTES` are plenty). The
    element separator is the character after `ST`; the segment terminator the first character
    after ST's elements that is not the element separator, a letter, a digit or padding (a newline
    when the next segment starts on the next line with nothing before it); the component separator
    is `:` unless an SVC01/SV101/SV202/CLM05 composite shows another; no repetition separator.
    Raises `X12SyntaxError` (rule `no_isa`) saying why when anything is missing or ambiguous.
    """
    text = text.lstrip(PADDING)[:SNIFF_BYTES]
    if not looks_bare(text):
        raise _bare_failure("the text does not start with ST and an element separator", file)
    element = text[2]
    end, size = 3, len(text)
    while end < size and (text[end].isalnum() or text[end] == element):
        end += 1
    after = end
    while after < size and text[after] in PADDING:
        after += 1
    if after == size:
        raise _bare_failure("nothing follows the ST segment", file)
    if text[after].isalnum():
        if "\n" not in text[end:after]:
            raise _bare_failure("the ST segment has no terminator", file)
        terminator, rest = "\n", after
    else:
        terminator, rest = text[after], after + 1
    if not _is_delimiter(terminator) or terminator == element:
        raise _bare_failure("the ST segment has no usable terminator", file)
    st = text[:end].split(element)
    if not 3 <= len(st) <= 4 or len(st[1]) != 3 or not st[1].isdigit() or not st[2]:
        raise _bare_failure("ST01 is not a 3-digit transaction set id or ST02 is empty", file)
    following = text[rest:].lstrip(PADDING + terminator)[:4]
    cut = next((i for i, char in enumerate(following) if not char.isalnum()), len(following))
    if not (
        2 <= cut <= 3
        and following[:cut].isupper()
        and following[0].isalpha()
        and cut < len(following)
        and following[cut] in (element, terminator)
    ):
        raise _bare_failure("the segment after ST does not start with a segment id", file)
    component = _bare_component(text, element, terminator, file)
    return Separators(element, component, None, terminator)


def _bare_component(text: str, element: str, terminator: str, file: str) -> str:
    """The component separator shown by the first composites of a bare transaction set."""
    seen: set[str] = set()
    for raw in text.split(terminator):
        segment = raw.strip(PADDING).split(element)
        for segment_id, index, width in _COMPOSITE_PROBES:
            if (
                segment[0] == segment_id
                and index < len(segment)
                and len(segment[index]) > width
                and segment[index][:width].isalnum()
            ):
                char = segment[index][width]
                if char.isalnum():
                    continue  # no composite here (or an unusual code): no evidence either way
                if not _is_inner_delimiter(char):
                    raise _bare_failure(
                        f"{segment_id}{index:02d} shows a blank or padding "
                        f"where a component separator belongs",
                        file,
                    )
                seen.add(char)
    if len(seen) > 1:
        raise _bare_failure("the composites show more than one component separator", file)
    component = seen.pop() if seen else DEFAULT_COMPONENT
    if component in (element, terminator):
        raise _bare_failure(
            "the component separator would collide with the element separator "
            "or the segment terminator",
            file,
        )
    return component


def _isa_error(message: str, file: str, position: int) -> X12SyntaxError:
    return X12SyntaxError(
        message, rule=Rule.ISA_INVALID, file=file, position=position, segment_id=ISA
    )


class Tokenizer:
    """Iterate a binary stream as X12 segments (lists of element strings).

    `separators` always holds the separators of the interchange being read (the reader needs the
    component separator). `position` (segments yielded so far) is kept up to date only where an
    error may be raised or an interchange changes; the reader keeps its own count per segment.
    """

    def __init__(self, stream: BinaryIO, *, file: str, chunk_chars: int = CHUNK_CHARS) -> None:
        self.file = file
        self.separators: Separators | None = None
        self.position = 0
        self.bytes_read = 0
        self._stream = stream
        self._chunk = chunk_chars
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._started = False
        self.bare = False  # no ISA: the separators were inferred from a bare ST
        self._origin = stream.tell() if stream.seekable() else None

    def __iter__(self) -> Iterator[list[str]]:
        return self._segments()

    # -- input ----------------------------------------------------------------------------------
    def _read(self) -> str | None:
        """Next decoded chunk, or None at end of input."""
        data = self._stream.read(self._chunk)
        try:
            if not data:
                rest = self._decoder.decode(b"", final=True)
                return rest or None
            text = self._decoder.decode(data)
        except UnicodeDecodeError as exc:
            raise X12SyntaxError(
                f"not UTF-8 text near byte {self.bytes_read + exc.start}",
                rule=Rule.ENCODING,
                file=self.file,
                position=self.position or None,
            ) from None
        self.bytes_read += len(data)
        if not self._started and text:  # a chunk of 1-2 bytes may decode to nothing yet
            self._started = True
            if text.startswith(BOM):
                text = text[1:]
        return text

    # -- segments -------------------------------------------------------------------------------
    def _seek_isa(self, buf: str, eof: bool) -> tuple[list[str] | None, Separators, str, bool]:
        """Skip text up to the next ISA; return its elements, separators, the text after it, eof.

        A file with no ISA at all that starts with `ST` is read as a bare transaction set: the
        elements are None, the separators inferred and the text is the file's, from its start.
        """
        lo = 0  # candidates before buf[lo] have been judged (buf[lo - 1] is their context)
        while True:
            i = find_isa(buf, lo)
            if i >= 0:
                parsed = parse_isa(buf, i, final=eof, file=self.file, position=self.position + 1)
                if parsed is not None:
                    elements, separators, end = parsed
                    return elements, separators, buf[end:], eof
                buf, lo = buf[i:], 0  # its word boundary is checked: it stays a candidate
            else:
                # Only an "I" or "IS" at the very end is undecided. Keep it with the character
                # before it, which the word-boundary check needs ("XISA" is no ISA, however the
                # input is chunked), and do not judge again what was judged.
                lo = max(len(buf) - 2, lo)
                if lo > 1:
                    buf, lo = buf[lo - 1 :], 1
            if eof:
                if self.bytes_read == 0:
                    raise X12SyntaxError("the file is empty", rule=Rule.EMPTY_FILE, file=self.file)
                if self.position == 0:
                    bare = self._rewind_bare()
                    if bare is not None:
                        separators, buf = bare
                        return None, separators, buf, False
                raise X12SyntaxError("no ISA segment found", rule=Rule.NO_ISA, file=self.file)
            chunk = self._read()
            if chunk is None:
                eof = True
            else:
                buf += chunk

    def _rewind_bare(self) -> tuple[Separators, str] | None:
        """After a search that found no ISA: None when the file does not start with `ST` (or the
        stream cannot be rewound), else its inferred separators and its first chunk, the stream
        rewound. Raises `no_isa` saying why when the separators cannot be inferred."""
        if self._origin is None:
            return None
        self._stream.seek(self._origin)
        head = self._stream.read(SNIFF_BYTES)
        text = codecs.getincrementaldecoder("utf-8")("strict").decode(head)
        text = text[1:] if text.startswith(BOM) else text
        if not looks_bare(text):
            return None
        separators = infer_bare_separators(text, file=self.file)
        self._stream.seek(self._origin)
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._started = False
        self.bytes_read = 0
        self.bare = True
        return separators, self._read() or ""

    def _segments(self) -> Iterator[list[str]]:
        """One generator for the whole stream (a single frame per segment keeps it fast)."""
        buf = self._read() or ""
        eof = False
        position = 0
        while True:
            # ---- an ISA: read the separators of the interchange that starts here
            self.position = position
            elements, separators, buf, eof = self._seek_isa(buf, eof)
            self.separators = separators
            if elements is not None:  # None: a bare transaction set, read from the start
                position += 1
                yield elements
            element, terminator = separators.element, separators.segment
            padding = PADDING  # never a separator but the terminator, which split() removed
            expect_isa = False
            restart = False
            # ---- the interchange's segments, a chunk at a time
            while not restart:
                if not eof:
                    chunk = self._read()
                    if chunk is None:
                        eof = True
                    else:
                        buf += chunk
                parts = buf.split(terminator)
                tail = "" if eof else parts.pop()
                if len(tail) > MAX_SEGMENT_CHARS:
                    self.position = position
                    raise X12SyntaxError(
                        f"more than {MAX_SEGMENT_CHARS} characters without a segment terminator",
                        rule=Rule.SEGMENT_TOO_LONG,
                        file=self.file,
                        position=position + 1,
                    )
                for index, raw in enumerate(parts):
                    text = raw.strip(padding)
                    if not text:
                        continue
                    segment = text.split(element)
                    if expect_isa:
                        expect_isa = False
                        if text.startswith(ISA):
                            same = separators_from_isa(segment, terminator, element)
                            if same is None:  # other separators: re-read from this ISA
                                rest = terminator.join(parts[index:]).lstrip(padding)
                                buf = rest + (terminator + tail if not eof else "")
                                restart = True
                                break
                            separators = same
                            self.separators = same
                    position += 1
                    yield segment
                    if segment[0] == IEA:
                        expect_isa = True
                else:
                    if eof:
                        self.position = position
                        return
                    buf = tail


def tokenize(path: Path, *, chunk_chars: int = CHUNK_CHARS) -> Iterator[list[str]]:
    """Segments of the file at `path` (see `Tokenizer`)."""
    with path.open("rb") as stream:
        yield from Tokenizer(stream, file=path.name, chunk_chars=chunk_chars)


def tokenize_bytes(
    data: bytes, *, file: str = "<bytes>", chunk_chars: int = CHUNK_CHARS
) -> list[list[str]]:
    """All segments of an in-memory X12 document (tests and small inputs)."""
    return list(Tokenizer(io.BytesIO(data), file=file, chunk_chars=chunk_chars))
