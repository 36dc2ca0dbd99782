"""835 flattener on the public samples (figures checked by hand from the file text) and on edge cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest

from transforms.harness.x12_synth import Style, interchange, payment_835
from transforms.raw_schema import RAW_TABLES, X835_TABLES
from transforms.x12.constants import Rule
from transforms.x12.reader import TransactionResult, X12Reader

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12" / "835"
D = Decimal


def rows_of(data: bytes, name: str = "t.835") -> dict[str, list]:
    sha = hashlib.sha256(data).hexdigest()
    tables: dict[str, list] = {table: [] for table in X835_TABLES}
    for event in X12Reader(io.BytesIO(data), file_name=name, file_sha256=sha):
        assert isinstance(event, TransactionResult), event
        assert event.error is None, event.error
        for table, rows in event.rows.items():
            tables[table].extend(rows)
    return tables


def sample(name: str) -> dict[str, list]:
    return rows_of((FIXTURES / name).read_bytes(), name)


def total(rows: list, column: str) -> Decimal:
    return sum((getattr(r, column) or D(0) for r in rows), D("0.00"))


# Hand-checked from each file's text: (claims, lines, CAS rows, sum CLP03, sum CLP04, sum CLP05,
# sum CAS, sum PLB, BPR02)
SAMPLES = {
    "stupidedi__X221A1__multiple-claims-single-check.edi": (
        9,
        33,
        39,
        "2819.00",
        "810.80",
        "970.20",
        "2008.20",
        "0.00",
        "810.80",
    ),
    "stupidedi__X221A1__dollars-and-data-sent-together.edi": (
        2,
        0,
        2,
        "226366.97",
        "149998.73",
        "0.00",
        "76368.24",
        "-1.27",
        "150000.00",
    ),
    "stupidedi__X221A1__dollars-and-data-sent-separate.edi": (
        2,
        2,
        5,
        "2000.00",
        "945.00",
        "900.00",
        "1055.00",
        "0.00",
        "945.00",
    ),
    "stupidedi__X221A1__secondary-payments.edi": (
        2,
        2,
        5,
        "11075.14",
        "1222.00",
        "220.00",
        "9853.14",
        "0.00",
        "1222.00",
    ),
    "stupidedi__X221A1__tertiary-payments.edi": (
        1,
        1,
        1,
        "1766.50",
        "187.50",
        "0.00",
        "1579.00",
        "0.00",
        "187.50",
    ),
    "stupidedi__X221A1__era-sample.edi": (
        1,
        5,
        5,
        "226.00",
        "132.00",
        "0.00",
        "94.00",
        "0.00",
        "132.00",
    ),
    "pyx12__835_mult_loops.txt": (1, 3, 3, "915.39", "0.00", "0.00", "915.39", "0.00", "0.00"),
    "edi-835-parser__emedny_sample.txt": (
        3,
        10,
        4,
        "102.50",
        "45.75",
        "0.00",
        "56.75",
        "0.00",
        "45.75",
    ),
    "LinuxForHealth-x12__tertiary-payment.835": (
        1,
        1,
        1,
        "1766.50",
        "187.50",
        "0.00",
        "1579.00",
        "0.00",
        "187.50",
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_835_sample_parses_with_hand_checked_totals(name: str):
    # GIVEN a public 835 sample  WHEN flattened
    tables = sample(name)
    claims_n, lines_n, cas_n, billed, paid, patient, cas, plb, bpr = SAMPLES[name]
    # THEN counts and every money total agree to the cent with the file's text
    assert len(tables["x835_payments"]) == 1
    assert (
        len(tables["x835_claims"]),
        len(tables["x835_service_lines"]),
        len(tables["x835_adjustments"]),
    ) == (claims_n, lines_n, cas_n)
    assert total(tables["x835_claims"], "billed_amount") == D(billed)
    assert total(tables["x835_claims"], "paid_amount") == D(paid)
    assert total(tables["x835_claims"], "patient_responsibility_amount") == D(patient)
    assert total(tables["x835_adjustments"], "adjustment_amount") == D(cas)
    assert total(tables["x835_provider_adjustments"], "provider_adjustment_amount") == D(plb)
    assert tables["x835_payments"][0].payment_amount == D(bpr)
    # and every row has exactly the contract's columns
    for table, rows in tables.items():
        assert all(len(row) == len(RAW_TABLES[table]) for row in rows)


@pytest.mark.parametrize(
    "name", sorted(set(SAMPLES) - {"LinuxForHealth-x12__tertiary-payment.835"})
)
def test_well_formed_samples_balance_at_every_level(name: str):
    tables = sample(name)
    for table in ("x835_payments", "x835_claims", "x835_service_lines"):
        assert all(row.is_balanced and row.balance_difference == 0 for row in tables[table]), table


def test_negative_sample_is_flagged_not_raised():
    # GIVEN LinuxForHealth's tertiary-payment.835 (malformed SVC composite: SVC*HC*24599.00*...)
    tables = sample("LinuxForHealth-x12__tertiary-payment.835")
    (line,) = tables["x835_service_lines"]
    (claim,) = tables["x835_claims"]
    (payment,) = tables["x835_payments"]
    # THEN the line reads SVC02 = 24599.00 and fails line balancing by 24599.00 - 1579.00 - 1766.50
    assert (line.procedure_qualifier, line.procedure_code) == ("HC", None)
    assert line.billed_amount == D("24599.00") and line.paid_amount == D("1766.50")
    assert (line.is_balanced, line.balance_difference) == (False, D("21253.50"))
    # and the claim fails the TR3 line form: sum(SVC03) 1766.50 - 0 claim CAS - CLP04 187.50
    assert (claim.is_balanced, claim.balance_difference) == (False, D("1579.00"))
    # the transaction still balances (BPR02 = CLP04), and the missing BPR16 is just empty
    assert payment.is_balanced and payment.payment_date is None


def test_claim_and_line_fields_of_the_secondary_payment_sample():
    tables = sample("stupidedi__X221A1__secondary-payments.edi")
    first, second = tables["x835_claims"]
    assert (first.patient_control_number, first.claim_status_code) == ("L0004828311", "2")
    assert (first.service_start_date, first.service_end_date) == (
        dt.date(2005, 3, 3),
        dt.date(2005, 3, 4),
    )
    assert first.line_count == 0 and first.claim_adjustment_total == D("9411.64")
    assert second.line_count == 2 and second.line_adjustment_total == D("441.50")
    line = tables["x835_service_lines"][1]
    assert (line.procedure_code, line.modifier_1, line.revenue_code, line.allowed_amount) == (
        "66543",
        "26",
        "220",
        D("500.00"),
    )
    pr_triples = [
        (a.group_code, a.reason_code, a.adjustment_amount)
        for a in tables["x835_adjustments"]
        if a.remit_line_id == line.remit_line_id
    ]
    # CAS*PR*1*150**2*70 is two rows (one per triple), then CAS*CO*42*85
    assert pr_triples == [
        ("PR", "1", D("150.00")),
        ("PR", "2", D("70.00")),
        ("CO", "42", D("85.00")),
    ]


def test_header_fields_ids_and_lineage():
    data = (FIXTURES / "stupidedi__X221A1__dollars-and-data-sent-together.edi").read_bytes()
    prefix = hashlib.sha256(data).hexdigest()[:16]
    tables = sample("stupidedi__X221A1__dollars-and-data-sent-together.edi")
    (payment,) = tables["x835_payments"]
    assert payment.payment_id == f"{prefix}:3"
    assert (
        payment.transaction_handling_code,
        payment.payment_method_code,
        payment.trace_number,
        payment.payer_id,
        payment.payee_id,
        payment.payee_id_qualifier,
    ) == ("C", "ACH", "12345", "999", "6543210903", "XX")
    assert payment.payment_date == dt.date(2002, 9, 13)
    assert payment.production_date == dt.date(2002, 9, 16)
    assert (
        payment.interchange_control_number,
        payment.group_control_number,
        payment.transaction_control_number,
        payment.x12_version,
    ) == ("000010216", "20213", "1234", "005010X221A1")
    (plb,) = tables["x835_provider_adjustments"]
    assert (
        plb.provider_adjustment_reason_code,
        plb.provider_adjustment_reference,
        plb.fiscal_period_date,
    ) == ("CV", "CP", dt.date(2002, 12, 31))
    (remark,) = tables["x835_remarks"]
    assert (remark.source_segment, remark.remark_code, remark.remark_level) == (
        "MOA",
        "MA02",
        "claim",
    )
    claim = tables["x835_claims"][0]
    assert claim.remit_claim_id == f"{prefix}:{claim.segment_position}"
    assert tables["x835_adjustments"][0].adjustment_id == f"{prefix}:17:1"


def test_line_remarks_and_period_dates_of_the_denied_claim_sample():
    tables = sample("pyx12__835_mult_loops.txt")
    (claim,) = tables["x835_claims"]
    assert (claim.claim_status_code, claim.paid_amount) == ("4", D("0.00"))
    assert [(r.remark_qualifier, r.remark_code) for r in tables["x835_remarks"]] == [
        ("HE", "N14")
    ] * 3
    line = tables["x835_service_lines"][0]
    assert (line.service_date, line.service_end_date) == (
        dt.date(2003, 11, 29),
        dt.date(2003, 11, 29),
    )
    assert line.units_paid == D("68.00")


def claim(pcn: str, status: str, billed: str, paid: str, *lines: list) -> list:
    return [["CLP", pcn, status, billed, paid, "", "12", "ICN" + pcn], *lines]


def test_reversal_with_negative_amounts_balances():
    # GIVEN a reversal (CLP02=22, amounts negated) and its corrected payment in one check
    reversal = claim("A1", "22", "-100", "-80", ["CAS", "CO", "45", "-20"])
    corrected = claim("A1", "1", "100", "90", ["CAS", "CO", "45", "10"])
    body = payment_835([reversal, corrected], payment="10")
    tables = rows_of(interchange([body]).encode())
    # THEN both claims and the payment balance, and the net paid is 10.00
    assert [c.claim_status_code for c in tables["x835_claims"]] == ["22", "1"]
    assert all(c.is_balanced for c in tables["x835_claims"])
    assert tables["x835_payments"][0].is_balanced
    assert total(tables["x835_claims"], "paid_amount") == D("10.00")


def test_plb_with_several_pairs_is_one_row_per_pair_and_enters_transaction_balancing():
    # GIVEN BPR02 = 100 - (25.50 + -5.50 + 10) = 70.00
    body = payment_835(
        [claim("B1", "1", "100", "100")],
        payment="70",
        plb=[
            [
                "PLB",
                "1234567893",
                "20261231",
                ["WO", "ABC"],
                "25.50",
                "L6",
                "-5.50",
                ["FB", "X1"],
                "10",
            ]
        ],
    )
    tables = rows_of(interchange([body]).encode())
    pairs = [
        (
            p.provider_adjustment_reason_code,
            p.provider_adjustment_reference,
            p.provider_adjustment_amount,
        )
        for p in tables["x835_provider_adjustments"]
    ]
    assert pairs == [("WO", "ABC", D("25.50")), ("L6", None, D("-5.50")), ("FB", "X1", D("10.00"))]
    (payment,) = tables["x835_payments"]
    assert payment.provider_adjustment_total == D("30.00") and payment.is_balanced
    assert [
        p.provider_adjustment_id.rsplit(":", 1)[1] for p in tables["x835_provider_adjustments"]
    ] == ["1", "2", "3"]


def test_debit_payment_is_negated_for_transaction_balancing():
    body = payment_835([claim("C1", "22", "-50", "-50")], payment="50", credit_debit="D")
    (payment,) = rows_of(interchange([body]).encode())["x835_payments"]
    assert payment.payment_amount == D("50.00") and payment.credit_debit_flag == "D"
    assert payment.is_balanced


def test_unbalanced_transaction_is_flagged_with_its_difference():
    body = payment_835([claim("D1", "1", "100", "60", ["CAS", "CO", "45", "40"])], payment="65")
    (payment,) = rows_of(interchange([body]).encode())["x835_payments"]
    assert (payment.is_balanced, payment.balance_difference) == (False, D("5.00"))


def test_004010_remittance_with_cr_group_and_other_separators():
    # GIVEN a 004010X091A1 interchange with | and > separators and a CR (correction) adjustment
    style = Style(element="|", component=">", terminator="\n", version="00401", repetition=None)
    line = [
        ["SVC", ["HC", "99214"], "120", "100", "", "1"],
        ["DTM", "472", "20040105"],
        ["CAS", "CR", "45", "20"],
    ]
    body = payment_835([claim("E1", "1", "120", "100", *line)], payment="100")
    tables = rows_of(interchange([body], style=style, guide="004010X091A1").encode())
    assert tables["x835_payments"][0].x12_version == "004010X091A1"
    assert tables["x835_adjustments"][0].group_code == "CR"
    assert tables["x835_service_lines"][0].procedure_code == "99214"
    assert all(r.is_balanced for r in tables["x835_claims"] + tables["x835_service_lines"])


@pytest.mark.parametrize(
    ("segments", "rule", "element"),
    [
        ([["CLP", "F1", "1", "12.5X", "10"]], Rule.INVALID_AMOUNT, "CLP03"),
        ([["CLP", "F1", "1", "10.001", "10"]], Rule.INVALID_AMOUNT, "CLP03"),
        ([["CLP", "F1", "1", "10", ""]], Rule.MISSING_ELEMENT, "CLP04"),
        ([["SVC", ["HC", "1"], "1", "1"]], Rule.SEGMENT_OUT_OF_PLACE, None),
    ],
    ids=["letters", "three-decimals", "missing-paid", "svc-without-clp"],
)
def test_unreadable_segments_reject_the_transaction_with_a_named_element(segments, rule, element):
    body = payment_835([segments], payment="10")
    good = payment_835([claim("G1", "1", "10", "10")], payment="10")
    events = list(X12Reader(io.BytesIO(interchange([body, good]).encode()), file_name="bad.835"))
    bad_result, good_result = events
    assert bad_result.error is not None
    assert (bad_result.error.rule, bad_result.error.element) == (rule, element)
    assert bad_result.error.file == "bad.835" and bad_result.error.position is not None
    assert good_result.ok


def test_a_bad_date_is_a_finding_and_the_claim_loads():
    # GIVEN a claim whose service-start date is not a calendar date (month 13)
    body = payment_835([[["CLP", "F1", "1", "10", "10"], ["DTM", "232", "20261399"]]], payment="10")
    (result,) = list(X12Reader(io.BytesIO(interchange([body]).encode()), file_name="date.835"))
    # THEN the payment and its claim load, the date reads as null, and a finding names DTM02
    assert result.ok and result.rows["x835_claims"][0].paid_amount == 10
    assert result.rows["x835_claims"][0].service_start_date is None
    assert [(f.rule, f.element, f.segment_id, f.scope) for f in result.findings] == [
        (Rule.INVALID_DATE, "DTM02", "DTM", "value")
    ]


def test_missing_bpr_rejects_the_transaction():
    body = [["TRN", "1", "X", "1"], ["LX", "1"], ["CLP", "H1", "1", "1", "1"]]
    (result,) = list(X12Reader(io.BytesIO(interchange([body]).encode()), file_name="nobpr.835"))
    assert result.error is not None and result.error.rule == Rule.MISSING_SEGMENT
