"""837P/837I flattener on the public samples (figures checked by hand) and on loop-context edge cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest

from transforms.harness.x12_synth import interchange
from transforms.raw_schema import RAW_TABLES, X837_TABLES
from transforms.x12.constants import Rule
from transforms.x12.inspect import inspect_file
from transforms.x12.reader import TransactionResult, X12Reader

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12" / "837"
D = Decimal


def rows_of(data: bytes, name: str = "t.837", strict: bool = False) -> dict[str, list]:
    sha = hashlib.sha256(data).hexdigest()
    tables: dict[str, list] = {table: [] for table in X837_TABLES}
    for event in X12Reader(io.BytesIO(data), file_name=name, file_sha256=sha, strict=strict):
        assert isinstance(event, TransactionResult), event
        assert event.error is None, event.error
        for table, rows in event.rows.items():
            tables[table].extend(rows)
    return tables


def sample(name: str, strict: bool = False) -> dict[str, list]:
    return rows_of((FIXTURES / name).read_bytes(), name, strict)


# Hand-checked from each file's text: (claim type, claims, lines, diagnoses, sum CLM02, sum lines)
SAMPLES = {
    "stupidedi__X222A1__commercial-health-insurance.edi": ("837P", 1, 4, 2, "100.00", "100.00"),
    "stupidedi__X222A1__COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi": (
        "837P",
        1,
        3,
        4,
        "79.04",
        "79.04",
    ),
    "stupidedi__X222A1__ambulance.edi": ("837P", 1, 4, 4, "766.50", "766.50"),
    "stupidedi__X222A1__home-infusion-therapy-pharmacy-(adjudicated-with-NDC-in-loop-2410).edi": (
        "837P",
        1,
        6,
        1,
        "2232.93",
        "2232.93",
    ),
    "stupidedi__X223A2__837-institutional-claim.edi": ("837I", 1, 2, 3, "89.93", "89.93"),
    "stupidedi__X223A2__two-claims-for-the-same-provider.edi": (
        "837I",
        2,
        3,
        4,
        "139.95",
        "139.95",
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_837_sample_parses_with_hand_checked_totals(name: str):
    claim_type, claims_n, lines_n, dx_n, billed, line_billed = SAMPLES[name]
    tables = sample(name)
    claims = tables["x837_claims"]
    assert {c.claim_type for c in claims} == {claim_type}
    assert (len(claims), len(tables["x837_claim_lines"]), len(tables["x837_diagnoses"])) == (
        claims_n,
        lines_n,
        dx_n,
    )
    assert sum((c.billed_amount for c in claims), D(0)) == D(billed)
    assert sum((line.billed_amount for line in tables["x837_claim_lines"]), D(0)) == D(line_billed)
    assert all(c.line_billed_total == c.billed_amount for c in claims)
    for table, rows in tables.items():
        assert all(len(row) == len(RAW_TABLES[table]) for row in rows)


def test_professional_claim_fields():
    (claim,) = sample("stupidedi__X222A1__commercial-health-insurance.edi")["x837_claims"]
    assert (
        claim.patient_control_number,
        claim.place_of_service_code,
        claim.facility_code_qualifier,
        claim.claim_frequency_code,
    ) == ("26463774", "11", "B", "1")
    assert (claim.billing_provider_npi, claim.billing_provider_tax_id) == (
        "9876543210",
        "587654321",
    )
    assert (
        claim.payer_id,
        claim.payer_name,
        claim.payer_responsibility_code,
        claim.claim_filing_indicator_code,
    ) == ("999996666", "KEY INSURANCE COMPANY", "P", "CI")
    # the patient (HL 23) has no id of their own: the subscriber's id is used, the patient's DOB/sex
    assert (claim.subscriber_id, claim.patient_id) == ("JS00111223333", "JS00111223333")
    assert (claim.patient_birth_date, claim.patient_sex) == (dt.date(1973, 5, 1), "M")
    assert (claim.batch_id, claim.submission_date) == ("244579", dt.date(2006, 10, 15))


def test_lines_pointers_dates_and_control_numbers():
    tables = sample("stupidedi__X222A1__ambulance.edi")
    first = tables["x837_claim_lines"][0]
    assert (first.line_number, first.service_segment, first.procedure_code, first.modifier_1) == (
        1,
        "SV1",
        "A0427",
        "RH",
    )
    assert (first.diagnosis_pointer_1, first.diagnosis_pointer_4) == (1, 4)
    assert (first.units, first.unit_basis_code, first.line_item_control_number) == (
        D("1.00"),
        "UN",
        "1001",
    )
    assert first.place_of_service_code == "41"  # SV105 empty: the claim's CLM05-1
    assert first.service_date == dt.date(2005, 2, 8)
    dx = [
        (d.diagnosis_sequence, d.code_qualifier, d.diagnosis_code) for d in tables["x837_diagnoses"]
    ]
    assert dx == [(1, "BK", "8628"), (2, "BF", "E8888"), (3, "BF", "9592"), (4, "BF", "8540")]


def test_cob_loops_do_not_overwrite_the_claims_own_parties():
    # GIVEN the COB sample: 2320/2330 loops name another subscriber, payer and provider
    (claim,) = sample("stupidedi__X222A1__COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi")[
        "x837_claims"
    ]
    # THEN the claim keeps its own subscriber, payer and rendering provider (2310B)
    assert (claim.subscriber_id, claim.payer_id, claim.payer_responsibility_code) == (
        "22233444",
        "567890",
        "S",
    )
    assert claim.rendering_provider_npi == "1999996666"


def test_institutional_claim_statement_period_and_revenue_codes():
    tables = sample("stupidedi__X223A2__837-institutional-claim.edi")
    (claim,) = tables["x837_claims"]
    assert (claim.place_of_service_code, claim.facility_code_qualifier) == ("14", "A")
    assert (claim.statement_start_date, claim.statement_end_date) == (dt.date(1996, 9, 11),) * 2
    lines = tables["x837_claim_lines"]
    assert [(x.service_segment, x.revenue_code, x.procedure_code, x.units) for x in lines] == [
        ("SV2", "0305", "85025", D("1.00")),
        ("SV2", "0730", "93005", D("3.00")),
    ]
    # HI*BH (occurrence), BE (value), BG (condition) are not diagnoses
    assert [d.code_qualifier for d in tables["x837_diagnoses"]] == ["BK", "BF", "BF"]


def test_line_period_rd8():
    line = sample(
        "stupidedi__X222A1__home-infusion-therapy-pharmacy-(adjudicated-with-NDC-in-loop-2410).edi"
    )["x837_claim_lines"][0]
    assert (line.service_date, line.service_end_date) == (dt.date(2004, 2, 1), dt.date(2004, 2, 7))


def test_imsweb_sample_miscounts_its_envelopes_and_reads_when_counts_are_forgiven():
    name = "imsweb-x12-parser__x12_complex.txt"
    # GIVEN imsweb's x12_complex.txt, whose SE01 (25, 26) and GE01 (1) do not match the file
    # WHEN inspected strictly  THEN both sets are rejected with the SE01 rule (the old rule)
    strict = inspect_file(FIXTURES / name, strict=True)
    assert [(r["rule"], r["element"], r["position"]) for r in strict["rejected"]][:1] == [
        (Rule.SE01_COUNT, "SE01", 149)
    ]
    assert strict["claims"] == 0
    # WHEN read as ingest does  THEN 2 ST, 6 claims, 10 lines, 18 diagnoses, and the findings say why
    summary = inspect_file(FIXTURES / name)
    assert [(f["rule"], f["position"]) for f in summary["findings"]] == [
        (Rule.SE01_COUNT, 149),
        (Rule.SE01_COUNT, 296),
        (Rule.GE01_COUNT, 297),
    ]
    tables = sample(name)
    claims = tables["x837_claims"]
    assert len(claims) == 6 and len(tables["x837_claim_lines"]) == 10
    assert sum((c.billed_amount for c in claims), D(0)) == D("3000.00")
    assert sum((x.billed_amount for x in tables["x837_claim_lines"]), D(0)) == D("124.76")
    # `HI*BK*8901*BF*87200*BF:5559` (qualifier and code as separate elements) reads as 3 codes
    assert [(d.code_qualifier, d.diagnosis_code) for d in tables["x837_diagnoses"][:3]] == [
        ("BK", "8901"),
        ("BF", "87200"),
        ("BF", "5559"),
    ]
    # rendering: 2310B on the first claim; the 2330D NM1*82 after SBR (COB) is ignored
    assert [c.rendering_provider_npi for c in claims[:3]] == ["1223939", None, "1223939"]
    # a line's own 2420A rendering provider wins over the claim's
    assert tables["x837_claim_lines"][2].rendering_provider_npi == "303304"


def test_claim_type_falls_back_to_the_facility_qualifier():
    body = [
        ["BHT", "0019", "00", "B1", "20260110", "1200", "CH"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "85", "2", "CLINIC", "", "", "", "", "XX", "1234567893"],
        ["HL", "2", "1", "22", "0"],
        ["SBR", "P", "18", "", "", "", "", "", "", "CI"],
        ["NM1", "IL", "1", "DOE", "JO", "", "", "", "MI", "M1"],
        ["NM1", "PR", "2", "PAYER", "", "", "", "", "PI", "P1"],
        ["CLM", "X1", "30", "", "", ["21", "A", "1"]],
        ["HI", ["ABK", "J189"]],
        ["LX", "1"],
        ["SV2", "0450", ["HC", "99284"], "30", "UN", "1"],
    ]
    (claim,) = rows_of(interchange([body], transaction_type="837", guide="005010X999").encode())[
        "x837_claims"
    ]
    assert claim.claim_type == "837I"
    assert claim.submission_date == dt.date(2026, 1, 10)


def test_line_without_a_service_segment_rejects_the_transaction():
    body = [
        ["HL", "1", "", "20", "1"],
        ["HL", "2", "1", "22", "0"],
        ["CLM", "Y1", "10"],
        ["LX", "1"],
        ["DTP", "472", "D8", "20260101"],
    ]
    (result,) = list(
        X12Reader(
            io.BytesIO(interchange([body], transaction_type="837", guide="005010X222A1").encode()),
            file_name="nosv1.837",
        )
    )
    assert result.error is not None and result.error.rule == Rule.MISSING_SEGMENT
