"""`ingest` and the optional patient-payments extract (landing/patient_payments/*.csv).

GIVEN patient-payments files next to (or without) the other feeds
WHEN `ingest` runs (once, twice)
THEN good rows load as DECIMAL money with their lineage, malformed rows are quarantined with file,
line, column and rule, a rerun loads nothing twice, and a night without the extract is as before.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from transforms.contracts import PATIENT_PAYMENT_COLUMN_NAMES
from transforms.ingest import arrow_schema, ingest
from transforms.raw.contract import RAW_TABLES

HEADER = ",".join(PATIENT_PAYMENT_COLUMN_NAMES) + "\n"
GOOD = (
    HEADER + "PP1-1,1861854317,PCN00000001,2026-03-02,49.18,payment,card\n"
    "PP2-1,1861854317,PCN00000002,2026-03-02,120.00,payment,\n"
    "PP1-2,1861854317,PCN00000001,2026-03-20,-10.05,refund,check\n"
)


def land(data_dir: Path, name: str, text: str) -> Path:
    path = data_dir / "landing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def raw_rows(data_dir: Path, table: str = "patient_payments") -> list[dict]:
    rows = []
    for path in sorted((data_dir / "raw" / table).glob("*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def quarantine(data_dir: Path) -> list[dict]:
    rows = []
    for path in sorted((data_dir / "raw" / "quarantine_records").glob("2*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def test_good_extract_loads_with_decimal_money_and_lineage(tmp_path):
    land(tmp_path, "patient_payments/patient_payments_20260320.csv", GOOD)
    # WHEN ingested
    result = ingest(tmp_path)
    (item,) = result["files"]
    # THEN it is a patient-payments file, every row loaded
    assert (item["file_kind"], item["status"], item["units_in"], item["units_loaded"]) == (
        "patient_payments",
        "loaded",
        3,
        3,
    )
    assert item["row_counts"] == {"patient_payments": 3}
    rows = raw_rows(tmp_path)
    # AND the raw table has the contract's columns and exact DECIMAL amounts
    assert pq.read_schema(
        tmp_path / "raw" / "patient_payments" / f"{item['file_sha256']}.parquet"
    ).equals(arrow_schema("patient_payments"), check_metadata=False)
    assert [name for name, _ in RAW_TABLES["patient_payments"]][1:8] == list(
        PATIENT_PAYMENT_COLUMN_NAMES
    )
    assert [r["amount"] for r in rows] == [Decimal("49.18"), Decimal("120.00"), Decimal("-10.05")]
    assert [r["method"] for r in rows] == ["card", None, "check"]
    assert [r["source_line_number"] for r in rows] == [2, 3, 4]
    assert rows[0]["patient_payment_row_id"] == f"{item['file_sha256'][:16]}:2"
    assert {r["file_name"] for r in rows} == {"patient_payments/patient_payments_20260320.csv"}


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("PPX,1861854317,PCN9,2026-03-02,12.345,payment,card", "amount", "not_a_decimal"),
        ("PPX,1861854317,PCN9,2026-03-02,1e3,payment,card", "amount", "not_a_decimal"),
        ("PPX,1861854317,PCN9,2026-03-02,,payment,card", "amount", "required_missing"),
        ("PPX,1861854317,PCN9,03/02/2026,12.00,payment,card", "payment_date", "not_a_date"),
        ("PPX,1861854317,,2026-03-02,12.00,payment,card", "claim_id", "required_missing"),
        ("PPX,1861854317,PCN9,2026-03-02,12.00,gift,card", "payment_kind", "not_in_value_set"),
        ("PPX,1861854317,PCN9,2026-03-02,12.00,payment,bitcoin", "method", "not_in_value_set"),
        ("PPX,1861854317,PCN9,2026-03-02,-12.00,payment,card", "amount", "amount_sign_mismatch"),
        ("PPX,1861854317,PCN9,2026-03-02,12.00,refund,card", "amount", "amount_sign_mismatch"),
    ],
)
def test_malformed_row_is_quarantined_with_its_reason_and_the_rest_loads(
    tmp_path, row, column, rule
):
    land(tmp_path, "patient_payments/pp.csv", GOOD + row + "\n")
    # WHEN ingested
    result = ingest(tmp_path)
    (item,) = result["files"]
    # THEN the three good rows load, the bad one is quarantined: file, line 5, column, rule
    assert (item["status"], item["units_in"], item["units_loaded"], item["units_quarantined"]) == (
        "partially_quarantined",
        4,
        3,
        1,
    )
    assert len(raw_rows(tmp_path)) == 3
    (record,) = quarantine(tmp_path)
    assert (record["file_name"], record["unit"], record["position"]) == (
        "patient_payments/pp.csv",
        "row",
        5,
    )
    assert (record["column_name"], record["rule"]) == (column, rule)
    assert record["message"].startswith("patient_payments/pp.csv line 5: ")
    assert "PCN9" not in record["message"]
    # AND the rejected bytes are kept with a JSON reason
    reasons = list((tmp_path / "quarantine").rglob("reason.json"))
    assert reasons and json.loads(reasons[0].read_text())


def test_wrong_header_rejects_the_file(tmp_path):
    land(tmp_path, "patient_payments/pp.csv", "payment_id,claim_id,amount\nPP1,PCN1,10.00\n")
    (item,) = ingest(tmp_path)["files"]
    assert (item["status"], item["units_quarantined"]) == ("quarantined", 1)
    assert item["quarantine_rules"] == ["header_missing_columns"]
    assert raw_rows(tmp_path) == []


def test_rerun_and_redelivery_never_duplicate(tmp_path):
    land(tmp_path, "patient_payments/patient_payments_20260320.csv", GOOD)
    first = ingest(tmp_path)
    # WHEN run again, and when the same bytes land again under another name
    again = ingest(tmp_path)
    land(tmp_path, "patient_payments/resent.csv", GOOD)
    resent = ingest(tmp_path)
    # THEN nothing new is loaded: the rerun skips the known file, the copy is a duplicate
    assert first["totals"]["loaded"] == 3
    assert again["files"] == [] and again["totals"]["files_already_known"] == 1
    (copy,) = resent["files"]
    assert (copy["status"], copy["duplicate_of"], copy["units_duplicate"]) == (
        "duplicate",
        "patient_payments/patient_payments_20260320.csv",
        3,
    )
    assert len(raw_rows(tmp_path)) == 3


def test_a_night_without_the_extract_is_as_before(tmp_path):
    # GIVEN a generated practice's encounter, 837 and 835 files, and no patient-payments extract
    import datetime as dt
    import shutil

    from transforms.generate import generate

    generate(out=tmp_path, claims=60, start=dt.date(2026, 3, 1), days=10, seed=2)
    shutil.rmtree(tmp_path / "landing" / "patient_payments")
    shutil.rmtree(tmp_path / "ground_truth")
    # WHEN ingested
    result = ingest(tmp_path)
    # THEN every file loads as before, nothing is quarantined
    kinds = {item["file_kind"] for item in result["files"]}
    assert kinds == {"encounters", "837", "835"}
    assert result["totals"]["quarantined"] == 0 and result["totals"]["files_duplicate"] == 1
    assert set(result["totals"]["rows_written"]) >= {
        "encounter_lines",
        "x837_claims",
        "x835_claims",
    }
    assert "patient_payments" not in result["totals"]["rows_written"]
    # AND the patient-payments table is only its zero-row schema (dbt's glob still matches)
    folder = tmp_path / "raw" / "patient_payments"
    assert [p.name for p in folder.glob("*.parquet")] == ["_schema.parquet"]
    assert pq.read_schema(folder / "_schema.parquet").equals(
        arrow_schema("patient_payments"), check_metadata=False
    )


def test_extract_outside_its_folder_or_with_another_suffix_is_unknown(tmp_path):
    land(tmp_path, "payments/pp.csv", GOOD)
    land(tmp_path, "patient_payments/pp.txt", GOOD)
    kinds = {item["file_name"]: item["file_kind"] for item in ingest(tmp_path)["files"]}
    assert kinds == {"payments/pp.csv": "unknown", "patient_payments/pp.txt": "unknown"}
    assert raw_rows(tmp_path) == []


def test_readme_documents_every_patient_payment_column():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme[readme.index("### Patient-payments extract") :]
    missing = [c for c in PATIENT_PAYMENT_COLUMN_NAMES if f"| `{c}` |" not in section]
    assert not missing, missing
