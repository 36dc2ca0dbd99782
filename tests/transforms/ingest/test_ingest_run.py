"""`ingest`: new files load once, duplicates are recognised, bad units are quarantined, counts reconcile."""

from __future__ import annotations

import json
import logging
import shutil
import stat
import sys
import types
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from transforms.harness.x12_synth import Style, bare_transactions, interchange, payment_835
from transforms.ingest import arrow_schema, discover_new_files, ingest
from transforms.ingest import discover as discover_module
from transforms.ingest.x12_load import load_x12

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
ERA = FIXTURES / "835" / "stupidedi__X221A1__era-sample.edi"
MULTI = FIXTURES / "835" / "stupidedi__X221A1__multiple-claims-single-check.edi"
IMSWEB = FIXTURES / "837" / "imsweb-x12-parser__x12_complex.txt"


def claim(pcn: str, paid: str) -> list:
    return [
        ["CLP", pcn, "1", "100", paid, "", "12", "ICN" + pcn],
        ["NM1", "QC", "1", "DOE", "JANE", "", "", "", "MI", "SECRET-" + pcn],
        ["CAS", "CO", "45", str(100 - int(paid))],
    ]


def good_body(pcn: str = "P1") -> list:
    return payment_835([claim(pcn, "80")], payment="80")


def land(data_dir: Path, name: str, data: bytes | str) -> Path:
    path = data_dir / "landing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def parquet_rows(data_dir: Path, table: str) -> int:
    files = [p for p in (data_dir / "raw" / table).glob("*.parquet")]
    return sum(pq.read_metadata(p).num_rows for p in files)


def assert_reconciles(result: dict) -> None:
    totals = result["totals"]
    assert totals["in"] == totals["loaded"] + totals["duplicate"] + totals["quarantined"]
    assert (totals["in"], totals["loaded"]) == (totals["units_in"], totals["units_loaded"])
    assert totals["units_in"] == (
        totals["units_loaded"] + totals["units_duplicate"] + totals["units_quarantined"]
    )
    for item in result["files"]:
        assert item["units_in"] == (
            item["units_loaded"] + item["units_duplicate"] + item["units_quarantined"]
        )
    assert totals["files_in"] == (
        totals["files_loaded"]
        + totals["files_partially_quarantined"]
        + totals["files_quarantined"]
        + totals["files_duplicate"]
    )


def test_every_sample_loads_and_money_survives_to_duckdb(tmp_path: Path):
    # GIVEN every public sample in landing/ (nested folders, any names)
    reference = json.loads((FIXTURES / "reference_totals.json").read_text())
    unreadable = {
        name
        for name in json.loads((FIXTURES / "expected_rejections.json").read_text())
        if not name.startswith("_")
    }
    for name in reference:
        land(tmp_path, name, (FIXTURES / name).read_bytes())
    # WHEN ingested
    result = ingest(tmp_path)
    # THEN units reconcile, every file whose money is readable loads whole (envelope defects are
    # findings), and the money read back from raw Parquet equals the independent reading to the cent
    assert_reconciles(result)
    statuses = {item["file_name"]: item["status"] for item in result["files"]}
    assert {name for name, status in statuses.items() if status != "loaded"} == unreadable
    imsweb = next(item for item in result["files"] if item["file_name"] == "837/" + IMSWEB.name)
    assert [f["rule"] for f in imsweb["findings"]] == ["se01_count", "se01_count", "ge01_count"]
    con = duckdb.connect()
    paid, billed = con.execute(
        "select sum(paid_amount), sum(billed_amount) from read_parquet(?)",
        [str(tmp_path / "raw" / "x835_claims" / "*.parquet")],
    ).fetchone()
    readable = [value for name, value in reference.items() if name not in unreadable]
    assert paid == sum(Decimal(v["clp04_total"]) for v in readable if v["kind"] == "835")
    assert billed == sum(Decimal(v["clp03_total"]) for v in readable if v["kind"] == "835")
    claims_837 = con.execute(
        "select count(*), sum(billed_amount) from read_parquet(?)",
        [str(tmp_path / "raw" / "x837_claims" / "*.parquet")],
    ).fetchone()
    assert claims_837 == (
        sum(v["claims"] for v in readable if v["kind"] == "837"),
        sum(Decimal(v["clm02_total"]) for v in readable if v["kind"] == "837"),
    )
    assert parquet_rows(tmp_path, "x835_service_lines") == sum(
        v["service_lines"] for v in readable if v["kind"] == "835"
    )


def test_rerun_is_idempotent_and_uses_the_hash_cache(tmp_path: Path, monkeypatch):
    land(tmp_path, "era.edi", ERA.read_bytes())
    first = ingest(tmp_path)
    raw_files = sorted(p.relative_to(tmp_path) for p in (tmp_path / "raw").rglob("*.parquet"))
    # GIVEN hashing now fails loudly: a second run must not need it for an unchanged file
    monkeypatch.setattr(
        discover_module, "sha256_file", lambda path: pytest.fail("re-hashed an unchanged file")
    )
    second = ingest(tmp_path)
    # THEN nothing new is loaded or recorded
    assert first["totals"]["files_loaded"] == 1
    assert second["files"] == [] and second["totals"]["files_already_known"] == 1
    assert second["totals"]["loaded"] == 0
    assert second["manifest_path"] is None
    assert (
        sorted(p.relative_to(tmp_path) for p in (tmp_path / "raw").rglob("*.parquet")) == raw_files
    )
    assert discover_new_files(tmp_path) == []


def test_same_bytes_under_another_name_are_a_duplicate(tmp_path: Path):
    land(tmp_path, "a/era.edi", ERA.read_bytes())
    ingest(tmp_path)
    land(tmp_path, "b/ERA copy (2).txt", ERA.read_bytes())
    assert discover_new_files(tmp_path) == ["b/ERA copy (2).txt"]
    result = ingest(tmp_path)
    (item,) = result["files"]
    assert (item["status"], item["duplicate_of"], item["file_kind"]) == (
        "duplicate",
        "a/era.edi",
        "835",
    )
    assert (item["units_in"], item["units_duplicate"], item["units_loaded"]) == (1, 1, 0)
    assert_reconciles(result)
    assert parquet_rows(tmp_path, "x835_claims") == 1  # loaded once
    manifest = (
        duckdb.connect()
        .execute(
            "select file_name, status, duplicate_of from read_parquet(?) order by loaded_at",
            [str(tmp_path / "raw" / "file_manifest" / "*.parquet")],
        )
        .fetchall()
    )
    assert manifest == [
        ("a/era.edi", "loaded", None),
        ("b/ERA copy (2).txt", "duplicate", "a/era.edi"),
    ]


def test_one_bad_transaction_set_is_quarantined_while_the_others_load(tmp_path: Path):
    # GIVEN three transaction sets; the second has an amount that is not a number
    bad = payment_835([[["CLP", "P2", "1", "1OO", "80"]]], payment="80")
    land(tmp_path, "mixed.835", interchange([good_body("P1"), bad, good_body("P3")]))
    # WHEN ingested
    result = ingest(tmp_path)
    (item,) = result["files"]
    # THEN the file is partially quarantined: 2 of 3 units loaded, the bad one set aside
    assert (item["status"], item["units_in"], item["units_loaded"], item["units_quarantined"]) == (
        "partially_quarantined",
        3,
        2,
        1,
    )
    assert item["quarantine_rules"] == ["invalid_amount"]
    assert parquet_rows(tmp_path, "x835_payments") == 2
    (record,) = pq.read_table(
        next((tmp_path / "raw" / "quarantine_records").glob("2*.parquet"))
    ).to_pylist()
    assert (record["unit"], record["segment_id"], record["element"], record["rule"]) == (
        "transaction",
        "CLP",
        "CLP03",
        "invalid_amount",
    )
    excerpt = tmp_path / record["quarantine_path"]
    text = excerpt.read_text()
    assert text.startswith("ISA*") and "\nGS*" in text and "ST*835*0002~" in text
    assert text.rstrip().endswith("SE*9*0002~") and "P1" not in text and "P3" not in text
    reason = json.loads(excerpt.with_suffix(".json").read_text())
    assert (reason["rule"], reason["position"], reason["element"]) == (
        "invalid_amount",
        record["position"],
        "CLP03",
    )
    assert stat.S_IMODE(excerpt.stat().st_mode) == 0o600
    assert stat.S_IMODE(excerpt.parent.stat().st_mode) == 0o700
    assert_reconciles(result)


def test_a_broken_group_is_rejected_whole_after_its_sets_were_read(tmp_path: Path):
    # GIVEN two interchanges; the second's group has a stray claim segment between its two sets
    # (a structural break: which transaction set it belongs to cannot be known)
    good = interchange([good_body("P1")], isa_control="000000001")
    broken = interchange([good_body("P2"), good_body("P3")], isa_control="000000002")
    second_st = broken.index("ST*835*0002")
    broken = broken[:second_st] + "CLP*STRAY*1*1*1~" + broken[second_st:]
    path = land(tmp_path, "two.835", good + "\n" + broken)
    # WHEN loaded
    loaded = load_x12(path, file_name="two.835", file_sha256="c" * 64, raw_dir=tmp_path / "raw")
    # THEN a second pass rejected both sets of the broken group, and only P1 was written
    assert loaded.passes == 2
    assert (loaded.units_in, loaded.units_loaded, loaded.units_quarantined) == (3, 1, 2)
    assert {r.error.rule for r in loaded.rejections} == {"segment_outside_transaction"}
    table = pq.read_table(tmp_path / "raw" / "x835_claims" / f"{'c' * 64}.parquet")
    assert table.column("patient_control_number").to_pylist() == ["P1"]


def test_envelope_defects_load_the_money_and_are_recorded_per_file(tmp_path: Path):
    # GIVEN a payment whose IEA02 does not match ISA13 and whose SE01 is off by two (what real
    # payers send), next to a clean one
    land(tmp_path, "defects.835", interchange([good_body("P1")], iea02="000000999", se01_offset=2))
    land(tmp_path, "clean.835", interchange([good_body("P2")], isa_control="000000002"))
    # WHEN ingested
    result = ingest(tmp_path)
    # THEN both load; the defects are findings of their file, in the manifest and in
    # raw/ingest_findings, each naming file, position, segment, element, rule and severity
    assert_reconciles(result)
    by_name = {item["file_name"]: item for item in result["files"]}
    assert {name: item["status"] for name, item in by_name.items()} == {
        "defects.835": "loaded",
        "clean.835": "loaded",
    }
    assert [f["rule"] for f in by_name["defects.835"]["findings"]] == [
        "se01_count",
        "iea02_control_number",
    ]
    assert by_name["clean.835"]["findings"] == []
    con = duckdb.connect()
    raw = tmp_path / "raw"
    findings = con.execute(
        "select file_name, segment_id, element, rule, severity, transaction_control_number "
        "from read_parquet(?) order by position",
        [str(raw / "ingest_findings" / "*.parquet")],
    ).fetchall()
    assert findings == [
        ("defects.835", "SE", "SE01", "se01_count", "warning", "0001"),
        ("defects.835", "IEA", "IEA02", "iea02_control_number", "warning", None),
    ]
    manifest = dict(
        con.execute(
            "select file_name, finding_count from read_parquet(?, union_by_name = true)",
            [str(raw / "file_manifest" / "*.parquet")],
        ).fetchall()
    )
    assert manifest == {"defects.835": 2, "clean.835": 0}
    paid = con.execute(
        "select sum(paid_amount) from read_parquet(?)", [str(raw / "x835_claims" / "*.parquet")]
    ).fetchone()[0]
    assert paid == Decimal("160.00")


def test_x12_version_is_on_every_raw_row_and_in_the_manifest(tmp_path: Path):
    # GIVEN a 004010 remittance (GS08 004010X091A1) and a 005010 one
    land(tmp_path, "old.835", interchange([good_body("P1")], guide="004010X091A1"))
    land(tmp_path, "new.835", interchange([good_body("P2")], isa_control="000000002"))
    # WHEN ingested
    ingest(tmp_path)
    # THEN every x835 row carries its GS08, and the manifest lists each file's versions
    con = duckdb.connect()
    raw = tmp_path / "raw"
    for table in ("x835_payments", "x835_claims", "x835_adjustments"):
        rows = dict(
            con.execute(
                "select file_name, string_agg(distinct x12_version, ',') from read_parquet(?) "
                "group by file_name",
                [str(raw / table / "*.parquet")],
            ).fetchall()
        )
        assert rows == {"old.835": "004010X091A1", "new.835": "005010X221A1"}, table
    manifest = dict(
        con.execute(
            "select file_name, x12_versions from read_parquet(?, union_by_name = true)",
            [str(raw / "file_manifest" / "*.parquet")],
        ).fetchall()
    )
    assert manifest == {"old.835": "004010X091A1", "new.835": "005010X221A1"}


def test_fractional_and_negative_units_load_with_findings(tmp_path: Path):
    # GIVEN a payment whose lines carry 1.5 units, 0.333 units, and -2 units (not a reversal)
    lines = [
        ["CLP", "U1", "1", "30", "30", "", "12"],
        ["SVC", "HC:99213", "10", "10", "", "1.5"],
        ["SVC", "HC:J3301", "10", "10", "", "0.333"],
        ["SVC", "HC:99214", "10", "10", "", "-2"],
    ]
    land(tmp_path, "units.835", interchange([payment_835([lines], payment="30")]))
    # WHEN ingested
    result = ingest(tmp_path)
    # THEN the payment loads with every quantity exact, and the negative one is a finding that
    # names SVC05 (and no value is printed)
    [item] = result["files"]
    assert item["status"] == "loaded"
    assert [(f["segment"], f["element"], f["rule"]) for f in item["findings"]] == [
        ("SVC", "SVC05", "negative_units")
    ]
    units = [
        r[0]
        for r in duckdb.connect()
        .execute(
            "select units_paid from read_parquet(?) order by segment_position",
            [str(tmp_path / "raw" / "x835_service_lines" / "*.parquet")],
        )
        .fetchall()
    ]
    assert units == [Decimal("1.5"), Decimal("0.333"), Decimal(-2)]


def test_empty_garbage_and_unknown_files_are_quarantined_as_files(tmp_path: Path):
    land(tmp_path, "empty.edi", b"")
    land(tmp_path, "noise.bin", bytes(range(256)) * 8)
    land(tmp_path, "notes.txt", "no envelope here\n")
    land(tmp_path, "era.edi", ERA.read_bytes())
    result = ingest(tmp_path)
    by_name = {item["file_name"]: item for item in result["files"]}
    assert by_name["era.edi"]["status"] == "loaded"
    assert by_name["empty.edi"]["quarantine_rules"] == ["empty_file"]
    assert by_name["noise.bin"]["quarantine_rules"] == ["unknown_file_kind"]
    assert by_name["notes.txt"]["status"] == "quarantined"
    for name in ("empty.edi", "noise.bin", "notes.txt"):
        item = by_name[name]
        assert (item["units_in"], item["units_quarantined"]) == (1, 1)
        folder = tmp_path / "quarantine" / item["file_sha256"]
        copied = [p for p in folder.iterdir() if p.name.startswith("file")]
        assert (
            len(copied) == 1
            and copied[0].read_bytes() == (tmp_path / "landing" / name).read_bytes()
        )
        assert json.loads((folder / "reason.json").read_text())["unit"] == "file"
    assert_reconciles(result)


def test_a_bare_835_loads_and_its_missing_envelope_is_a_recorded_finding(tmp_path: Path):
    # GIVEN a bare 835 (ST..SE, no ISA/GS/GE/IEA, one segment per line, a BOM) under a name that
    # says nothing, a text file that merely mentions ST segments, and a bare set that is no 835/837
    land(
        tmp_path,
        "portal_export.txt",
        "\ufeff"
        + bare_transactions(
            [good_body("P1"), good_body("P2")], style=Style(after_terminator="\r\n")
        ),
    )
    land(tmp_path, "notes.txt", "Notes: ST*835*0001~ opens a remittance; see the ISA chapter.\n")
    land(tmp_path, "status.txt", bare_transactions([[["BHT", "0010"]]], transaction_type="277"))
    # WHEN ingested
    result = ingest(tmp_path)
    # THEN the 835 loads (both sets, both payments) with one missing_envelope finding, in the
    # result, in raw/ingest_findings and in the manifest's finding_count
    assert_reconciles(result)
    by_name = {item["file_name"]: item for item in result["files"]}
    bare = by_name["portal_export.txt"]
    assert (bare["file_kind"], bare["status"], bare["units_in"], bare["units_loaded"]) == (
        "835",
        "loaded",
        2,
        2,
    )
    assert [(f["rule"], f["scope"], f["position"]) for f in bare["findings"]] == [
        ("missing_envelope", "interchange", 1)
    ]
    con = duckdb.connect()
    raw = tmp_path / "raw"
    assert con.execute(
        "select file_name, segment_id, rule, severity from read_parquet(?)",
        [str(raw / "ingest_findings" / "*.parquet")],
    ).fetchall() == [("portal_export.txt", "ST", "missing_envelope", "warning")]
    manifest = dict(
        con.execute(
            "select file_name, finding_count from read_parquet(?, union_by_name = true)",
            [str(raw / "file_manifest" / "*.parquet")],
        ).fetchall()
    )
    assert manifest["portal_export.txt"] == 1
    paid, versions = con.execute(
        "select sum(paid_amount), count(x12_version) from read_parquet(?)",
        [str(raw / "x835_claims" / "*.parquet")],
    ).fetchone()
    assert (paid, versions) == (Decimal("160.00"), 0)  # no GS08, no ST03 in an 835: null
    # AND the text that merely mentions ST is not X12; the bare 277 is refused as no_isa, saying so
    assert (by_name["notes.txt"]["status"], by_name["notes.txt"]["quarantine_rules"]) == (
        "quarantined",
        ["unknown_file_kind"],
    )
    assert (by_name["status.txt"]["status"], by_name["status.txt"]["quarantine_rules"]) == (
        "quarantined",
        ["no_isa"],
    )


def test_x12_is_recognised_by_content_not_by_name_or_folder(tmp_path: Path):
    land(tmp_path, "encounters/remit.csv", MULTI.read_bytes())
    (item,) = ingest(tmp_path)["files"]
    assert (item["file_kind"], item["status"]) == ("835", "loaded")


def test_awkward_names_stay_inside_landing(tmp_path: Path):
    outside = tmp_path / "outside.edi"
    outside.write_bytes(ERA.read_bytes())
    names = ['with space\'s "quotes" ü.edi', "a..b..edi", "a;b'--.835", "x/../y.edi"]
    for index, name in enumerate(names):
        land(tmp_path, name, interchange([good_body(f"N{index}")], isa_control=f"{index + 1:09d}"))
    (tmp_path / "landing" / "link.edi").symlink_to(outside)
    land(tmp_path, ".partial-upload.edi", ERA.read_bytes())
    result = ingest(tmp_path)
    loaded = sorted(item["file_name"] for item in result["files"])
    # the `x/../y.edi` path is stored resolved inside landing; symlinks and dot-files are skipped
    assert loaded == sorted(['with space\'s "quotes" ü.edi', "a..b..edi", "a;b'--.835", "y.edi"])
    assert all(item["status"] == "loaded" for item in result["files"])
    assert list((tmp_path / "quarantine").iterdir()) == []
    assert parquet_rows(tmp_path, "x835_claims") == 4


def test_logs_carry_names_and_counts_never_patient_identifiers(tmp_path: Path, caplog):
    land(tmp_path, "remit.835", interchange([good_body("PCN-77")]))
    land(
        tmp_path,
        "bad.835",
        interchange(
            [
                payment_835(
                    [
                        [
                            ["CLP", "PCN-88", "1", "x", "1"],
                            ["NM1", "QC", "1", "D", "J", "", "", "", "MI", "SECRET-88"],
                        ]
                    ],
                    payment="1",
                )
            ]
        ),
    )
    with caplog.at_level(logging.DEBUG, logger="rcm"):
        result = ingest(tmp_path)
    text = caplog.text + json.dumps(result, default=str)
    assert "remit.835" in caplog.text
    for secret in ("PCN-77", "SECRET-PCN-77", "PCN-88", "SECRET-88"):
        assert secret not in text


def test_encounter_extracts_go_through_the_encounter_loader(tmp_path: Path, monkeypatch):
    # GIVEN a stand-in encounter loader: 3 rows in, 2 loaded, 1 quarantined
    calls = []

    def load_encounters(source, dest, *, file_name, file_sha256):
        calls.append((file_name, file_sha256, Path(dest).parent.name))
        pq.write_table(arrow_schema("encounter_lines").empty_table(), dest)
        return types.SimpleNamespace(
            rows_in=3,
            rows_loaded=2,
            rows_quarantined=1,
            file_rejected=False,
            quarantine_records=[
                {
                    "unit": "row",
                    "position": 3,
                    "segment_id": None,
                    "element": None,
                    "column_name": "charge_amount",
                    "rule": "not_a_decimal",
                    "message": "line 3: charge_amount is not a decimal",
                }
            ],
        )

    fake = types.ModuleType("transforms.ingest.encounters")
    fake.load_encounters = load_encounters  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "transforms.ingest.encounters", fake)
    land(tmp_path, "encounters/2026-01-01.csv", "encounter_id,claim_id\nE1,C1\nE2,C2\nE3,C3\n")
    land(tmp_path, "elsewhere/2026-01-01.csv", "encounter_id,claim_id\nE9,C9\n")
    # WHEN ingested
    result = ingest(tmp_path)
    by_name = {item["file_name"]: item for item in result["files"]}
    item = by_name["encounters/2026-01-01.csv"]
    # THEN the loader wrote into raw/encounter_lines/, its counts and records are kept
    assert calls and calls[0][0] == "encounters/2026-01-01.csv" and calls[0][2] == "encounter_lines"
    assert (
        item["file_kind"],
        item["status"],
        item["units_in"],
        item["units_loaded"],
        item["units_quarantined"],
    ) == ("encounters", "partially_quarantined", 3, 2, 1)
    target = tmp_path / "raw" / "encounter_lines" / f"{item['file_sha256']}.parquet"
    assert target.exists() and stat.S_IMODE(target.stat().st_mode) == 0o600
    records = pq.read_table(
        next((tmp_path / "raw" / "quarantine_records").glob("2*.parquet"))
    ).to_pylist()
    (record,) = [r for r in records if r["file_name"] == "encounters/2026-01-01.csv"]
    assert (record["unit"], record["column_name"], record["rule"]) == (
        "row",
        "charge_amount",
        "not_a_decimal",
    )
    # a CSV outside landing/encounters/ is not an extract
    assert by_name["elsewhere/2026-01-01.csv"]["quarantine_rules"] == ["unknown_file_kind"]
    assert_reconciles(result)


def test_a_rejected_extract_is_one_quarantined_unit(tmp_path: Path, monkeypatch):
    def load_encounters(source, dest, *, file_name, file_sha256):
        return types.SimpleNamespace(
            rows_in=0,
            rows_loaded=0,
            rows_quarantined=0,
            file_rejected=True,
            quarantine_records=[
                {
                    "unit": "file",
                    "position": 1,
                    "column_name": None,
                    "rule": "header_missing_columns",
                    "message": "header lacks x",
                }
            ],
        )

    fake = types.ModuleType("transforms.ingest.encounters")
    fake.load_encounters = load_encounters  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "transforms.ingest.encounters", fake)
    land(tmp_path, "encounters/bad.csv", "nope\n1\n")
    (item,) = ingest(tmp_path)["files"]
    assert (item["status"], item["units_in"], item["units_quarantined"]) == ("quarantined", 1, 1)
    assert item["quarantine_rules"] == ["header_missing_columns"]
    assert list((tmp_path / "raw" / "encounter_lines").glob("*.parquet")) == [
        tmp_path / "raw" / "encounter_lines" / "_schema.parquet"
    ]


def test_manifest_records_counts_and_row_counts(tmp_path: Path):
    shutil.copy(MULTI, land(tmp_path, "m.edi", b""))
    result = ingest(tmp_path)
    (row,) = pq.read_table(result["manifest_path"]).to_pylist()
    assert (row["file_kind"], row["status"], row["units_in"], row["units_loaded"]) == (
        "835",
        "loaded",
        1,
        1,
    )
    assert row["size_bytes"] == MULTI.stat().st_size
    assert json.loads(row["row_counts"]) == {
        "x835_adjustments": 39,
        "x835_claims": 9,
        "x835_payments": 1,
        "x835_service_lines": 33,
    }
    assert row["received_at"] is not None and row["loaded_at"] >= row["received_at"].replace(
        year=2000
    )


def test_a_second_ingest_waits_for_the_lock_then_gives_up(tmp_path: Path):
    # GIVEN one ingest holding the data directory's lock
    from transforms.ingest.run import IngestError, ingest_lock
    from transforms.settings import Paths

    paths = Paths(tmp_path)
    # WHEN another tries with a short timeout  THEN it fails with a clear error
    with (
        ingest_lock(paths),
        pytest.raises(IngestError, match="another ingest"),
        ingest_lock(paths, timeout=0.3),
    ):
        pass
    # AND once released the lock can be taken again
    with ingest_lock(paths, timeout=0.3):
        pass


def test_an_unexpected_failure_quarantines_the_file_and_leaves_nothing_in_raw(
    tmp_path: Path, monkeypatch
):
    # GIVEN a loader that breaks after some raw files of the file were already published
    from transforms.ingest import run as run_module

    def broken(source, *, file_name, file_sha256, raw_dir, **_):
        (raw_dir / "x835_claims" / f"{file_sha256}.parquet").write_bytes(b"half")
        raise ValueError("simulated bug")

    monkeypatch.setattr(run_module, "load_x12", broken)
    land(tmp_path, "era.edi", ERA.read_bytes())
    land(tmp_path, "other.edi", MULTI.read_bytes())
    # WHEN ingested
    result = ingest(tmp_path)
    # THEN each file is quarantined as a unit with rule load_error, the batch goes on,
    # and no raw file of theirs remains
    assert [(f["status"], f["quarantine_rules"]) for f in result["files"]] == [
        ("quarantined", ["load_error"])
    ] * 2
    assert [p.name for p in (tmp_path / "raw" / "x835_claims").iterdir()] == ["_schema.parquet"]
    assert_reconciles(result)
