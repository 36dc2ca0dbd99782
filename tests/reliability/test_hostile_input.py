"""Hostile input: every broken file is quarantined with a reason, the rest of the batch loads, the
manifest reconciles and memory stays bounded.

GIVEN a few good generated files and, beside them, hostile ones (empty, blank, binary garbage, an
ISA followed by garbage, a truncated segment, a wrong SE01, letters or colliding characters as
separators, latin-1 bytes, a CSV with a wrong header / latin-1 rows / UTF-16 / a million commas on a
line, a fake Parquet file, 20,000 CAS in one claim, a FIFO)
WHEN `rcm ingest` runs once over them all, as a child process whose peak RSS is measured
THEN each hostile file gets the expected status and a reason naming the file, the rule and (where
there is one) the position; the good files load exactly as they do alone; in = loaded + duplicate +
quarantined per file and for the run; no raw row exists twice. The slow variants land a 100 MB
segment, a line of ten million commas, 200,000 CAS in one claim, 20 MB of empty segments and an
837 of 50,000 HL loops, each under a memory cap.
"""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from reliability_support import (
    land,
    put,
    raw_duplicate_problems,
    rcm,
    run_child,
)

from transforms.ingest import ingest
from transforms.x12.tokenizer import tokenize_bytes

GOOD = (r"^encounters/", r"^claims/", r"^remits/835_")  # two of each kind
MiB = 1 << 20
FAST_RSS_CAP = 1024 * MiB
SLOW_RSS_CAP = 1536 * MiB


# ---- building hostile bytes from good ones --------------------------------------------------------
def segments(data: bytes) -> list[list[str]]:
    return tokenize_bytes(data)


def render(
    segs: list[list[str]],
    *,
    element: str = "*",
    component: str = ":",
    repetition: str = "^",
    terminator: str = "~\n",
) -> bytes:
    """Write segments back with other separators (ISA11/ISA16 follow; composites re-joined)."""
    out = []
    for seg in segs:
        if seg[0] == "ISA":
            seg = [*seg[:11], repetition, *seg[12:16], component]
        else:
            seg = [e.replace(":", component).replace("^", repetition) for e in seg]
        out.append(element.join(seg) + terminator)
    return "".join(out).encode("utf-8")


def position_of(segs: list[list[str]], segment_id: str) -> int:
    """1-based position of the first segment with this id."""
    return next(i for i, seg in enumerate(segs, start=1) if seg[0] == segment_id)


def with_many_cas(data: bytes, count: int) -> bytes:
    """The first claim of an 835 gets `count` more zero CAS after its first service line (SE01
    kept right)."""
    segs = segments(data)
    at = position_of(segs, "SVC")
    segs[at:at] = [["CAS", "CO", "45", "0"]] * count
    st, se = position_of(segs, "ST"), position_of(segs, "SE")
    segs[se - 1] = ["SE", str(se - st + 1), segs[se - 1][2]]
    return render(segs)


def wrong_se01(data: bytes) -> bytes:
    segs = segments(data)
    se = position_of(segs, "SE")
    segs[se - 1] = ["SE", str(int(segs[se - 1][1]) + 7), segs[se - 1][2]]
    return render(segs)


def truncated_mid_segment(data: bytes) -> bytes:
    """Cut inside the last CLP segment (no terminator after the cut)."""
    at = data.rindex(b"CLP*")
    return data[: at + 9]


@dataclass(frozen=True)
class Case:
    """A hostile file and what ingest must make of it."""

    name: str
    status: str | None  # None: the file must not be handled at all (a FIFO)
    rules: frozenset[str]  # every rule its quarantine records carry (any of, when `any_rule`)
    positioned: bool = False  # its reasons carry a segment position or a line number
    any_rule: bool = False


def hostile_files(feed) -> tuple[dict[str, bytes], list[Case]]:
    rng = random.Random(9)
    remit = (feed.landing / feed.files(r"^remits/835_")[0]).read_bytes()
    extract = (feed.landing / feed.files(r"^encounters/")[0]).read_bytes()
    lines = extract.split(b"\n")
    latin_rows = b"\n".join(
        [lines[0], lines[1].replace(b",", "é,".encode("latin-1"), 1), *lines[2:]]
    )
    files = {
        "hostile/zero.835": b"",
        "hostile/blank.835": b"\n  \r\n\t\n",
        "hostile/garbage.bin": rng.randbytes(64 * 1024),
        "hostile/isa_then_garbage.x12": b"ISA*" + rng.randbytes(4096),
        "remits/truncated.835": truncated_mid_segment(remit),
        "remits/wrong_se01.835": wrong_se01(remit),
        "remits/letter_separators.835": render(segments(remit), element="A"),
        "remits/colliding_separators.835": render(segments(remit), component="*"),
        "remits/odd_separators.835": render(
            segments(remit), element="|", component=">", repetition="!", terminator="\n"
        ),
        "remits/latin1.835": remit.replace(b"N1*PR*", "N1*PR*MÜNCHEN ".encode("latin-1"), 1),
        "remits/many_cas.835": with_many_cas(remit, 20_000),
        "encounters/wrong_header.csv": extract.replace(b"patient_id", b"patient_ident", 1),
        "encounters/latin1_rows.csv": latin_rows,
        "encounters/utf16.csv": extract.decode("utf-8").encode("utf-16"),
        "encounters/million_commas.csv": extract + b"," * 1_000_000 + b"\n",
        "encounters/not_really.parquet": b"PAR1" + rng.randbytes(512) + b"PAR1",
    }
    quarantined = "quarantined"
    cases = [
        Case("hostile/zero.835", quarantined, frozenset({"empty_file"})),
        Case("hostile/blank.835", quarantined, frozenset({"unknown_file_kind"})),
        Case("hostile/garbage.bin", quarantined, frozenset({"unknown_file_kind"})),
        Case(
            "hostile/isa_then_garbage.x12",
            quarantined,
            frozenset({"isa_invalid", "isa_separators", "encoding"}),
            any_rule=True,
        ),
        Case(
            "remits/truncated.835",
            quarantined,
            frozenset({"missing_element", "missing_se", "invalid_amount", "missing_iea"}),
            positioned=True,
            any_rule=True,
        ),
        # a wrong SE01 leaves the money readable: loaded, with a finding (see below)
        Case("remits/wrong_se01.835", "loaded", frozenset()),
        Case(
            "remits/letter_separators.835",
            quarantined,
            frozenset({"isa_separators"}),
            positioned=True,
        ),
        Case(
            "remits/colliding_separators.835",
            quarantined,
            frozenset({"isa_separators"}),
            positioned=True,
        ),
        Case("remits/odd_separators.835", "loaded", frozenset()),
        Case("remits/latin1.835", quarantined, frozenset({"encoding"})),
        Case("remits/many_cas.835", "loaded", frozenset()),
        Case(
            "encounters/wrong_header.csv",
            quarantined,
            frozenset({"header_missing_columns", "header_unknown_columns"}),
        ),
        Case(
            "encounters/latin1_rows.csv",
            "partially_quarantined",
            frozenset({"invalid_encoding"}),
            positioned=True,
        ),
        Case("encounters/utf16.csv", quarantined, frozenset({"invalid_encoding"})),
        Case(
            "encounters/million_commas.csv",
            "partially_quarantined",
            frozenset({"wrong_field_count", "required_missing", "line_too_long"}),
            positioned=True,
            any_rule=True,
        ),
        Case("encounters/not_really.parquet", quarantined, frozenset({"unreadable_file"})),
        Case("remits/fifo.835", None, frozenset()),
    ]
    return files, cases


# ---- the batch ------------------------------------------------------------------------------------
@dataclass
class Batch:
    data_dir: Path
    result: dict
    peak_rss: int
    seconds: float
    cases: list[Case]
    good: list[str]
    alone: Path


def good_files(feed) -> list[str]:
    return [name for pattern in GOOD for name in feed.files(pattern)[:2]]


@pytest.fixture(scope="module")
def batch(feed, tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    good = good_files(feed)
    land(feed, good, data)
    files, cases = hostile_files(feed)
    for name, content in files.items():
        put(data, name, content)
    os.mkfifo(data / "landing" / "remits" / "fifo.835")
    child = run_child(rcm("ingest", "--data-dir", data), workdir=root / "child", timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    alone = root / "alone"
    land(feed, good, alone)
    ingest(alone)
    return Batch(data, child.json(), child.peak_rss_bytes, child.seconds, cases, good, alone)


def quarantine_records(data_dir: Path) -> list[dict]:
    return (
        duckdb.connect()
        .execute(
            "select * from read_parquet(?)",
            [str(data_dir / "raw" / "quarantine_records" / "*.parquet")],
        )
        .fetchdf()
        .to_dict("records")
    )


def test_every_hostile_file_gets_its_status_and_a_reason(batch):
    by_name = {item["file_name"]: item for item in batch.result["files"]}
    records = quarantine_records(batch.data_dir)
    for case in batch.cases:
        if case.status is None:  # the FIFO: never opened (the run would hang), never recorded
            assert case.name not in by_name
            continue
        item = by_name[case.name]
        assert item["status"] == case.status, (case.name, item)
        mine = [r for r in records if r["file_name"] == case.name]
        rules = {r["rule"] for r in mine}
        if not case.rules:
            assert mine == [] and item["units_quarantined"] == 0, case.name
            continue
        # THEN its reasons carry the expected rule(s), a message, and a position when one exists
        assert (rules & case.rules) if case.any_rule else rules == case.rules, (case.name, rules)
        assert all(r["message"] and r["file_sha256"] == item["file_sha256"] for r in mine)
        if case.positioned:
            assert all(r["position"] is not None and r["position"] >= 1 for r in mine), mine
        # AND the reason JSON beside the quarantined bytes says the same
        folder = batch.data_dir / "quarantine" / item["file_sha256"]
        reasons = [json.loads(p.read_text()) for p in folder.glob("*.json")]
        flat = [r for reason in reasons for r in (reason if isinstance(reason, list) else [reason])]
        assert {r["rule"] for r in flat} == rules and {r["file"] for r in flat} == {case.name}


def test_reasons_name_the_exact_place(batch, feed):
    records = {r["file_name"]: r for r in quarantine_records(batch.data_dir)}
    remit = (feed.landing / feed.files(r"^remits/835_")[0]).read_bytes()
    # THEN a wrong SE01 is a finding (the set loaded) at the SE segment, element SE01
    findings = (
        duckdb.connect()
        .execute(
            "select segment_id, element, position, rule from read_parquet(?) where file_name = ?",
            [
                str(batch.data_dir / "raw" / "ingest_findings" / "*.parquet"),
                "remits/wrong_se01.835",
            ],
        )
        .fetchall()
    )
    assert findings == [("SE", "SE01", position_of(segments(remit), "SE"), "se01_count")]
    assert "remits/wrong_se01.835" not in records
    # AND unusable separators at the ISA (segment 1)
    for name in ("remits/letter_separators.835", "remits/colliding_separators.835"):
        assert (records[name]["segment_id"], records[name]["position"]) == ("ISA", 1), name
    # AND a latin-1 row of an extract at its line (line 2: the first data row)
    assert records["encounters/latin1_rows.csv"]["position"] == 2
    # AND the line of a million commas at its physical line (right after the extract's lines)
    extract = (feed.landing / feed.files(r"^encounters/")[0]).read_bytes()
    assert records["encounters/million_commas.csv"]["position"] == extract.count(b"\n") + 1


def test_the_good_files_load_exactly_as_they_do_alone(batch):
    by_name = {item["file_name"]: item for item in batch.result["files"]}
    con = duckdb.connect()
    for name in batch.good:
        assert by_name[name]["status"] == "loaded", by_name[name]
    # THEN every raw row of the good files, in every table, is the row they load alone
    for table in (
        "encounter_lines",
        "x837_claims",
        "x837_claim_lines",
        "x835_claims",
        "x835_service_lines",
        "x835_adjustments",
    ):
        shas = [by_name[name]["file_sha256"] for name in batch.good]
        query = (
            "select * exclude (file_name) from read_parquet(?) "
            "where list_contains(?, file_sha256) order by all"
        )
        with_hostile = con.execute(
            query, [str(batch.data_dir / "raw" / table / "*.parquet"), shas]
        ).fetchall()
        alone = con.execute(
            query, [str(batch.alone / "raw" / table / "*.parquet"), shas]
        ).fetchall()
        assert with_hostile == alone and alone, table


def test_odd_but_valid_separators_give_the_same_rows(batch, feed):
    by_name = {item["file_name"]: item for item in batch.result["files"]}
    original = by_name[feed.files(r"^remits/835_")[0]]["file_sha256"]
    odd = by_name["remits/odd_separators.835"]["file_sha256"]
    con = duckdb.connect()
    for table in ("x835_payments", "x835_claims", "x835_service_lines", "x835_adjustments"):
        # every column but the row ids and the file's own name and hash
        columns = [
            c
            for c in con.execute(
                "select column_name from (describe select * from read_parquet(?))",
                [str(batch.data_dir / "raw" / table / "*.parquet")],
            ).fetchall()
        ]
        keep = ", ".join(
            f'"{c}"'
            for (c,) in columns
            if not c.endswith("_id") and c not in ("file_name", "file_sha256")
        )
        rows = {
            sha: con.execute(
                f"select {keep} from read_parquet(?) where file_sha256 = ? order by all",
                [str(batch.data_dir / "raw" / table / f"{sha}.parquet"), sha],
            ).fetchall()
            for sha in (original, odd)
        }
        assert rows[original] == rows[odd] and rows[original], table


def test_twenty_thousand_cas_in_one_claim_load_in_full(batch, feed):
    by_name = {item["file_name"]: item for item in batch.result["files"]}
    original = by_name[feed.files(r"^remits/835_")[0]]["row_counts"]["x835_adjustments"]
    assert by_name["remits/many_cas.835"]["row_counts"]["x835_adjustments"] == original + 20_000


def test_the_manifest_reconciles_and_nothing_is_doubled(batch):
    totals = batch.result["totals"]
    # THEN for the run and for every file: in = loaded + duplicate + quarantined
    assert totals["in"] == totals["loaded"] + totals["duplicate"] + totals["quarantined"]
    assert totals["files_in"] == len(batch.good) + len(batch.cases) - 1  # all but the FIFO
    assert raw_duplicate_problems(batch.data_dir) == []


def test_memory_stays_bounded(batch):
    # THEN the child's peak RSS stays far below the cap (measured by wait4)
    assert batch.peak_rss < FAST_RSS_CAP, batch.peak_rss / MiB
    assert batch.seconds < 120


def test_information_separators_as_delimiters_load(feed, tmp_path):
    # GIVEN an 835 written with GS (0x1D) elements, US (0x1F) components, FS (0x1C) terminators
    remit = (feed.landing / feed.files(r"^remits/835_")[0]).read_bytes()
    put(
        tmp_path,
        "remits/control_chars.835",
        render(
            segments(remit), element="\x1d", component="\x1f", repetition="!", terminator="\x1c"
        ),
    )
    # THEN it loads like any other separators
    (item,) = ingest(tmp_path)["files"]
    assert item["status"] == "loaded", item["quarantine_rules"]


# ---- slow: the large ones, each under a memory cap ---------------------------------------------
def _huge_segment(feed) -> bytes:
    remit = (feed.landing / feed.files(r"^remits/835_")[0]).read_bytes()
    at = remit.index(b"TRN*")
    return remit[:at] + b"TRN*1*" + b"A" * (100 * MiB) + remit[at:]


def _ten_million_commas(feed) -> bytes:
    return (feed.landing / feed.files(r"^encounters/")[0]).read_bytes() + b"," * 10_000_000 + b"\n"


def _two_hundred_thousand_cas(feed) -> bytes:
    return with_many_cas((feed.landing / feed.files(r"^remits/835_")[0]).read_bytes(), 200_000)


def _empty_segments(feed) -> bytes:
    remit = (feed.landing / feed.files(r"^remits/835_")[0]).read_bytes()
    at = remit.index(b"BPR*")
    return remit[:at] + b"~" * (20 * MiB) + remit[at:]


def _deep_hl_837(feed) -> bytes:
    """An 837 whose subscriber loop (HL*22 with its claim) repeats 50,000 times."""
    segs = segments((feed.landing / feed.files(r"^claims/")[0]).read_bytes())
    st, se = position_of(segs, "ST"), position_of(segs, "SE")
    body = segs[st : se - 1]
    first_sub = next(i for i, s in enumerate(body) if s[0] == "HL" and s[3:4] == ["22"])
    next_hl = next(
        (
            i
            for i, s in enumerate(body[first_sub + 1 :], first_sub + 1)
            if s[0] == "HL" and s[3:4] == ["22"]
        ),
        len(body),
    )
    loop = body[first_sub:next_hl]
    repeated = []
    for n in range(50_000):
        for s in loop:
            if s[0] == "HL":
                repeated.append(["HL", str(n + 2), s[2], *s[3:]])
            elif s[0] == "CLM":
                repeated.append(["CLM", f"DEEP{n:06d}", *s[2:]])
            else:
                repeated.append(s)
    new_body = body[:first_sub] + repeated
    out = segs[:st] + new_body + [["SE", str(len(new_body) + 2), segs[se - 1][2]]] + segs[se:]
    return render(out)


SLOW_CASES = {
    "hostile/one_100mb_segment.835": (_huge_segment, "quarantined", {"segment_too_long"}),
    "encounters/ten_million_commas.csv": (
        _ten_million_commas,
        "partially_quarantined",
        {"line_too_long", "wrong_field_count"},
    ),
    "remits/two_hundred_thousand_cas.835": (_two_hundred_thousand_cas, "loaded", set()),
    "remits/twenty_mb_of_empty_segments.835": (_empty_segments, "loaded", set()),
    "claims/fifty_thousand_hl_loops.837": (_deep_hl_837, "loaded", set()),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW_CASES))
def test_huge_hostile_input_is_handled_in_bounded_memory(feed, tmp_path, name):
    build, status, rules = SLOW_CASES[name]
    data = tmp_path / "data"
    good = good_files(feed)
    land(feed, good, data)
    put(data, name, build(feed))
    # WHEN `rcm ingest` runs over it and the good files
    child = run_child(rcm("ingest", "--data-dir", data), workdir=tmp_path / "child", timeout=900)
    assert child.returncode == 0, child.stderr[-3000:]
    by_name = {item["file_name"]: item for item in child.json()["files"]}
    # THEN the hostile file gets its status and rule, the good ones load, counts reconcile
    assert by_name[name]["status"] == status, by_name[name]
    assert set(by_name[name]["quarantine_rules"]) & rules or not rules, by_name[name]
    assert all(by_name[g]["status"] == "loaded" for g in good)
    totals = child.json()["totals"]
    assert totals["in"] == totals["loaded"] + totals["duplicate"] + totals["quarantined"]
    assert raw_duplicate_problems(data) == []
    # AND the peak RSS stays under the cap
    print(f"\n{name}: {child.seconds}s, peak RSS {child.peak_rss_bytes / MiB:.0f} MiB")
    assert child.peak_rss_bytes < SLOW_RSS_CAP, child.peak_rss_bytes / MiB


def test_helpers_build_what_they_claim(feed):
    # GIVEN the byte builders  THEN each does what its name says (the cases above depend on it)
    remit = (feed.landing / feed.files(r"^remits/835_")[0]).read_bytes()
    assert segments(render(segments(remit), element="|", terminator="\n")) == segments(remit)
    cas = segments(with_many_cas(remit, 5))
    assert sum(s[0] == "CAS" for s in cas) == sum(s[0] == "CAS" for s in segments(remit)) + 5
    assert re.search(rb"~\s*CLP\*[^~]*$", truncated_mid_segment(remit))
    se = segments(wrong_se01(remit))[position_of(segments(remit), "SE") - 1]
    assert int(se[1]) == position_of(segments(remit), "SE") - position_of(segments(remit), "ST") + 8
