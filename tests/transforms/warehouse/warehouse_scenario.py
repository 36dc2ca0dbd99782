"""A small hand-built raw data set whose measures were computed by hand (see test_build.py).

Payers: ACME01 (commercial, CI) and MCD01 (Medicaid, MC). As-of date 2026-03-31.

claim  submitted   payer   lines (charge)                  remittances (payment date)
C1     2026-01-05  ACME01  99213 100                       PA1 01-20: paid 80, CO-45 20                -> paid
C2     2026-01-05  ACME01  99214 150, 93000 50             PA1 01-20: line 1 paid 120 (CO-45 30),
                                                           line 2 paid 0 (CO-97 50, coding denial;
                                                           no REF*6R echo)                             -> partially_paid
C3     2026-01-10  ACME01  99215 200                       PA1 01-20: paid 0, CO-50 200 (clinical)
                                                           PA2 02-15: paid 150, CO-45 50               -> denied, overturned, paid
C4     2026-01-12  MCD01   99203 120                       PB1 01-22: paid 0, PR-1 120 (deductible)    -> patient_responsibility
C5     2026-01-15  ACME01  99212 90                        PA1 01-20: paid 70, CO-45 20
                                                           PA2 02-15: reversal -70 (CO-45 -20),
                                                           corrected paid 60 (CO-45 30)                -> paid (net 60)
C6     2026-02-20  ACME01  99213 110                       PA3 04-05 (after as-of: not counted)        -> open
C7     2025-11-15  ACME01  99211 75                        none                                        -> open
C8     never billed (coded only)
C9     2026-02-01  ACME01  99213 60                        PA2 02-15: paid 60; PA4 03-10: reversal -60 -> reversed
C10    2026-02-01  ACME01  99214 80                        PA2 02-15: paid 0, claim-level CO-16 80     -> denied
X999   not submitted (orphan remittance)                   PA2 02-15: paid 50                          -> paid
C1'    another practice's claim reusing the patient control number C1: PO1 01-25, paid 500 of 600,
       payee NPI 9876543213 / TIN 987654321 (not ours), its line echoing C1's REF*6R C1-L1
                                                           -> a claim of its own, unmatched

Payees: every 835 names our practice (N1*PE XX = our billing NPI + REF*TJ = our TIN) except PB1,
which names it by tax id only (N1*PE FI), and PO1, the other practice. Claims are keyed
'NPI:<billing npi>|<patient control number>' (claim_key()).

PA1 is delivered twice: a second file (different bytes) carries the same trace number, payer and
amount (PA1B) and must count once. Quality: C2 line 2's coded line failed a coding check; C3's 837
claim failed a billing check (recorded without claim_id, located through its row key).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from warehouse_raw import raw_row, write_icd10cm, write_raw

from transforms.ingest import ensure_raw_layout

AS_OF = dt.date(2026, 3, 31)
D = dt.date.fromisoformat
BILLING_NPI = "1234567893"
BILLING_TIN = "123456789"
OTHER_NPI, OTHER_TIN = "9876543213", "987654321"  # another practice, paid by the same payer
R1, R2 = "1111111112", "2222222228"
PAYERS = {"ACME01": ("ACME HEALTH", "CI"), "MCD01": ("STATE MEDICAID", "MC")}


def sha(tag: str) -> str:
    return (tag * 64)[:64]


FILES_835 = {
    "PA1": ("remits/pa1.835", sha("a1")),
    "PA1B": ("remits/pa1_resent.835", sha("b2")),
    "PB1": ("remits/pb1.835", sha("c3")),
    "PA2": ("remits/pa2.835", sha("d4")),
    "PA4": ("remits/pa4.835", sha("e5")),
    "PA3": ("remits/pa3.835", sha("f6")),
    "PO1": ("remits/other_practice.835", sha("a7")),
}
FILE_837 = ("claims/batch1.837", sha("17"))
FILE_837_OLD = ("claims/batch0.837", sha("18"))
ENCOUNTER_FILES = {
    "enc1": ("encounters/enc_1.csv", sha("91")),
    "enc2": ("encounters/enc_2.csv", sha("92")),
    "enc3": ("encounters/enc_3.csv", sha("93")),
}


class Remits:
    """Collects the 835 rows of one payment; positions keep row ids unique within the file."""

    def __init__(
        self,
        key: str,
        payer_id: str,
        trace: str,
        paid_on: dt.date,
        payee: tuple[str, str, str | None, str | None] | None = None,
    ) -> None:
        self.key, self.payer_id, self.trace, self.paid_on = key, payer_id, trace, paid_on
        # (N103 qualifier, N104 id, payee NPI, payee TIN): by default our NPI + REF*TJ our TIN
        self.payee = payee or ("XX", BILLING_NPI, BILLING_NPI, BILLING_TIN)
        self.file_name, self.file_sha = FILES_835[key]
        self.position = 10
        self.rows: dict[str, list[dict[str, Any]]] = {
            t: []
            for t in (
                "x835_payments",
                "x835_claims",
                "x835_service_lines",
                "x835_adjustments",
                "x835_provider_adjustments",
                "x835_remarks",
            )
        }
        self.payment_id = f"{self.file_sha[:16]}:3"

    def _lineage(self) -> dict[str, Any]:
        self.position += 1
        return {
            "file_name": self.file_name,
            "file_sha256": self.file_sha,
            "interchange_control_number": "000000001",
            "group_control_number": "1",
            "transaction_control_number": "0001",
            "segment_position": self.position,
        }

    def _id(self, lineage: dict[str, Any]) -> str:
        return f"{self.file_sha[:16]}:{lineage['segment_position']}"

    def claim(
        self,
        pcn: str,
        status: str,
        billed: str,
        paid: str,
        pr: str = "0",
        lines: list[dict[str, Any]] | tuple = (),
        cas: list[tuple[str, str, str]] | tuple = (),
        remarks: tuple[str, ...] = (),
    ) -> None:
        lineage = self._lineage()
        claim_id = self._id(lineage)
        self.rows["x835_claims"].append(
            raw_row(
                "x835_claims",
                remit_claim_id=claim_id,
                payment_id=self.payment_id,
                **lineage,
                patient_control_number=pcn,
                claim_status_code=status,
                billed_amount=billed,
                paid_amount=paid,
                patient_responsibility_amount=pr,
                claim_filing_indicator_code="CI",
                payer_claim_control_number=f"PCC-{pcn}",
                rendering_provider_npi=R1,
                line_count=len(lines),
                balance_difference="0",
                is_balanced=True,
            )
        )
        for group, reason, amount in cas:
            self._cas(claim_id, None, "claim", group, reason, amount)
        for code in remarks:
            self.rows["x835_remarks"].append(
                raw_row(
                    "x835_remarks",
                    remark_id=f"{claim_id}:r{code}",
                    payment_id=self.payment_id,
                    remit_claim_id=claim_id,
                    **self._lineage(),
                    remark_level="claim",
                    source_segment="MOA",
                    remark_code=code,
                )
            )
        for sequence, line in enumerate(lines, start=1):
            line_lineage = self._lineage()
            line_id = self._id(line_lineage)
            self.rows["x835_service_lines"].append(
                raw_row(
                    "x835_service_lines",
                    remit_line_id=line_id,
                    remit_claim_id=claim_id,
                    payment_id=self.payment_id,
                    **line_lineage,
                    line_sequence=sequence,
                    procedure_qualifier="HC",
                    procedure_code=line["code"],
                    billed_amount=line["billed"],
                    paid_amount=line["paid"],
                    service_date=line["date"],
                    service_end_date=line["date"],
                    line_item_control_number=line.get("lic"),
                    balance_difference="0",
                    is_balanced=True,
                )
            )
            for group, reason, amount in line.get("cas", ()):
                self._cas(claim_id, line_id, "line", group, reason, amount)
            for code in line.get("remarks", ()):
                self.rows["x835_remarks"].append(
                    raw_row(
                        "x835_remarks",
                        remark_id=f"{line_id}:r{code}",
                        payment_id=self.payment_id,
                        remit_claim_id=claim_id,
                        remit_line_id=line_id,
                        **self._lineage(),
                        remark_level="line",
                        source_segment="LQ",
                        remark_qualifier="HE",
                        remark_code=code,
                    )
                )

    def _cas(
        self, claim_id: str, line_id: str | None, level: str, group: str, reason: str, amount: str
    ) -> None:
        lineage = self._lineage()
        self.rows["x835_adjustments"].append(
            raw_row(
                "x835_adjustments",
                adjustment_id=self._id(lineage),
                payment_id=self.payment_id,
                remit_claim_id=claim_id,
                remit_line_id=line_id,
                **lineage,
                adjustment_level=level,
                group_code=group,
                reason_code=reason,
                adjustment_amount=amount,
            )
        )

    def plb(self, reason: str, amount: str) -> None:
        lineage = self._lineage()
        self.rows["x835_provider_adjustments"].append(
            raw_row(
                "x835_provider_adjustments",
                provider_adjustment_id=self._id(lineage),
                payment_id=self.payment_id,
                **lineage,
                provider_id=BILLING_NPI,
                fiscal_period_date=D("2026-12-31"),
                provider_adjustment_reason_code=reason,
                provider_adjustment_amount=amount,
            )
        )

    def payment(self, amount: str, claim_paid_total: str, plb_total: str = "0") -> None:
        self.rows["x835_payments"].append(
            raw_row(
                "x835_payments",
                payment_id=self.payment_id,
                file_name=self.file_name,
                file_sha256=self.file_sha,
                interchange_control_number="000000001",
                group_control_number="1",
                transaction_control_number="0001",
                segment_position=3,
                x12_version="005010X221A1",
                transaction_handling_code="I",
                payment_amount=amount,
                credit_debit_flag="C",
                payment_method_code="ACH" if amount != "0" else "NON",
                payment_date=self.paid_on,
                trace_number=self.trace,
                payer_id=self.payer_id,
                payer_name=PAYERS[self.payer_id][0],
                payee_id=self.payee[1],
                payee_id_qualifier=self.payee[0],
                payee_name="TEST CLINIC",
                payee_npi=self.payee[2],
                payee_tax_id=self.payee[3],
                production_date=self.paid_on,
                claim_count=len(self.rows["x835_claims"]),
                claim_paid_total=claim_paid_total,
                provider_adjustment_total=plb_total,
                balance_difference="0",
                is_balanced=True,
            )
        )


def line(code: str, billed: str, paid: str, date: str, lic: str | None, cas=(), remarks=()) -> dict:
    return {
        "code": code,
        "billed": billed,
        "paid": paid,
        "date": D(date),
        "lic": lic,
        "cas": cas,
        "remarks": remarks,
    }


def remittances() -> list[Remits]:
    def pa1(key: str) -> Remits:
        r = Remits(key, "ACME01", "TRN-1", D("2026-01-20"))
        r.claim(
            "C1",
            "1",
            "100",
            "80",
            lines=[line("99213", "100", "80", "2026-01-03", "C1-L1", [("CO", "45", "20")])],
        )
        r.claim(
            "C2",
            "1",
            "200",
            "120",
            lines=[
                line("99214", "150", "120", "2026-01-03", "C2-L1", [("CO", "45", "30")]),
                line("93000", "50", "0", "2026-01-03", None, [("CO", "97", "50")], ("M80",)),
            ],
        )
        r.claim(
            "C3",
            "1",
            "200",
            "0",
            lines=[
                line("99215", "200", "0", "2026-01-08", "C3-L1", [("CO", "50", "200")], ("N115",))
            ],
        )
        r.claim(
            "C5",
            "1",
            "90",
            "70",
            lines=[line("99212", "90", "70", "2026-01-14", "C5-L1", [("CO", "45", "20")])],
        )
        r.plb("L6", "-5")
        r.payment("275", "270", "-5")
        return r

    # PB1 names the payee by tax id only (N1*PE*..*FI): matched to our claims by TIN
    pb1 = Remits(
        "PB1", "MCD01", "TRN-B1", D("2026-01-22"), payee=("FI", BILLING_TIN, None, BILLING_TIN)
    )
    pb1.claim(
        "C4",
        "1",
        "120",
        "0",
        pr="120",
        lines=[line("99203", "120", "0", "2026-01-09", "C4-L1", [("PR", "1", "120")])],
    )
    pb1.payment("0", "0")

    pa2 = Remits("PA2", "ACME01", "TRN-2", D("2026-02-15"))
    pa2.claim(
        "C3",
        "1",
        "200",
        "150",
        lines=[line("99215", "200", "150", "2026-01-08", "C3-L1", [("CO", "45", "50")])],
    )
    pa2.claim(
        "C5",
        "22",
        "-90",
        "-70",
        lines=[line("99212", "-90", "-70", "2026-01-14", "C5-L1", [("CO", "45", "-20")])],
    )
    pa2.claim(
        "C5",
        "1",
        "90",
        "60",
        lines=[line("99212", "90", "60", "2026-01-14", "C5-L1", [("CO", "45", "30")])],
    )
    pa2.claim("X999", "1", "50", "50", lines=[line("99213", "50", "50", "2026-02-01", None)])
    pa2.claim("C9", "1", "60", "60", lines=[line("99213", "60", "60", "2026-01-30", "C9-L1")])
    pa2.claim("C10", "1", "80", "0", cas=[("CO", "16", "80")], remarks=("MA130",))
    pa2.payment("250", "250")

    pa4 = Remits("PA4", "ACME01", "TRN-4", D("2026-03-10"))
    pa4.claim("C9", "22", "-60", "-60", lines=[line("99213", "-60", "-60", "2026-01-30", "C9-L1")])
    pa4.plb("FB", "-60")
    pa4.payment("0", "-60", "-60")

    pa3 = Remits("PA3", "ACME01", "TRN-3", D("2026-04-05"))
    pa3.claim(
        "C6",
        "1",
        "110",
        "100",
        lines=[line("99213", "110", "100", "2026-02-18", "C6-L1", [("CO", "45", "10")])],
    )
    pa3.payment("100", "100")

    # another practice's remittance from the same payer reusing the patient control number C1
    po1 = Remits(
        "PO1", "ACME01", "TRN-O1", D("2026-01-25"), payee=("XX", OTHER_NPI, OTHER_NPI, OTHER_TIN)
    )
    po1.claim(
        "C1",
        "1",
        "600",
        "500",
        lines=[line("99215", "600", "500", "2026-01-03", "C1-L1", [("CO", "45", "100")])],
    )
    po1.payment("500", "500")

    return [pa1("PA1"), pa1("PA1B"), pb1, pa2, pa4, pa3, po1]


# claim -> (submitted, payer, file, [(code, charge, service date, lic, rendering)])
CLAIMS_837: dict[str, tuple[str, str, tuple[str, str], list[tuple[str, str, str, str, str]]]] = {
    "C1": ("2026-01-05", "ACME01", FILE_837, [("99213", "100", "2026-01-03", "C1-L1", R1)]),
    "C2": (
        "2026-01-05",
        "ACME01",
        FILE_837,
        [("99214", "150", "2026-01-03", "C2-L1", R1), ("93000", "50", "2026-01-03", "C2-L2", R1)],
    ),
    "C3": ("2026-01-10", "ACME01", FILE_837, [("99215", "200", "2026-01-08", "C3-L1", R2)]),
    "C4": ("2026-01-12", "MCD01", FILE_837, [("99203", "120", "2026-01-09", "C4-L1", R1)]),
    "C5": ("2026-01-15", "ACME01", FILE_837, [("99212", "90", "2026-01-14", "C5-L1", R1)]),
    "C6": ("2026-02-20", "ACME01", FILE_837, [("99213", "110", "2026-02-18", "C6-L1", R1)]),
    "C7": ("2025-11-15", "ACME01", FILE_837_OLD, [("99211", "75", "2025-11-14", "C7-L1", R1)]),
    "C9": ("2026-02-01", "ACME01", FILE_837, [("99213", "60", "2026-01-30", "C9-L1", R1)]),
    "C10": ("2026-02-01", "ACME01", FILE_837, [("99214", "80", "2026-01-30", "C10-L1", R2)]),
}


def claim_key(pcn: str, npi: str = BILLING_NPI) -> str:
    """The warehouse's claim_id: billing provider key + patient control number."""
    return f"NPI:{npi}|{pcn}"


def claim_submission_id(pcn: str) -> str:
    file_sha = CLAIMS_837[pcn][2][1]
    return f"{file_sha[:16]}:{100 * list(CLAIMS_837).index(pcn) + 10}"


def _lineage_837(file_name: str, file_sha: str, position: int) -> dict[str, Any]:
    return {
        "file_name": file_name,
        "file_sha256": file_sha,
        "interchange_control_number": "000000002",
        "group_control_number": "2",
        "transaction_control_number": "0001",
        "segment_position": position,
    }


def claims_837() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {
        "x837_claims": [],
        "x837_claim_lines": [],
        "x837_diagnoses": [],
    }
    for pcn, (submitted, payer, (file_name, file_sha), lines) in CLAIMS_837.items():
        submission_id = claim_submission_id(pcn)
        base = int(submission_id.split(":")[1])

        total = sum(int(charge) for _, charge, _, _, _ in lines)
        rows["x837_claims"].append(
            raw_row(
                "x837_claims",
                claim_submission_id=submission_id,
                **_lineage_837(file_name, file_sha, base),
                x12_version="005010X222A1",
                claim_type="837P",
                batch_id="B1",
                submission_date=D(submitted),
                billing_provider_npi=BILLING_NPI,
                billing_provider_tax_id=BILLING_TIN,
                payer_responsibility_code="P",
                claim_filing_indicator_code=PAYERS[payer][1],
                payer_id=payer,
                payer_name=PAYERS[payer][0],
                subscriber_id=f"SUB-{pcn}",
                patient_id=f"PAT-{pcn}",
                patient_birth_date=D("1970-01-01"),
                patient_sex="F",
                patient_control_number=pcn,
                billed_amount=str(total),
                place_of_service_code="11",
                facility_code_qualifier="B",
                claim_frequency_code="1",
                rendering_provider_npi=lines[0][4],
                line_count=len(lines),
                line_billed_total=str(total),
            )
        )
        rows["x837_diagnoses"].append(
            raw_row(
                "x837_diagnoses",
                claim_diagnosis_id=f"{submission_id}:d1",
                claim_submission_id=submission_id,
                **_lineage_837(file_name, file_sha, base + 1),
                patient_control_number=pcn,
                diagnosis_sequence=1,
                code_qualifier="ABK",
                diagnosis_code="I10",
            )
        )
        for number, (code, charge, served, lic, npi) in enumerate(lines, start=1):
            rows["x837_claim_lines"].append(
                raw_row(
                    "x837_claim_lines",
                    claim_line_id=f"{file_sha[:16]}:{base + 10 * number}",
                    claim_submission_id=submission_id,
                    **_lineage_837(file_name, file_sha, base + 10 * number),
                    patient_control_number=pcn,
                    line_number=number,
                    service_segment="SV1",
                    procedure_qualifier="HC",
                    procedure_code=code,
                    billed_amount=charge,
                    unit_basis_code="UN",
                    units="1",
                    place_of_service_code="11",
                    diagnosis_pointer_1=1,
                    service_date=D(served),
                    service_end_date=D(served),
                    line_item_control_number=lic,
                    rendering_provider_npi=npi,
                )
            )
    return rows


CODERS = {
    "C1": "CODER-A",
    "C2": "CODER-A",
    "C3": "CODER-B",
    "C4": "CODER-B",
    "C5": "CODER-A",
    "C6": "CODER-B",
    "C7": "CODER-B",
    "C8": "CODER-A",
    "C9": "CODER-A",
    "C10": "CODER-B",
}


def encounter_line_id(file_key: str, source_line: int) -> str:
    return f"{ENCOUNTER_FILES[file_key][1][:16]}:{source_line}"


def encounters() -> list[dict[str, Any]]:
    """Coded lines: one delivery per claim line, C2 line 2 re-coded, C1 re-coded after the as-of."""
    coded = []
    for pcn, (_, payer, _, lines) in CLAIMS_837.items():
        for number, (code, charge, served, lic, npi) in enumerate(lines, start=1):
            coded.append(
                (
                    pcn,
                    payer,
                    number,
                    code,
                    charge,
                    served,
                    "C7-X" if pcn == "C7" else lic,
                    npi,
                    "I10",
                    CODERS[pcn],
                    dt.datetime(2026, 1, 2, 9, 0) if pcn != "C7" else dt.datetime(2025, 11, 14),
                )
            )
    coded.append(
        (
            "C8",
            "ACME01",
            1,
            "99213",
            "100",
            "2026-01-20",
            "C8-L1",
            R1,
            "I10",
            CODERS["C8"],
            dt.datetime(2026, 1, 21, 9, 0),
        )
    )
    rows = []

    def add(file_key: str, source_line: int, item: tuple) -> None:
        pcn, payer, number, code, charge, served, lic, npi, diagnosis, coder, coded_at = item
        file_name, file_sha = ENCOUNTER_FILES[file_key]
        rows.append(
            raw_row(
                "encounter_lines",
                encounter_line_id=encounter_line_id(file_key, source_line),
                encounter_id=f"E-{pcn}",
                claim_id=pcn,
                line_number=number,
                line_item_control_number=lic,
                patient_id=f"PAT-{pcn}",
                patient_birth_date=D("1970-01-01"),
                patient_sex="F",
                payer_id=payer,
                payer_name=PAYERS[payer][0],
                claim_filing_indicator_code=PAYERS[payer][1],
                rendering_npi=npi,
                billing_npi=BILLING_NPI,
                place_of_service_code="11",
                service_date=D(served),
                procedure_code=code,
                units="1",
                charge_amount=charge,
                diagnosis_code_1=diagnosis,
                coder_id=coder,
                coded_at=coded_at,
                file_name=file_name,
                file_sha256=file_sha,
                source_line_number=source_line,
            )
        )

    for index, item in enumerate(coded, start=2):
        add("enc1", index, item)
    c2_line2 = next(i for i in coded if i[0] == "C2" and i[2] == 2)
    add("enc2", 2, c2_line2[:8] + ("R0789", "CODER-A", dt.datetime(2026, 1, 4, 10, 0)))
    c1_line1 = next(i for i in coded if i[0] == "C1")
    add("enc3", 2, c1_line1[:8] + ("I10", "CODER-Z", dt.datetime(2026, 4, 2, 8, 0)))
    return rows


# The coded line of C2 line 2 that counts (the re-coding) failed a coding check.
C2_LINE2_CODED_ROW = encounter_line_id("enc2", 2)


def manifest_rows() -> list[dict[str, Any]]:
    files = list(FILES_835.values()) + [FILE_837, FILE_837_OLD] + list(ENCOUNTER_FILES.values())
    loaded = dt.datetime(2026, 3, 31, 2, 0)
    rows = []
    for index, (file_name, file_sha) in enumerate(files):
        kind = (
            "835"
            if file_name.endswith(".835")
            else "837"
            if file_name.endswith(".837")
            else "encounters"
        )
        rows.append(
            raw_row(
                "file_manifest",
                ingest_run_id="run-1",
                file_name=file_name,
                file_sha256=file_sha,
                file_kind=kind,
                size_bytes=1000,
                received_at=loaded,
                loaded_at=loaded + dt.timedelta(seconds=index),
                status="loaded",
                units_in=1,
                units_loaded=1,
                units_quarantined=0,
                row_counts="{}",
            )
        )
    rows.append(
        raw_row(
            "file_manifest",
            ingest_run_id="run-1",
            file_name="remits/garbage.835",
            file_sha256=sha("0f"),
            file_kind="unknown",
            size_bytes=12,
            received_at=loaded,
            loaded_at=loaded,
            status="quarantined",
            units_in=1,
            units_loaded=0,
            units_quarantined=1,
            row_counts="{}",
        )
    )
    return rows


def quarantine_rows() -> list[dict[str, Any]]:
    return [
        raw_row(
            "quarantine_records",
            ingest_run_id="run-1",
            file_name="remits/garbage.835",
            file_sha256=sha("0f"),
            unit="file",
            position=None,
            rule="no_isa",
            message="no ISA segment found",
            quarantine_path="quarantine/0f/garbage.835",
            recorded_at=dt.datetime(2026, 3, 31, 2, 0),
        )
    ]


def write_scenario(data_dir: Path) -> None:
    """Write the raw layer, the ICD-10-CM stand-in and the gate's row failures for the scenario."""
    raw = data_dir / "raw"
    ensure_raw_layout(data_dir)
    for remit in remittances():
        for table, rows in remit.rows.items():
            if rows:
                write_raw(raw, table, rows, remit.file_sha)
    for table, rows in claims_837().items():
        for _file_name, file_sha in (FILE_837, FILE_837_OLD):
            part = [r for r in rows if r["file_sha256"] == file_sha]
            if part:
                write_raw(raw, table, part, file_sha)
    for _file_name, file_sha in ENCOUNTER_FILES.values():
        write_raw(
            raw,
            "encounter_lines",
            [r for r in encounters() if r["file_sha256"] == file_sha],
            file_sha,
        )
    write_raw(raw, "file_manifest", manifest_rows(), "run-1")
    write_raw(raw, "quarantine_records", quarantine_rows(), "run-1")
    write_icd10cm(
        data_dir / "ref",
        [
            ("I10", "Essential hypertension", True),
            ("R07", "Pain in throat and chest", False),
            ("R0789", "Other chest pain", True),
        ],
    )
    write_row_failures(data_dir / "warehouse" / "build.duckdb")


def write_row_failures(database: Path) -> None:
    """What the ingestion gate would have recorded: one coding and one billing finding."""
    database.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists quality")
        con.execute(
            "create table if not exists quality.row_failures (run_id varchar, as_of_date date, "
            "check_name varchar, severity varchar, table_name varchar, row_key varchar, "
            "claim_id varchar, offending_value varchar)"
        )
        con.executemany(
            "insert into quality.row_failures values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    "run-1",
                    AS_OF,
                    "icd10cm_billable",
                    "warning",
                    "encounter_lines",
                    C2_LINE2_CODED_ROW,
                    "C2",
                    "R0789",
                ),
                (
                    "run-1",
                    AS_OF,
                    "timely_filing",
                    "warning",
                    "x837_claims",
                    claim_submission_id("C3"),
                    None,
                    "2026-01-10",
                ),
                # a finding recorded for a later as-of date does not count yet
                (
                    "run-2",
                    dt.date(2026, 4, 30),
                    "timely_filing",
                    "warning",
                    "x837_claims",
                    claim_submission_id("C1"),
                    "C1",
                    "2026-01-05",
                ),
            ],
        )
    finally:
        con.close()
