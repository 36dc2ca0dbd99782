"""The native 835 reader (issue #19) against the Python reader, the reference: the same tables,
value for value, row for row, on every public X12 file and on generated ones; what it declines
falls back to the Python reader; and it is compiled on this machine (a build that silently did
not happen fails here, not in a benchmark)."""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.generate.run import generate
from transforms.harness.x12_bench import synthesize_835
from transforms.harness.x12_synth import Style, bare_transactions, interchange, payment_835
from transforms.ingest import x12_load
from transforms.raw.contract import X835_TABLES, X837_TABLES
from transforms.x12 import native

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = sorted(p for p in (ROOT / "tests" / "fixtures" / "x12").glob("83*/*") if p.is_file())
SHARED = Path("/work/shared/samples/x12")  # public samples on the project's machines, if present
SAMPLES = sorted(p for p in SHARED.glob("83*/*") if p.is_file()) if SHARED.is_dir() else []
SHA = "5" * 64
NATIVE_PASS = x12_load._native_pass  # the real one (hypothesis examples share one monkeypatch)


def _load(path: Path, raw: Path, *, use_native: bool, monkeypatch) -> x12_load.X12FileLoad:
    monkeypatch.setenv(native.ENV_SWITCH, "1" if use_native else "0")
    return x12_load.load_x12(path, file_name=path.name, file_sha256=SHA, raw_dir=raw)


def _plain(value):
    """A load outcome with its errors and findings as comparable values."""
    if isinstance(value, BaseException):
        return (type(value).__name__, str(value), sorted(vars(value).items()))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def both(path: Path, tmp_path: Path, monkeypatch) -> bool:
    """Load `path` both ways and assert the same outcome and tables; True when native read it."""
    taken: list[bool] = []

    def spy(*args, **kwargs):
        result = NATIVE_PASS(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(x12_load, "_native_pass", spy)
    slow = _load(path, tmp_path / "python", use_native=False, monkeypatch=monkeypatch)
    fast = _load(path, tmp_path / "native", use_native=True, monkeypatch=monkeypatch)
    assert taken == [True] or taken == [False]
    assert _plain(asdict(fast)) == _plain(asdict(slow))
    for table in (*X835_TABLES, *X837_TABLES):
        files = [tmp_path / side / table / f"{SHA}.parquet" for side in ("python", "native")]
        assert files[0].exists() == files[1].exists(), table
        if files[0].exists():
            expected, actual = (pq.read_table(file) for file in files)
            assert actual.schema.equals(expected.schema, check_metadata=False), table
            assert actual.num_rows == expected.num_rows, table
            assert actual.combine_chunks().equals(expected.combine_chunks()), table
            assert actual.to_pylist() == expected.to_pylist(), table
    return taken[0]


def test_the_native_reader_is_compiled_here():
    # `make setup` compiles it; a missing or stale build must fail loudly, not just be slower
    assert native.available(), native.LAYOUT_PROBLEM
    assert os.environ.get(native.ENV_SWITCH, "1") != "0" and native.enabled()


@pytest.mark.parametrize("path", FIXTURES + SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_public_files_read_the_same_both_ways(path: Path, tmp_path: Path, monkeypatch):
    both(path, tmp_path, monkeypatch)


def test_most_public_835s_are_read_natively(tmp_path: Path, monkeypatch):
    # the native path is not a path nobody takes: well-formed public 835s go through it
    read = [
        both(path, tmp_path / str(n), monkeypatch)
        for n, path in enumerate(FIXTURES)
        if path.parent.name == "835"
    ]
    assert sum(read) >= 14, read  # 23 public 835s; the rest are bare, preambled or have findings


@pytest.mark.parametrize("single", [False, True])
def test_benchmark_files_read_the_same_both_ways(single: bool, tmp_path: Path, monkeypatch):
    path = tmp_path / "bench.835"
    synthesize_835(path, 400_000, seed=7, single_transaction=single)
    monkeypatch.setattr(x12_load, "FLUSH_SEGMENTS", 1000)  # many hand-overs
    assert both(path, tmp_path, monkeypatch)


def test_generated_landing_files_read_the_same_both_ways(tmp_path: Path, monkeypatch):
    generate(tmp_path / "gen", claims=150, start=dt.date(2026, 3, 1), days=30, seed=3)
    files = sorted(p for p in (tmp_path / "gen" / "landing").rglob("*") if p.is_file())
    x12 = [p for p in files if p.read_bytes()[:200].lstrip(b"\xef\xbb\xbf\r\n ").startswith(b"ISA")]
    assert x12
    read = [both(path, tmp_path / str(n), monkeypatch) for n, path in enumerate(x12)]
    assert any(read)


# ---- hand-made 835s: the shapes the native reader takes, and the ones it declines ----------------
def _claim(n: int, *, status: str = "1", units: str = "1", extra: list | None = None) -> list:
    return [
        ["CLP", f"P{n}", status, "100", "70", "10", "12", f"ICN{n}", "11", "1", "", "470"],
        ["NM1", "QC", "1", "DOE", "JANE", "", "", "", "MI", f"M{n}"],
        ["NM1", "IL", "1", "DOE", "JOHN", "", "", "", "MI", ""],
        ["NM1", "82", "1", "SMITH", "", "", "", "", "XX", "1234567893"],
        ["MIA", "0", "", "", "", "MA01", *[""] * 14, "N1", "", "N3"],
        ["MOA", "", "", "MA02", "", "N4"],
        ["DTM", "232", "20260101"],
        ["DTM", "233", ""],
        ["DTM", "050", "20260110"],
        ["REF", "1K", "X1"],
        ["REF", "EA", ""],
        ["CAS", "CO", "45", "20", "", "", "", "", "23", "0", "2.5"],
        ["SVC", ["HC", "99213", "25", "59", "", "XE"], "100", "70", "0450", units, ["HC", "99214"]],
        ["DTM", "150", "20260102"],
        ["DTM", "151", "20260103"],
        ["CAS", "PR", "2", "10", "1.000001"],
        ["REF", "6R", ""],
        ["REF", "6R", "L1"],
        ["REF", "6R", "L2"],
        ["AMT", "B6", "80"],
        ["AMT", "B6", ""],
        ["LQ", "HE", "N130"],
        ["LQ", "", "M15"],
        ["SVC", ["NU", "0001"], "-5.5", "0", "", "", "", "2"],
        ["DTM", "472", "20260104"],
        ["CAS", "CO", "45", "-5.50", "0.333333"],
        *(extra or []),
    ]


PLB = [
    ["PLB", "1234567893", "20261231", ["L6", "INTEREST"], "-1.5", "WO", "2", ["FB"], "0"],
    ["PLB", "1234567893", "", "", "", ["72", "A", "B"], "3"],
]


def _write(tmp_path: Path, text: str, name: str = "x.835") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


TAKEN = {
    "plain": lambda: interchange([payment_835([_claim(1), _claim(2)], payment="1", plb=PLB)]),
    "crlf and pipes": lambda: interchange(
        [payment_835([_claim(1)], payment="100.5")],
        style=Style(element="|", component="^", repetition="{", after_terminator="\r\n"),
    ),
    "newline terminator, trimmed ISA": lambda: interchange(
        [payment_835([_claim(1)], payment="0", credit_debit="D")],
        style=Style(terminator="\n", trimmed=True),
    ),
    "several sets and interchanges": lambda: (
        interchange(
            [payment_835([_claim(n)], payment=str(n)) for n in range(5)], guide="004010X091A1"
        )
        + "\n"
        + interchange(
            [payment_835([_claim(9)], payment="9")],
            style=Style(component=">"),
            isa_control="000000002",
            group_control="00002",
        )
    ),
    "reversal with negative units": lambda: interchange(
        [payment_835([_claim(1, status="22", units="-1")], payment="-70")]
    ),
    "control numbers with zeros": lambda: interchange(
        [payment_835([_claim(1)], payment="70")], group_control="0001", ge02="1"
    ),
    "empty set header": lambda: interchange(
        [[["BPR", "H", "0", "C", "NON"], ["N1", "PE", "", "FI", "99-1"], ["REF", "TJ", "X"]]]
    ),
}
DECLINED = {
    "negative units": lambda: interchange([payment_835([_claim(1, units="-1")], payment="1")]),
    "bad date": lambda: interchange(
        [payment_835([_claim(1, extra=[["DTM", "472", "20260231"]])], payment="1")]
    ),
    "plus sign": lambda: interchange([payment_835([_claim(1)], payment="+1")]),
    "three decimals": lambda: interchange([payment_835([_claim(1)], payment="1.000")]),
    "seven decimal quantity": lambda: interchange(
        [payment_835([_claim(1, units="1.0000001")], payment="1")]
    ),
    "se01": lambda: interchange([payment_835([_claim(1)], payment="1")], se01_offset=1),
    "ge02": lambda: interchange([payment_835([_claim(1)], payment="1")], ge02="7"),
    "not ascii": lambda: interchange(
        [payment_835([_claim(1, extra=[["NM1", "QC", "1", "MÜLLER"]])], payment="1")]
    ),
    "bare": lambda: bare_transactions([payment_835([_claim(1)], payment="1")]),
    "preamble": lambda: "HELLO\n" + interchange([payment_835([_claim(1)], payment="1")]),
    "837": lambda: interchange([[["BHT", "0019", "00", "1", "20260101"]]], transaction_type="837"),
    "no bpr": lambda: interchange([[["TRN", "1", "X"]]]),
    "CAS outside a claim": lambda: interchange([[["BPR", "I", "1"], ["CAS", "CO", "45", "1"]]]),
    "bad amount late": lambda: interchange(
        [
            payment_835(
                [_claim(n) for n in range(300)] + [[["CLP", "X", "1", "1OO", "1"]]], payment="1"
            )
        ]
    ),
    "truncated": lambda: interchange([payment_835([_claim(1)], payment="1")])[:-30],
    "bad segment id": lambda: interchange(
        [payment_835([_claim(1, extra=[["n1x", "1"]])], payment="1")]
    ),
}


def test_a_file_that_is_not_there_fails_as_before(tmp_path: Path, monkeypatch):
    # the native reader declines what it cannot open; the Python reader raises as it always has
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    with pytest.raises(FileNotFoundError):
        x12_load.load_x12(
            tmp_path / "gone.835", file_name="gone.835", file_sha256=SHA, raw_dir=tmp_path
        )


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_well_formed_shapes_are_read_natively_and_the_same(name, tmp_path: Path, monkeypatch):
    path = _write(tmp_path, TAKEN[name]())
    assert both(path, tmp_path, monkeypatch), "declined"


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_unusual_files_are_declined_and_read_by_python(name, tmp_path: Path, monkeypatch):
    path = _write(tmp_path, DECLINED[name]())
    monkeypatch.setattr(x12_load, "FLUSH_SEGMENTS", 50)  # declines after rows went out, too
    assert not both(path, tmp_path, monkeypatch), "read natively"


# ---- random 835s: whatever the native reader does, the tables equal the Python reader's -----------
# plain values (the native reader's) several times over, so that many examples are read natively
AMOUNTS = ["0", "1", "10.5", "-3.25", "100.00", "-0"] * 3 + ["1.001", "+2", "", "abc", "1" * 17]
QUANTITIES = ["", "1", "0.5", "-1", "3.141592"] * 3 + ["2.1234567", "1e3", "."]
DATES = ["20260101", "", "20240229"] * 3 + ["20261301", "2026010", "00000101", "20250229"]
CODES = ["A", "HE", "N130", "CO", "22", "1"] * 2 + [""]


@st.composite
def random_claim(draw: st.DrawFn) -> list:
    amount, qty, date, code = (st.sampled_from(x) for x in (AMOUNTS, QUANTITIES, DATES, CODES))
    segments = [
        [
            "CLP",
            draw(st.sampled_from(["P1", "P2", "P3", ""])),
            draw(st.sampled_from(["1", "22", "4"])),
            draw(amount),
            draw(amount),
            draw(amount),
        ]
    ]
    pool = st.one_of(
        st.builds(lambda *e: ["CAS", *e], code, code, amount, qty, code, amount),
        st.builds(lambda *e: ["SVC", *e], st.just(["HC", "99213"]), amount, amount, code, qty),
        st.builds(lambda q, d: ["DTM", q, d], st.sampled_from(["472", "150", "232", "050"]), date),
        st.builds(lambda q, v: ["REF", q, v], st.sampled_from(["6R", "1K", "2U"]), code),
        st.builds(lambda v: ["AMT", "B6", v], amount),
        st.builds(lambda q, v: ["LQ", q, v], code, code),
        st.builds(lambda v: ["MOA", "", "", v], code),
        st.builds(lambda e, v: ["NM1", e, "1", "X", "", "", "", "", "MI", v], code, code),
        st.builds(lambda e: ["N1", e, "NAME", "XX", "1"], st.sampled_from(["PR", "PE", "XY"])),
        st.just(["LX", "1"]),
        st.builds(lambda d, a: ["PLB", "1", d, ["WO", "1"], a], date, amount),
    )
    segments += draw(st.lists(pool, max_size=8))
    return segments


RANDOM = {
    "claims": st.lists(random_claim(), min_size=1, max_size=4),
    "payment": st.sampled_from(AMOUNTS),
    "seed": st.integers(0, 1000),
}
RANDOM_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}


def _random_case(claims, payment, seed, tmp_path_factory, monkeypatch) -> bool:
    tmp_path = tmp_path_factory.mktemp("random")
    text = interchange([payment_835(claims, payment=payment, credit_debit="CD"[seed % 2])])
    path = _write(tmp_path, text)
    monkeypatch.setattr(x12_load, "FLUSH_SEGMENTS", random.Random(seed).randint(1, 20))
    return both(path, tmp_path, monkeypatch)


@settings(max_examples=60, **RANDOM_SETTINGS)
@given(**RANDOM)
def test_random_835s_read_the_same_both_ways(claims, payment, seed, tmp_path_factory, monkeypatch):
    RANDOM_READ_NATIVELY.append(_random_case(claims, payment, seed, tmp_path_factory, monkeypatch))


@pytest.mark.slow
@settings(max_examples=2000, **RANDOM_SETTINGS)
@given(**RANDOM)
def test_many_random_835s_read_the_same_both_ways(
    claims, payment, seed, tmp_path_factory, monkeypatch
):
    _random_case(claims, payment, seed, tmp_path_factory, monkeypatch)


RANDOM_READ_NATIVELY: list[bool] = []


def test_random_835s_were_read_natively_too():
    # runs after the random test in this module (pytest keeps file order): some were taken
    if RANDOM_READ_NATIVELY:
        assert any(RANDOM_READ_NATIVELY), "no random example went through the native reader"
