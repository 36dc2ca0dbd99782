"""A transaction set's rows go to the raw layer as its loops close, not only at its SE (issue #19):
the rows are the same as a whole-set load, and a set that fails late is still loaded not at all."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from transforms.harness.x12_synth import interchange, payment_835
from transforms.ingest import x12_load
from transforms.ingest.x12_load import load_x12
from transforms.x12.reader import TransactionResult, TransactionRows, X12Reader

SHA = "d" * 64


def claim(pcn: str, paid: int) -> list:
    return [
        ["CLP", pcn, "1", "100", str(paid), "", "12", "ICN" + pcn],
        ["CAS", "CO", "45", str(100 - paid)],
        ["SVC", "HC:99213", "100", str(paid)],
        ["CAS", "CO", "45", str(100 - paid)],
    ]


def one_payment(claims: int, *, bad_last: bool = False) -> list:
    loops = [claim(f"P{n:05d}", 50 + n % 40) for n in range(claims)]
    if bad_last:  # an amount that is not a number, near the end of the set
        loops[-1][0][3] = "1OO"
    total = sum(50 + n % 40 for n in range(claims))
    return payment_835(loops, payment=str(total))


def table(raw: Path, name: str) -> list[dict]:
    path = raw / name / f"{SHA}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def load(tmp_path: Path, text: str, sub: str, monkeypatch, flush: int):
    monkeypatch.setattr(x12_load, "FLUSH_SEGMENTS", flush)
    path = tmp_path / f"{sub}.835"
    path.write_text(text)
    return load_x12(path, file_name="big.835", file_sha256=SHA, raw_dir=tmp_path / sub)


def test_the_reader_hands_over_closed_loops_every_n_segments():
    text = interchange([one_payment(300)])
    events = list(X12Reader(io.BytesIO(text.encode()), file_name="x", flush_segments=100))
    early = [e for e in events if isinstance(e, TransactionRows)]
    (result,) = [e for e in events if isinstance(e, TransactionResult)]
    # ST at position 3, then 6 header and 300 x 4 claim segments (4..1209): a hand-over at
    # positions 103, 203, ..., 1203, 12 of them
    assert len(early) == 12 and result.error is None
    claims = [row for e in early for row in e.rows.get("x835_claims", [])]
    claims += result.rows["x835_claims"]
    # every claim exactly once, in file order, the last few in the result itself
    assert [c.patient_control_number for c in claims] == [f"P{n:05d}" for n in range(300)]
    assert 0 < len(result.rows["x835_claims"]) < 30


def test_streamed_rows_equal_a_whole_set_load(tmp_path: Path, monkeypatch):
    text = interchange([one_payment(500), one_payment(3)])
    whole = load(tmp_path, text, "whole", monkeypatch, flush=10**9)
    streamed = load(tmp_path, text, "streamed", monkeypatch, flush=64)
    assert streamed.passes == whole.passes == 1
    assert streamed.row_counts == whole.row_counts
    assert streamed.row_counts["x835_claims"] == 503
    for name in ("x835_claims", "x835_service_lines", "x835_adjustments", "x835_payments"):
        assert table(tmp_path / "streamed", name) == table(tmp_path / "whole", name), name
    paid = sum(row["paid_amount"] for row in table(tmp_path / "streamed", "x835_claims"))
    assert paid == sum(Decimal(50 + n % 40) for n in range(500)) + Decimal(50 + 51 + 52)


def test_a_set_that_fails_after_its_rows_went_out_loads_nothing(tmp_path: Path, monkeypatch):
    # GIVEN a 400-claim payment whose last claim's CLP03 is not a number, between two good sets
    text = interchange([one_payment(2), one_payment(400, bad_last=True), one_payment(1)])
    # WHEN loaded with rows handed over every 50 segments (so ~1,500 segments went out early)
    loaded = load(tmp_path, text, "raw", monkeypatch, flush=50)
    # THEN the file is read again with the bad set rejected up front: none of its 399 good claims
    # is in the raw layer, the two good sets are, once
    assert loaded.passes == 2
    assert (loaded.units_in, loaded.units_loaded, loaded.units_quarantined) == (3, 2, 1)
    (rejection,) = loaded.rejections
    assert (rejection.error.rule, rejection.error.element) == ("invalid_amount", "CLP03")
    claims = [row["patient_control_number"] for row in table(tmp_path / "raw", "x835_claims")]
    assert claims == ["P00000", "P00001", "P00000"]
    assert len(table(tmp_path / "raw", "x835_payments")) == 2


@pytest.mark.parametrize("flush", [1, 7])
def test_tiny_hand_over_intervals_change_nothing(tmp_path: Path, monkeypatch, flush: int):
    text = interchange([one_payment(20)])
    whole = load(tmp_path, text, "whole", monkeypatch, flush=10**9)
    streamed = load(tmp_path, text, f"s{flush}", monkeypatch, flush=flush)
    assert streamed.row_counts == whole.row_counts
    assert table(tmp_path / f"s{flush}", "x835_adjustments") == table(
        tmp_path / "whole", "x835_adjustments"
    )
