"""Fuzzing the X12 tokenizer and flatteners with hypothesis, on generated 835 and 837 bytes.

GIVEN generated remittances and claims mutated at random (bytes flipped, structural tokens and
extreme values inserted, ranges deleted, duplicated or swapped, the file truncated), and envelopes
filled with random segments the flatteners read
WHEN the tokenizer and the reader (tokenizer + envelope checks + 835/837 flatteners) read them
THEN nothing but `X12Error` is ever raised, each example finishes within the deadline, every
rejection names its rule and position, every accepted transaction set's rows fit the raw contract
(Arrow types, DECIMAL(18,2) money) with unique row ids, and the tokens do not depend on how the
bytes are chunked.

Each property runs twice: `_fast` with the `rcm-fast` profile (100 examples, in `make test`) and
`_full` (slow; 5000 examples when RCM_RELIABILITY=1, in `make test-reliability`).
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reliability_scenarios import FUZZ_PROFILE

from transforms.harness.x12_synth import Style, interchange
from transforms.raw.arrow import rows_to_batch
from transforms.x12.constants import Rule
from transforms.x12.errors import X12Error
from transforms.x12.reader import EnvelopeFailure, TransactionResult, X12Reader, read_file
from transforms.x12.tokenizer import tokenize_bytes

TOKENS = [
    b"~",
    b"*",
    b":",
    b"^",
    b"~~",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xff",
    "é".encode(),
    b"SE*1*0001~",
    b"ST*835*0001~",
    b"ST*837*0001*005010X222A1~",
    b"GE*1*1~",
    b"IEA*1*000000001~",
    b"GS*HP*A*B*20260101*1200*1*X*005010X221A1~",
    b"ISA",
    b"CLP*X*22*-1*-1*0~",
    b"CLP*P1*1*100*80~",
    b"SVC*HC:99213*1e5*NaN~",
    b"LX*1~",
    b"CAS*CO*45*99999999999999999.99~",
    b"CAS*PR*1*-0.001~",
    b"PLB*1*20261301*WO:1*5~",
    b"HL*99*1*22*0~",
    b"HL*1**20*1~",
    b"CLM*P9*100***11:B:1~",
    b"SV1*HC:99213*100*UN*1***1~",
    b"HI*ABK:Z00~",
    b"DTP*472*RD8*20260101-20251301~",
    b"NM1*QC*1~",
    b"BPR*I*-5*C~",
    b"SBR*P*18~",
    b"DMG*D8*19000230*X~",
    b"REF*6R~",
    b"AMT*B6*1.2.3~",
    b"QTY*ZK*-~",
]
EXTREMES = [
    "",
    "-",
    ".",
    "1e5",
    "NaN",
    "-0",
    "9" * 40,
    "0.001",
    "-99999999999999999.99",
    "20261301",
    "19000230",
    "ABC",
    "é",
    " ",
    ":",
    "::",
    "00000000",
]
GLUED_ISA = re.compile(rb"[0-9A-Za-z]ISA")
SEGMENT_IDS_835 = [
    "BPR",
    "TRN",
    "DTM",
    "N1",
    "REF",
    "LX",
    "CLP",
    "CAS",
    "NM1",
    "MIA",
    "MOA",
    "SVC",
    "AMT",
    "QTY",
    "LQ",
    "PLB",
    "TS3",
    "PER",
]
SEGMENT_IDS_837 = [
    "BHT",
    "NM1",
    "HL",
    "PRV",
    "SBR",
    "DMG",
    "CLM",
    "DTP",
    "REF",
    "HI",
    "LX",
    "SV1",
    "SV2",
    "PAT",
    "N3",
    "N4",
    "CL1",
    "AMT",
]


# ---- inputs -----------------------------------------------------------------------------------
def sample_bytes(feed) -> list[bytes]:
    """The two smallest generated files of each kind (835 remittances, 837 claims)."""
    picked = []
    for pattern in (r"^remits/835_", r"^claims/"):
        names = sorted(feed.files(pattern), key=lambda n: (feed.landing / n).stat().st_size)
        picked += [(feed.landing / name).read_bytes() for name in names[:2]]
    return picked


@st.composite
def mutated(draw: st.DrawFn, samples: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(
            st.sampled_from(["flip", "insert", "delete", "duplicate", "swap", "truncate", "number"])
        )
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=6))
        elif kind == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=60))]
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(min_value=1, max_value=400))]
        elif kind == "swap":
            other = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
            size = draw(st.integers(min_value=1, max_value=80))
            first, second = sorted((at, other))
            if second >= first + size:
                a, b = bytes(data[first : first + size]), bytes(data[second : second + size])
                data[second : second + size] = a
                data[first : first + size] = b
        elif kind == "truncate":
            del data[at:]
        else:  # replace the element after the next separator with an extreme value
            star = data.find(b"*", at)
            if star >= 0:
                end = star + 1
                while end < len(data) and data[end : end + 1] not in (b"*", b"~", b":"):
                    end += 1
                data[star + 1 : end] = draw(st.sampled_from(EXTREMES)).encode()
    return bytes(data)


values = st.sampled_from(EXTREMES) | st.text(alphabet="ABC0123456789.-", max_size=10)
element = values | st.lists(values, min_size=2, max_size=4)


def random_bodies(ids: list[str]):
    segment = st.builds(
        lambda sid, rest: [sid, *rest], st.sampled_from(ids), st.lists(element, max_size=12)
    )
    return st.lists(st.lists(segment, min_size=1, max_size=25), min_size=1, max_size=3)


@st.composite
def random_interchanges(draw: st.DrawFn) -> bytes:
    """A correct envelope around random segments that the 835 or 837 flattener reads."""
    if draw(st.booleans()):
        bodies = draw(random_bodies(SEGMENT_IDS_835))
        text = interchange(bodies, style=Style(element="*", component=":"))
    else:
        bodies = draw(random_bodies(SEGMENT_IDS_837))
        text = interchange(bodies, transaction_type="837", guide="005010X222A1", functional_id="HC")
    return text.encode()


# ---- the properties ---------------------------------------------------------------------------
def check_events(data: bytes) -> None:
    """Read everything; only X12Error may escape; rejections are typed and placed; accepted rows
    fit the raw contract and their ids are unique."""
    try:
        events = list(
            X12Reader(io.BytesIO(data), file_name="fuzz.x12", file_sha256="f" * 64, chunk_chars=97)
        )
    except X12Error as exc:
        assert exc.rule and exc.file == "fuzz.x12"
        return
    ids: set[str] = set()
    for event in events:
        if isinstance(event, EnvelopeFailure):
            assert event.error.rule and event.error.position is not None
            continue
        assert isinstance(event, TransactionResult)
        if event.error is not None:
            assert isinstance(event.error, X12Error)
            # position >= 1 is the rule; 0 is a known defect (test_finish_errors_carry_a_position)
            assert (
                event.error.rule and event.error.position is not None and event.error.position >= 0
            )
            continue
        for table, rows in event.rows.items():
            if rows:
                rows_to_batch(table, rows)  # types, decimal(18,2), column count
                for row in rows:
                    assert row[0] not in ids, (table, row[0])
                    ids.add(row[0])


def check_tokens(data: bytes) -> None:
    """The same tokens whatever the chunk size, or an X12Error for every chunk size. (Which error
    comes first may differ when a file has two defects: decoding runs a chunk ahead of parsing.)"""

    def tokens(chunk: int | None) -> list[list[str]] | None:
        try:
            return tokenize_bytes(data, **({"chunk_chars": chunk} if chunk else {}))
        except X12Error as exc:
            assert exc.rule
            return None

    # a letter or digit glued before "ISA" hits a known defect (test_glued_isa_is_read_the_same_
    # whatever_the_chunking); every other input must tokenize identically
    assume(not GLUED_ISA.search(data))
    whole = tokens(None)
    for chunk in (1, 7, 64):
        assert tokens(chunk) == whole, chunk


def check_file(data: bytes) -> None:
    """`read_file` on disk behaves like the stream reader (only X12Error escapes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.x12"
        path.write_bytes(data)
        try:
            for _ in read_file(path):
                pass
        except X12Error as exc:
            assert exc.rule


def check_no_internal_error(data: bytes) -> None:
    """No input drives a flattener into an unexpected Python exception (which the reader reports
    as rule `unreadable_segment`)."""
    try:
        events = list(X12Reader(io.BytesIO(data), file_name="fuzz.x12", file_sha256="f" * 64))
    except X12Error:
        return
    rules = [e.error.rule for e in events if isinstance(e, TransactionResult) and e.error]
    assert Rule.UNREADABLE_SEGMENT not in rules, rules


class Samples(list):
    """The generated files the mutations start from (short repr: failures print the example, not
    every sample)."""

    def __repr__(self) -> str:
        return f"<{len(self)} generated X12 files>"


@pytest.fixture(scope="module")
def samples(feed) -> Samples:
    return Samples(sample_bytes(feed))


def fast_and_full(strategy: Callable, check: Callable[[bytes], None]):
    """Two hypothesis tests of `check` over `strategy(samples)`: fast (100 examples) and full
    (slow-marked; 5000 examples when RCM_RELIABILITY=1)."""

    def build(profile: str):
        @settings(settings.get_profile(profile))
        @given(data=st.data())
        def test(samples, data):
            check(data.draw(strategy(samples), label="input"))

        test.__doc__ = check.__doc__
        return test

    return build("rcm-fast"), pytest.mark.slow(build(FUZZ_PROFILE))


def _mutated(samples):
    return mutated(samples)


def _random(samples):
    return random_interchanges()


def _binary(samples):
    return st.binary(max_size=4096) | st.builds(lambda b: b"ISA*" + b, st.binary(max_size=400))


test_mutated_files_raise_only_typed_errors_fast, test_mutated_files_raise_only_typed_errors_full = (
    fast_and_full(_mutated, check_events)
)
(
    test_random_segments_raise_only_typed_errors_fast,
    test_random_segments_raise_only_typed_errors_full,
) = fast_and_full(_random, check_events)
test_tokens_do_not_depend_on_chunking_fast, test_tokens_do_not_depend_on_chunking_full = (
    fast_and_full(_mutated, check_tokens)
)
(
    test_read_file_on_binary_raises_only_typed_errors_fast,
    test_read_file_on_binary_raises_only_typed_errors_full,
) = fast_and_full(_binary, check_file)
test_flatteners_never_fail_internally_fast, test_flatteners_never_fail_internally_full = (
    fast_and_full(_random, check_no_internal_error)
)


def test_the_samples_are_valid_before_mutation(samples):
    # GIVEN the unmutated samples  THEN they read cleanly (the mutations are what break them)
    assert len(samples) == 4
    for data in samples:
        events = list(X12Reader(io.BytesIO(data), file_name="s", file_sha256="0" * 64))
        assert events and all(isinstance(e, TransactionResult) and e.ok for e in events)


def test_finish_errors_carry_a_position():
    # GIVEN an 835 transaction set with no BPR (its only segment one the flattener ignores)
    data = interchange([[["QTY"]]]).encode()
    # WHEN read  THEN the rejection points at a real segment of the set (ST is segment 3)
    (result,) = [e for e in X12Reader(io.BytesIO(data), file_name="t") if e.error]
    assert result.error.rule == Rule.MISSING_SEGMENT
    assert result.error.position >= 3


def test_glued_isa_is_read_the_same_whatever_the_chunking():
    # GIVEN an interchange whose ISA has a letter glued in front of it ("IISA*...")
    data = b"I" + interchange([[["BPR", "I", "0", "C", "NON"]]]).encode()
    # WHEN tokenized in one chunk and one character at a time  THEN both agree
    outcomes = []
    for chunk in (None, 1):
        try:
            outcomes.append(len(tokenize_bytes(data, **({"chunk_chars": chunk} if chunk else {}))))
        except X12Error as exc:
            outcomes.append(exc.rule)
    assert outcomes[0] == outcomes[1]
