"""Worker processes read X12 files ahead of the serial loop; the outcome is the serial outcome."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from transforms.harness.x12_synth import Style, bare_transactions, interchange, payment_835
from transforms.ingest import ingest
from transforms.ingest import parallel as parallel_module
from transforms.x12.errors import X12ContentError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"


def _claim(pcn: str, paid: str) -> list:
    return [
        ["CLP", pcn, "1", "100", paid, "", "12", "ICN" + pcn],
        ["NM1", "QC", "1", "DOE", "JANE", "", "", "", "MI", "SECRET-" + pcn],
        ["CAS", "CO", "45", str(100 - int(paid))],
    ]


def _land_batch(data_dir: Path) -> None:
    """Eight good 835s, the public samples, one file with a bad transaction set, a bare 835 (no
    envelope), a duplicate."""
    landing = data_dir / "landing"
    landing.mkdir(parents=True)
    for index in range(8):
        body = payment_835([_claim(f"P{index}{n}", "80") for n in range(20)], payment="1600")
        (landing / f"good_{index}.835").write_text(interchange([body]))
    for path in FIXTURES.glob("*/*"):
        (landing / f"sample_{path.parent.name}_{path.name}").write_bytes(path.read_bytes())
    bad = payment_835([[["CLP", "B1", "1", "1OO", "80"]]], payment="80")  # not an amount
    (landing / "mixed.835").write_text(
        interchange([payment_835([_claim("G1", "80")], payment="80"), bad])
    )
    (landing / "bare.835").write_text(
        bare_transactions(
            [payment_835([_claim("B2", "80")], payment="80")], style=Style(after_terminator="\n")
        )
    )
    (landing / "zz_copy_of_good_0.835").write_bytes((landing / "good_0.835").read_bytes())


def _outcome(data_dir: Path, result: dict) -> tuple:
    files = sorted(
        (
            f["file_name"],
            f["status"],
            f["units_in"],
            f["units_loaded"],
            f["units_quarantined"],
            f["units_duplicate"],
            f["duplicate_of"],
            tuple(sorted(f["row_counts"].items())),
            tuple(f["quarantine_rules"]),
        )
        for f in result["files"]
    )
    raw = {}
    for path in sorted((data_dir / "raw").glob("x8*/*.parquet")):
        table = pq.read_table(path)
        raw[f"{path.parent.name}/{path.name}"] = hashlib.sha256(
            repr(table.to_pylist()).encode()
        ).hexdigest()
    quarantined = sorted(
        str(p.relative_to(data_dir / "quarantine"))
        for p in (data_dir / "quarantine").rglob("*")
        if p.is_file()
    )
    return files, result["totals"], raw, quarantined


def test_workers_give_exactly_the_serial_outcome(tmp_path: Path, monkeypatch):
    # GIVEN the same landed batch twice: good files, samples, a partly bad file, a duplicate
    serial_dir, parallel_dir = tmp_path / "serial", tmp_path / "parallel"
    _land_batch(serial_dir)
    _land_batch(parallel_dir)
    # WHEN one is ingested in-process and the other by two worker processes
    monkeypatch.setenv(parallel_module.WORKERS_ENV, "1")
    serial = ingest(serial_dir)
    monkeypatch.setenv(parallel_module.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel_module, "_can_fork", lambda: True)  # pytest may run threads
    used: list[bool] = []
    real_enter = parallel_module.Prefetcher.__enter__

    def spy(self):
        entered = real_enter(self)
        used.append(entered.active)
        return entered

    monkeypatch.setattr(parallel_module.Prefetcher, "__enter__", spy)
    parallel = ingest(parallel_dir)
    # THEN the pool really ran, and statuses, counts, raw rows and quarantine are identical
    assert used == [True]
    assert _outcome(parallel_dir, parallel) == _outcome(serial_dir, serial)
    statuses = {f["file_name"]: f["status"] for f in parallel["files"]}
    assert statuses["mixed.835"] == "partially_quarantined"
    assert statuses["zz_copy_of_good_0.835"] == "duplicate"
    bare = next(f for f in parallel["files"] if f["file_name"] == "bare.835")
    assert (bare["status"], [f["rule"] for f in bare["findings"]]) == (
        "loaded",
        ["missing_envelope"],
    )
    assert parallel["totals"]["in"] == (
        parallel["totals"]["loaded"]
        + parallel["totals"]["duplicate"]
        + parallel["totals"]["quarantined"]
    )
    # AND a rerun loads nothing twice
    again = ingest(parallel_dir)
    assert again["totals"]["files_in"] == 0


def test_a_small_batch_is_read_in_process(tmp_path: Path, monkeypatch):
    # GIVEN two small files (below PARALLEL_MIN_BYTES) and two workers allowed
    monkeypatch.setenv(parallel_module.WORKERS_ENV, "2")
    files = [
        (FIXTURES / "835" / name, name, name)
        for name in (
            "stupidedi__X221A1__era-sample.edi",
            "stupidedi__X221A1__multiple-claims-single-check.edi",
        )
    ]
    # WHEN entered, THEN no pool starts and take() leaves the loading to the caller
    with parallel_module.Prefetcher(files, tmp_path) as prefetch:
        assert not prefetch.active
        assert prefetch.take(files[0][2]) is None


def test_a_threaded_process_reads_in_process(tmp_path: Path, monkeypatch):
    # GIVEN a process where forking is unsafe (other threads) and a batch big enough for workers
    monkeypatch.setenv(parallel_module.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel_module, "_can_fork", lambda: False)
    files = [(path, path.name, path.name) for path in sorted((FIXTURES / "835").glob("*"))[:3]]
    # WHEN entered, THEN no pool starts
    with parallel_module.Prefetcher(files, tmp_path) as prefetch:
        assert not prefetch.active


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("1", 1), ("0", 1), ("x", 1)])
def test_worker_count_comes_from_the_environment(monkeypatch, value: str, expected: int):
    monkeypatch.setenv(parallel_module.WORKERS_ENV, value)
    assert parallel_module.worker_count() == expected


def test_x12_errors_cross_process_boundaries_intact():
    # GIVEN a typed error with keyword-only details (workers return them inside results)
    error = X12ContentError(
        "bad amount",
        rule="invalid_amount",
        file="a.835",
        position=7,
        segment_id="CLP",
        element="CLP04",
    )
    # WHEN pickled and unpickled, THEN type, message, position, element and rule survive
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is X12ContentError
    assert copy.as_dict() == error.as_dict()
    assert str(copy) == str(error)
