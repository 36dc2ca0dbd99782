"""Tokenizer: separators come from each ISA, real-world layout quirks are tolerated, bad input is typed."""

from __future__ import annotations

import io

import pytest

from transforms.harness.x12_synth import Style, bare_transactions, interchange
from transforms.x12.constants import MAX_SEGMENT_CHARS, Rule
from transforms.x12.errors import X12SyntaxError
from transforms.x12.tokenizer import Tokenizer, tokenize_bytes

BODY = [[["CLP", "PCN1", "1", "100", "80", "20", "12"]]]


def ids(segments: list[list[str]]) -> list[str]:
    return [segment[0] for segment in segments]


def test_reads_separators_from_isa_not_defaults():
    # GIVEN an interchange whose element, component and terminator are |, > and !
    style = Style(element="|", component=">", terminator="!", repetition="^")
    text = interchange([[["SVC", ["HC", "99213", "25"], "100", "80"]]], style=style)
    # WHEN it is tokenized
    stream = io.BytesIO(text.encode())
    tokenizer = Tokenizer(stream, file="pipes.x12")
    segments = list(tokenizer)
    # THEN segments split on | and the composite keeps > inside the element
    assert ids(segments) == ["ISA", "GS", "ST", "SVC", "SE", "GE", "IEA"]
    assert segments[3] == ["SVC", "HC>99213>25", "100", "80"]
    assert tokenizer.separators is not None
    assert (
        tokenizer.separators.element,
        tokenizer.separators.component,
        tokenizer.separators.segment,
        tokenizer.separators.repetition,
    ) == ("|", ">", "!", "^")


def test_bom_junk_blank_lines_and_crlf_are_tolerated():
    # GIVEN a BOM, a text preamble with blank lines, and CRLF after every terminator
    text = interchange(BODY, style=Style(after_terminator="\r\n"))
    data = "\ufeffFrom: clearinghouse\r\nVISA*not an envelope\r\n\r\n" + text + "\r\n\r\n"
    # WHEN tokenized
    segments = tokenize_bytes(data.encode())
    # THEN the preamble is skipped and no segment carries CR/LF
    assert ids(segments) == ["ISA", "GS", "ST", "CLP", "SE", "GE", "IEA"]
    assert all("\r" not in e and "\n" not in e for segment in segments for e in segment)


def test_newline_as_terminator_with_crlf_lines():
    # GIVEN a file whose segment terminator is the newline (written with CRLF line ends)
    text = interchange(BODY, style=Style(terminator="\n")).replace("\n", "\r\n")
    # WHEN tokenized
    segments = tokenize_bytes(text.encode())
    # THEN every line is one segment and values are intact
    assert ids(segments) == ["ISA", "GS", "ST", "CLP", "SE", "GE", "IEA"]
    assert segments[3] == ["CLP", "PCN1", "1", "100", "80", "20", "12"]


def test_trimmed_isa_fields_are_read_by_counting_separators():
    # GIVEN an ISA without its fixed-width padding (much shorter than 106 characters)
    text = interchange(BODY, style=Style(trimmed=True), isa_control="7")
    assert len(text.split("~")[0]) < 90
    # WHEN tokenized
    segments = tokenize_bytes(text.encode())
    # THEN ISA has its 16 elements and the interchange control number survives
    assert len(segments[0]) == 17 and segments[0][13] == "7"
    assert segments[-1] == ["IEA", "1", "000000007"]


def test_several_interchanges_each_with_its_own_separators():
    # GIVEN two interchanges in one file: the second uses different separators, blank line between
    first = interchange(BODY, isa_control="000000001")
    second = interchange(
        BODY,
        style=Style(element="^", component="\\", terminator="'", repetition="{"),
        isa_control="000000002",
    )
    # WHEN tokenized, in small chunks so the switch happens across a chunk boundary
    segments = tokenize_bytes((first + "\n\n" + second).encode(), chunk_chars=17)
    # THEN both interchanges are read with their own separators
    assert ids(segments) == ["ISA", "GS", "ST", "CLP", "SE", "GE", "IEA"] * 2
    assert segments[10] == ["CLP", "PCN1", "1", "100", "80", "20", "12"]
    assert segments[13] == ["IEA", "1", "000000002"]


def test_004010_isa_has_no_repetition_separator():
    # GIVEN a 00401 interchange (ISA11 = U)
    text = interchange(BODY, style=Style(version="00401", repetition=None), guide="004010X091A1")
    stream = io.BytesIO(text.encode())
    tokenizer = Tokenizer(stream, file="old.x12")
    # WHEN tokenized
    segments = list(tokenizer)
    # THEN it reads normally and reports no repetition separator
    assert segments[0][11] == "U" and segments[0][12] == "00401"
    assert tokenizer.separators is not None and tokenizer.separators.repetition is None


def test_chunk_size_does_not_change_the_result():
    # GIVEN one document
    text = interchange([BODY[0]] * 3, style=Style(after_terminator="\n")).encode()
    # WHEN tokenized with chunk sizes from 1 character up
    results = {size: tokenize_bytes(text, chunk_chars=size) for size in (1, 2, 3, 7, 64, 1 << 20)}
    # THEN every chunk size gives the same segments
    first = results[1 << 20]
    assert all(result == first for result in results.values())
    assert len(first) == 4 + 3 * 3


def test_last_segment_without_terminator_is_read():
    text = interchange(BODY).rstrip("~")
    assert tokenize_bytes(text.encode())[-1] == ["IEA", "1", "000000001"]


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", Rule.EMPTY_FILE),
        (b"   \n\n", Rule.NO_ISA),
        (b"hello, this is not an EDI file at all", Rule.NO_ISA),
        (b"ISA*00*x*00*y*ZZ*A*ZZ*B*1*2*^*00501*1*0*P*A~GS*HP~", Rule.ISA_SEPARATORS),
        (b"ISA*00*x*00*y*ZZ*A*ZZ*B*1*2", Rule.ISA_INVALID),
        (b"ISA*00*" + b"\xff\xfe\x00" * 50, Rule.ENCODING),
    ],
    ids=["empty", "blank", "text", "alphanumeric-isa16", "truncated-isa", "not-utf8"],
)
def test_unreadable_input_raises_a_typed_syntax_error(data: bytes, rule: str):
    # GIVEN input that cannot be X12  WHEN tokenized  THEN an X12SyntaxError names the rule
    with pytest.raises(X12SyntaxError) as caught:
        tokenize_bytes(data, file="bad.edi")
    assert caught.value.rule == rule
    assert caught.value.file == "bad.edi"
    assert "bad.edi" in str(caught.value)


def test_a_runaway_segment_is_rejected_instead_of_buffered():
    # GIVEN an ISA followed by more than MAX_SEGMENT_CHARS characters with no terminator
    text = interchange(BODY).split("GS*")[0] + "GS*" + "A" * (MAX_SEGMENT_CHARS + 10)
    # WHEN tokenized  THEN it stops with segment_too_long at the segment after the ISA
    with pytest.raises(X12SyntaxError) as caught:
        tokenize_bytes(text.encode(), chunk_chars=1 << 16)
    assert caught.value.rule == Rule.SEGMENT_TOO_LONG
    assert caught.value.position == 2


# ---- regressions: ASCII information separators (0x1C-0x1F) as delimiters -----------------------
INFO_STYLE = Style(element="\x1d", component="\x1f", repetition="\x1e", terminator="\x1c")


def test_information_separators_are_read_from_the_isa():
    # GIVEN an interchange delimited by GS (0x1D) elements, US (0x1F) components, RS (0x1E)
    # repetitions and FS (0x1C) terminators -- all of them str.isspace() in Python
    text = interchange([[["SVC", ["HC", "99213", "25"], "100", "80"]]], style=INFO_STYLE)
    # WHEN tokenized
    tokenizer = Tokenizer(io.BytesIO(text.encode()), file="fs.x12")
    segments = list(tokenizer)
    # THEN it reads like the same interchange with printable separators
    assert segments[3] == ["SVC", "HC\x1f99213\x1f25", "100", "80"]
    assert ids(segments) == ["ISA", "GS", "ST", "SVC", "SE", "GE", "IEA"]
    assert tokenizer.separators is not None
    assert (
        tokenizer.separators.element,
        tokenizer.separators.component,
        tokenizer.separators.repetition,
        tokenizer.separators.segment,
    ) == ("\x1d", "\x1f", "\x1e", "\x1c")


@pytest.mark.parametrize("after", ["", "\r\n"], ids=["bare", "crlf"])
def test_information_separators_are_not_stripped_as_blanks(after: str):
    # GIVEN 0x1D/0x1C separators and segments whose last elements are empty (a trailing 0x1D)
    style = Style(element="\x1d", component="\x1f", terminator="\x1c", after_terminator=after)
    text = interchange(
        [[["CLP", "PCN1", "1", "100", "80", "", ""], ["LQ", "HE", "N1"]]], style=style
    )
    # WHEN tokenized whole and one character at a time
    whole, one = tokenize_bytes(text.encode()), tokenize_bytes(text.encode(), chunk_chars=1)
    # THEN the trailing empty elements survive (no separator is taken for padding), CR/LF is
    # stripped, and the chunking changes nothing
    assert whole[3] == ["CLP", "PCN1", "1", "100", "80", "", ""]
    assert whole[4] == ["LQ", "HE", "N1"]
    assert whole == one


@pytest.mark.parametrize(
    ("style", "rule"),
    [
        (Style(element="\n"), Rule.NO_ISA),
        (Style(element="\t"), Rule.NO_ISA),
        (Style(component="\r"), Rule.ISA_SEPARATORS),
        (Style(element="\x1d", terminator="\x1d"), Rule.ISA_SEPARATORS),
        (Style(element="\x1d", component="\x1d"), Rule.ISA_SEPARATORS),
        (Style(component="A"), Rule.ISA_SEPARATORS),
    ],
    ids=[
        "lf-element",
        "tab-element",
        "cr-component",
        "element-is-terminator",
        "element-is-component",
        "letter-component",
    ],
)
def test_separators_that_cannot_work_are_still_rejected(style: Style, rule: str):
    # GIVEN an ISA whose separators are padding characters, collide or are alphanumeric
    data = interchange(BODY, style=style).encode()
    # WHEN tokenized  THEN a typed syntax error names the rule
    with pytest.raises(X12SyntaxError) as caught:
        tokenize_bytes(data, file="odd.x12")
    assert caught.value.rule == rule


# ---- regressions: seeking the first ISA does not depend on the chunking ------------------------
@pytest.mark.parametrize("glued", ["I", "XX", "VI"])
def test_a_glued_isa_is_rejected_whatever_the_chunk_size(glued: str):
    # GIVEN an interchange with letters glued in front of its ISA ("IISA*...": not a word start)
    data = (glued + interchange(BODY)).encode()
    # WHEN tokenized with chunk sizes from 1 character up
    rules = set()
    for size in (1, 2, 3, 4, 5, 1 << 20):
        with pytest.raises(X12SyntaxError) as caught:
            tokenize_bytes(data, chunk_chars=size)
        rules.add(caught.value.rule)
    # THEN it is never taken for an ISA, however the chunks fall
    assert rules == {Rule.NO_ISA}


def test_an_isa_after_junk_is_found_whatever_the_chunk_size():
    # GIVEN junk ending in words that contain "ISA" and "IS", then a real ISA on its own line
    data = ("VISA IISA* HIS\nIS\n" + interchange(BODY)).encode()
    # WHEN tokenized with chunk sizes from 1 character up
    results = [tokenize_bytes(data, chunk_chars=size) for size in (1, 2, 3, 4, 5, 1 << 20)]
    # THEN the real ISA is found every time, with the same segments
    assert all(result == results[-1] for result in results)
    assert ids(results[-1]) == ["ISA", "GS", "ST", "CLP", "SE", "GE", "IEA"]


# ---- bare transaction sets: no ISA/GS envelope, separators inferred from the ST -----------------
BARE_BODY = [
    [
        ["BPR", "I", "80", "C", "CHK"],
        ["CLP", "PCN1", "1", "100", "80", "20", "12"],
        ["SVC", ["HC", "99213", "25"], "100", "80"],
    ]
]


def bare_segments(text: str, chunk_chars: int = 1 << 20) -> tuple[list[list[str]], Tokenizer]:
    tokenizer = Tokenizer(io.BytesIO(text.encode()), file="bare.835", chunk_chars=chunk_chars)
    return list(tokenizer), tokenizer


@pytest.mark.parametrize(
    ("style", "prefix"),
    [
        (Style(), ""),
        (Style(after_terminator="\n"), "\ufeff\n\n  "),
        (Style(after_terminator="\r\n"), "\r\n"),
        (Style(terminator="\n"), ""),
        (Style(terminator="\r\n"), "\n"),
        (Style(element="|", component="^", terminator="!"), ""),
    ],
    ids=[
        "tilde-one-line",
        "tilde-newline-after-bom-and-blanks",
        "tilde-crlf",
        "newline-only",
        "crlf-only",
        "pipe-caret-bang",
    ],
)
def test_a_bare_transaction_set_is_read_with_inferred_separators(style: Style, prefix: str):
    # GIVEN an 835 with no ISA/GS envelope at all (ST..SE only), laid out as portals export it
    text = prefix + bare_transactions(BARE_BODY, style=style)
    # WHEN tokenized whole and one character at a time
    segments, tokenizer = bare_segments(text)
    one, _ = bare_segments(text, chunk_chars=1)
    # THEN every segment is read from the first ST, and the tokenizer says it inferred the
    # separators (the component one from SVC01's composite)
    assert ids(segments) == ["ST", "BPR", "CLP", "SVC", "SE"]
    assert segments[0] == ["ST", "835", "0001"]
    assert segments[3] == ["SVC", style.component.join(["HC", "99213", "25"]), "100", "80"]
    assert segments[-1] == ["SE", "5", "0001"]
    assert tokenizer.bare is True
    assert tokenizer.separators is not None
    assert (
        tokenizer.separators.element,
        tokenizer.separators.component,
        tokenizer.separators.repetition,
        tokenizer.separators.segment,
    ) == (style.element, style.component, None, style.terminator[-1])
    assert one == segments


@pytest.mark.parametrize(
    ("segment", "component"),
    [
        (["SVC", ["NU", "0450"], "10", "10"], ">"),
        (["SV1", ["HC", "99213"], "30", "UN", "1"], "}"),
        (["SV2", "0450", ["HC", "99284"], "30", "UN", "1"], "\x1f"),
        (["CLM", "X1", "30", "", "", ["11", "B", "1"]], "<"),
        (["CLP", "PCN1", "1", "100", "80"], ":"),
    ],
    ids=["svc01", "sv101", "sv202", "clm05", "no-composite-default"],
)
def test_the_component_separator_is_read_from_the_first_composite(segment: list, component: str):
    # GIVEN a bare set whose composites use `component` (or no composite at all)
    text = bare_transactions([[segment]], style=Style(component=component))
    # WHEN tokenized  THEN that is the component separator (":" when nothing shows another)
    _, tokenizer = bare_segments(text)
    assert tokenizer.separators is not None and tokenizer.separators.component == component


def test_an_interchange_with_an_isa_is_not_taken_for_a_bare_file():
    # GIVEN a file that starts with a stray ST..SE and then holds a real interchange
    text = bare_transactions(BARE_BODY) + "\n" + interchange(BODY)
    # WHEN tokenized  THEN it reads as before: from the ISA, with the ISA's separators
    segments, tokenizer = bare_segments(text)
    assert ids(segments) == ["ISA", "GS", "ST", "CLP", "SE", "GE", "IEA"]
    assert tokenizer.bare is False


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ST*835*0001", "nothing follows the ST segment"),
        ("ST*835*0001 BPR*I*80~", "has no terminator"),
        ("ST: notes about the state.\nmore notes", "has no terminator"),
        ("ST*8350*0001~BPR*I*80~", "ST01 is not a 3-digit"),
        ("ST*835*0001~hello there~", "does not start with a segment id"),
        ("ST*835*0001~SVC*HC:1*1~SVC*HC>2*1~SE*4*0001~", "more than one component separator"),
        ("ST*835*0001~SVC*HC 99213*1~SE*3*0001~", "blank or padding"),
        ("ST:835:0001~SE:2:0001~", "collide"),
    ],
    ids=[
        "st-only",
        "no-terminator",
        "prose",
        "four-digit-st01",
        "not-a-segment",
        "two-components",
        "blank-component",
        "colon-element",
    ],
)
def test_a_bare_st_that_cannot_be_read_is_still_no_isa(text: str, reason: str):
    # GIVEN text that starts with ST and a separator but whose separators cannot be inferred
    # WHEN tokenized  THEN the same typed error as any file without an ISA, saying why
    with pytest.raises(X12SyntaxError) as caught:
        tokenize_bytes(text.encode(), file="odd.835")
    assert caught.value.rule == Rule.NO_ISA
    assert "no ISA" in caught.value.message and "bare transaction set" in caught.value.message
    assert reason in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "Notes: the ST*835*0001~ segment opens a remittance.\n",
        "STATUS*835*0001~SE*2*0001~",
        "ST 835 0001\nSE 2 0001\n",
    ],
    ids=["st-inside-prose", "st-inside-a-word", "blank-after-st"],
)
def test_text_that_merely_contains_st_is_not_x12(text: str):
    # GIVEN text that contains ST but does not start with ST and an element separator
    # WHEN tokenized  THEN it is no ISA, as before (no bare inference is attempted)
    with pytest.raises(X12SyntaxError) as caught:
        tokenize_bytes(text.encode(), file="notes.txt")
    assert (caught.value.rule, caught.value.message) == (Rule.NO_ISA, "no ISA segment found")
