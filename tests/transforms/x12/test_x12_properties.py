"""Property tests: any separators round-trip; damaged or binary input raises only X12Error, quickly,
and memory stays flat as files grow."""

from __future__ import annotations

import contextlib
import io
import string
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.harness.x12_bench import synthesize_835
from transforms.harness.x12_synth import Style, interchange, isa, payment_835
from transforms.ingest.schema import rows_to_batch
from transforms.x12.errors import X12Error
from transforms.x12.reader import TransactionResult, X12Reader
from transforms.x12.tokenizer import tokenize_bytes
from transforms.x12.values import DATE_CACHE, MONEY_CACHE, QUANTITY_CACHE

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
SAMPLES = [path.read_bytes() for path in sorted(FIXTURES.glob("*/*"))]
DELIMITERS = list("*|^~!@#$%&+<>?:;,`'\\{}[]=")
SEGMENT_IDS = ["NM1", "REF", "DTM", "N3", "N4", "PER", "QTY", "AMT", "LQ", "MIA", "TS3", "K3"]
TEXT = string.ascii_letters + string.digits + " .-/()"
# deadline: each example takes milliseconds; 5 s only catches a loop, not a busy CI machine
FAST = settings(max_examples=200, deadline=5000, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def styles(draw: st.DrawFn) -> Style:
    element, component, repetition, terminator = draw(
        st.lists(st.sampled_from(DELIMITERS), min_size=4, max_size=4, unique=True)
    )
    if draw(st.booleans()):
        return Style(
            element=element,
            component=component,
            repetition=repetition,
            terminator="\n",
            trimmed=draw(st.booleans()),
        )
    return Style(
        element=element,
        component=component,
        repetition=repetition,
        terminator=terminator,
        after_terminator=draw(st.sampled_from(["", "\n", "\r\n"])),
        trimmed=draw(st.booleans()),
    )


values = st.text(alphabet=TEXT, max_size=12).map(str.strip)
elements = st.one_of(values, st.lists(values, min_size=2, max_size=3))
segments = st.builds(
    lambda sid, rest: [sid, *rest], st.sampled_from(SEGMENT_IDS), st.lists(elements, max_size=6)
)


def expected_tokens(style: Style, bodies: list[list[list]], control: str) -> list[list[str]]:
    def flat(segment: list) -> list[str]:
        return [e if isinstance(e, str) else style.component.join(e) for e in segment]

    out = [
        isa(style, control),
        ["GS", "HP", "SENDER", "RECEIVER", "20260115", "1200", "1", "X", "005010X221A1"],
    ]
    for number, body in enumerate(bodies, start=1):
        out.append(["ST", "835", f"{number:04d}"])
        out.extend(flat(segment) for segment in body)
        out.append(["SE", str(len(body) + 2), f"{number:04d}"])
    out += [["GE", str(len(bodies)), "1"], ["IEA", "1", control.rjust(9, "0")]]
    return out


@FAST
@given(
    docs=st.lists(
        st.tuples(styles(), st.lists(st.lists(segments, max_size=5), min_size=1, max_size=3)),
        min_size=1,
        max_size=2,
    ),
    preamble=st.lists(st.text(alphabet=TEXT, max_size=30), max_size=3)
    .map(lambda lines: "".join(line + "\n" for line in lines))
    .filter(lambda t: "ISA" not in t),
    between=st.sampled_from(["", "\n", "\r\n\r\n"]),
    bom=st.booleans(),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_generated_interchanges_round_trip(docs, preamble, between, bom, chunk):
    # GIVEN one or two interchanges with random separators, terminators and padding, after junk
    # lines (text glued to "ISA" without a line break is not an ISA: "VISA*..." must not match)
    text, expected = preamble, []
    for number, (style, bodies) in enumerate(docs, start=1):
        control = f"{number:09d}"
        text += interchange(bodies, style=style, isa_control=control) + between
        expected += expected_tokens(style, bodies, control)
    data = ("\ufeff" if bom else "").encode() + text.encode()
    # WHEN tokenized in chunks of any size  THEN exactly the generated segments come back
    assert tokenize_bytes(data, chunk_chars=chunk) == expected


def claim(n: int) -> list[list]:
    return [
        ["CLP", f"P{n}", "1", "100", "70", "10"],
        ["CAS", "CO", "45", "20"],
        ["SVC", ["HC", "99213", "25"], "100", "70", "", "1"],
        ["DTM", "472", "20260102"],
        ["CAS", "CO", "45", "20"],
        ["CAS", "PR", "2", "10"],
    ]


@settings(max_examples=60, deadline=5000)
@given(style=styles())
def test_rows_do_not_depend_on_the_separators(style: Style):
    # GIVEN the same remittance written with default and with random separators
    body = payment_835([claim(1), claim(2)], payment="140")

    def rows(text: str) -> dict:
        (result,) = list(X12Reader(io.BytesIO(text.encode()), file_name="x", file_sha256="0" * 64))
        assert isinstance(result, TransactionResult) and result.ok, result.error
        return {t: [r[6:] for r in rs] for t, rs in result.rows.items()}  # drop ids and lineage

    # THEN every row after the ids and lineage block is identical
    assert rows(interchange([body], style=style)) == rows(interchange([body]))


def read_everything(data: bytes) -> None:
    """Read all events; rows of valid transaction sets must convert to Arrow."""
    for event in X12Reader(
        io.BytesIO(data), file_name="fuzz", file_sha256="f" * 64, chunk_chars=97
    ):
        if isinstance(event, TransactionResult) and event.ok:
            for table, rows in event.rows.items():
                if rows:
                    rows_to_batch(table, rows)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate"]))
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8)
                | st.sampled_from(
                    [b"~", b"*", b":", b"SE*1*1~", b"ST*835*9~", b"CLP*X*1*1*1~", b"~~", b"ISA"]
                )
            )
        elif kind == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
        else:
            data[at:at] = data[at : at + draw(st.integers(min_value=1, max_value=80))]
    return bytes(data)


@FAST
@given(data=damaged())
def test_damaged_files_raise_only_the_typed_error(data: bytes):
    # GIVEN a public sample truncated, bit-flipped, spliced  WHEN read  THEN X12Error or nothing
    with contextlib.suppress(X12Error):
        read_everything(data)


@FAST
@given(data=st.binary(max_size=3000))
def test_binary_input_raises_only_the_typed_error(data: bytes):
    with contextlib.suppress(X12Error):
        read_everything(data)


def test_memory_does_not_grow_with_file_size(tmp_path: Path):
    # GIVEN two generated 835 files, the second four times the size of the first
    small, large = tmp_path / "small.835", tmp_path / "large.835"
    synthesize_835(small, 400_000)
    synthesize_835(large, 1_600_000)

    def peak(path: Path) -> int:
        for cache in (MONEY_CACHE, QUANTITY_CACHE, DATE_CACHE):
            cache.clear()
        tracemalloc.start()
        with path.open("rb") as stream:
            for event in X12Reader(stream, file_name=path.name, chunk_chars=1 << 16):
                assert event.error is None
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    # WHEN each is read with the rows dropped as they come
    small_peak, large_peak = peak(small), peak(large)
    # THEN the peak is bounded by one transaction set and a chunk, not by the file
    assert large_peak < small_peak * 1.5
    assert large_peak < 16_000_000  # one 200-claim transaction set, a chunk, the value caches
