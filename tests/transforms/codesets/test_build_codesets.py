"""`rcm codesets`: ICD-10-CM built offline from its package, versions recorded, idempotent."""

from __future__ import annotations

import importlib.metadata

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.codesets import build_codesets, icd10cm
from transforms.codesets.build import ICD10CM_SCHEMA, VERSIONS_SCHEMA
from transforms.codesets.seeds import SEED_NAMES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    return data_dir, build_codesets(data_dir)


def test_icd10cm_table_comes_from_the_installed_package(built):
    # GIVEN a data directory built once
    data_dir, summary = built
    table = pq.read_table(data_dir / "ref" / "icd10cm_codes.parquet")
    # THEN it has the documented columns and one row per code of the package's list
    assert table.schema == ICD10CM_SCHEMA
    sets = icd10cm.code_sets()
    assert table.num_rows == len(sets.all_codes) == summary["icd10cm"]["rows"]
    codes = table.column("icd10cm_code").to_pylist()
    billable = table.filter(table.column("is_billable")).column("icd10cm_code").to_pylist()
    assert set(codes) == sets.all_codes and set(billable) == sets.billable_codes
    # AND the version is the package's, the fiscal year the XML's
    version = importlib.metadata.version("simple-icd-10-cm")
    assert set(table.column("source_version").to_pylist()) == {version}
    assert set(table.column("source").to_pylist()) == {"simple-icd-10-cm"}
    assert set(table.column("fiscal_year").to_pylist()) == {2026}
    assert summary["icd10cm"]["source_version"] == version


def test_icd10cm_rows_carry_dots_descriptions_and_chapters(built):
    data_dir, _ = built
    rows = {
        r["icd10cm_code"]: r
        for r in pq.read_table(
            data_dir / "ref" / "icd10cm_codes.parquet",
            filters=[("icd10cm_code", "in", ["U071", "E11", "S0000XA"])],
        ).to_pylist()
    }
    assert rows["U071"]["icd10cm_code_dotted"] == "U07.1" and rows["U071"]["is_billable"]
    assert rows["U071"]["chapter"] == "22" and rows["U071"]["description"] == "COVID-19"
    assert rows["E11"]["is_billable"] is False and rows["E11"]["chapter"] == "4"
    assert rows["S0000XA"]["icd10cm_code_dotted"] == "S00.00XA"
    assert rows["S0000XA"]["chapter_description"].startswith("Injury, poisoning")


def test_versions_table_lists_every_code_set(built):
    data_dir, summary = built
    versions = pq.read_table(data_dir / "ref" / "codeset_versions.parquet")
    assert versions.schema == VERSIONS_SCHEMA
    by_set = {row["codeset"]: row for row in versions.to_pylist()}
    assert set(by_set) == {"icd10cm", *SEED_NAMES}
    assert by_set["icd10cm"]["version"] == importlib.metadata.version("simple-icd-10-cm")
    assert by_set["icd10cm"]["row_count"] == summary["icd10cm"]["rows"]
    assert by_set["ref_carc_codes"]["row_count"] >= 100
    assert all(row["built_at"] is not None for row in by_set.values())


def test_second_build_skips_and_leaves_files_untouched(built):
    # GIVEN the built directory WHEN built again
    data_dir, _ = built
    ref = data_dir / "ref"
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in ref.glob("*.parquet")}
    summary = build_codesets(data_dir)
    # THEN nothing is rebuilt or rewritten
    assert summary["icd10cm"]["skipped"] is True
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in ref.glob("*.parquet")} == before


def test_a_different_recorded_version_triggers_a_rebuild(tmp_path, built):
    # GIVEN a ref directory whose versions table records another package version
    data_dir, _ = built
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "icd10cm_codes.parquet").write_bytes(
        (data_dir / "ref" / "icd10cm_codes.parquet").read_bytes()
    )
    versions = pq.read_table(data_dir / "ref" / "codeset_versions.parquet").to_pylist()
    for row in versions:
        if row["codeset"] == "icd10cm":
            row["version"] = "0.0.1"
    pq.write_table(
        pa.Table.from_pylist(versions, schema=VERSIONS_SCHEMA), ref / "codeset_versions.parquet"
    )
    # WHEN built THEN the ICD-10-CM table is rebuilt and the version corrected
    summary = build_codesets(tmp_path)
    assert summary["icd10cm"]["skipped"] is False
    recorded = {
        r["codeset"]: r["version"]
        for r in pq.read_table(ref / "codeset_versions.parquet").to_pylist()
    }
    assert recorded["icd10cm"] == importlib.metadata.version("simple-icd-10-cm")
