"""The generated 837Ps: envelopes, claim structure, codes and NPIs, read independently."""

from __future__ import annotations

import re
from collections import Counter

import simple_icd_10_cm as icd
from gen_x12_check import envelope_errors, luhn_npi_ok, split

MODIFIERS = {"25", "59", "26", "TC", "LT", "RT", "76", "91", "GT", "95"}
POS = {"11", "22", "23", "02", "10", "21", "19"}


def test_every_837_envelope_count_is_right(feed):
    files = sorted((feed.landing / "claims").glob("*.837"))
    assert len(files) == feed.summary["files"]["claims_837"] > 10
    for path in files:
        segments, _ = split(path.read_bytes())
        assert envelope_errors(segments) == [], path.name
        gs = next(s for s in segments if s[0] == "GS")
        bht = next(s for s in segments if s[0] == "BHT")
        assert gs[8] == "005010X222A1"
        # BHT04 is the submission date, which the file is named after
        assert bht[4] in path.name and gs[4] == bht[4]


def test_hierarchy_numbers_are_consistent(feed):
    for path in sorted((feed.landing / "claims").glob("*.837"))[:10]:
        segments, _ = split(path.read_bytes())
        seen: set[str] = set()
        for seg in segments:
            if seg[0] == "ST":
                seen = set()
            if seg[0] == "HL":
                assert seg[1] not in seen
                assert seg[2] == "" or seg[2] in seen  # the parent comes first
                seen.add(seg[1])


def test_claims_are_the_extracts_claims_billed_once(feed):
    ids = Counter(c.claim_id for c in feed.claims_837)
    assert max(ids.values()) == 1
    assert set(ids) == {row["claim_id"] for row in feed.encounter_rows}
    assert len(ids) == feed.summary["claims"]


def test_claim_structure(feed):
    for claim in feed.claims_837:
        # CLM02 is the sum of the lines; every line points at a diagnosis that exists
        assert claim.total == sum(line["charge"] for line in claim.lines)
        assert claim.pos in POS
        assert claim.diagnoses[0][0] == "ABK" and all(q == "ABF" for q, _ in claim.diagnoses[1:])
        assert all("." not in code for _, code in claim.diagnoses)
        for line in claim.lines:
            assert line["composite"][0] == "HC"
            assert 2 <= len(line["composite"]) <= 6  # qualifier, code, up to 4 modifiers
            assert set(line["composite"][2:]) <= MODIFIERS
            assert line["unit"] == "UN" and line["units"] >= 1 and line["pos"] == claim.pos
            assert 1 <= len(line["pointers"]) <= 4
            assert max(line["pointers"]) <= len(claim.diagnoses)
            assert line["control_number"] and line["service_date"]
        assert claim.filing_code in {"MB", "MC", "CI", "BL", "HM"}


def test_procedure_codes_are_codes_only(feed):
    # CPT (5 digits) or HCPCS Level II (letter + 4 digits); no descriptions anywhere
    for claim in feed.claims_837:
        for line in claim.lines:
            assert re.fullmatch(r"\d{5}|[A-Z]\d{4}", line["composite"][1])
    for path in list((feed.landing / "claims").glob("*.837")) + list(
        (feed.landing / "remits").glob("*.835")
    ):
        text = path.read_text()
        assert not re.search(r"[a-z]", text), path.name  # no prose at all in the X12 files
        assert "OFFICE" not in text.replace("BILLING OFFICE", "")
    for row in feed.encounter_rows:
        data = ",".join(v for k, v in row.items() if not k.startswith("_"))
        assert not re.search(r"[a-z]", data)


def test_npis_pass_luhn_except_the_injected_bad_ones(feed):
    assert all(luhn_npi_ok(c.billing_npi) for c in feed.claims_837)
    bad = [c for c in feed.claims_837 if not luhn_npi_ok(c.rendering_npi)]
    assert bad and len(bad) == feed.summary["defects"]["bad_npi"]
    assert all(len(c.rendering_npi) == 10 for c in bad)


def test_diagnoses_come_from_the_code_set_except_injected_defects(feed):
    invalid, header = 0, 0
    for claim in feed.claims_837:
        codes = [code for _, code in claim.diagnoses]
        if any(not icd.is_valid_item(code) for code in codes):
            invalid += 1
        elif any(not icd.is_leaf(code) for code in codes):
            header += 1
    defects = feed.summary["defects"]
    assert invalid == defects["invalid_icd"] > 0
    assert header == defects["non_billable_icd"] > 0


def test_defects_raise_the_denial_odds(feed):
    # GIVEN defects a downstream check can detect on its own (bad dx code, bad NPI)
    flagged = {
        c.claim_id
        for c in feed.claims_837
        if not luhn_npi_ok(c.rendering_npi)
        or any(not (icd.is_valid_item(code) and icd.is_leaf(code)) for _, code in c.diagnoses)
    }
    first = {}
    for claim in feed.remits_in_order():
        first.setdefault(claim.claim_id, claim)
    flagged_rate = sum(first[c].is_denial() for c in flagged if c in first) / max(
        1, sum(1 for c in flagged if c in first)
    )
    clean = [c for cid, c in first.items() if cid not in flagged]
    clean_rate = sum(c.is_denial() for c in clean) / len(clean)
    # THEN those claims are denied far more often than the rest
    assert flagged_rate > 3 * clean_rate, (flagged_rate, clean_rate)


def test_modifier_and_place_of_service_variety(feed):
    modifiers = {m for c in feed.claims_837 for line in c.lines for m in line["composite"][2:]}
    assert {"25", "26", "RT", "LT", "95", "59", "TC"} <= modifiers
    assert {"11", "23", "21"} <= {c.pos for c in feed.claims_837}


def test_large_batches_split_into_several_transaction_sets(tmp_path, monkeypatch):
    # GIVEN a cap of 7 claims per ST (the real cap, 5,000, is the TR3 recommendation)
    from datetime import date

    from transforms.generate import feed as feed_module
    from transforms.generate import generate

    monkeypatch.setattr(feed_module, "MAX_CLAIMS_PER_ST", 7)
    summary = generate(out=tmp_path, claims=120, start=date(2026, 4, 6), days=5, seed=9)
    # THEN days with more claims carry several ST/SE sets, each counted and numbered on its own
    assert summary["transaction_sets_837"] > summary["files"]["claims_837"]
    for path in sorted((tmp_path / "landing" / "claims").glob("*.837")):
        segments, _ = split(path.read_bytes())
        assert envelope_errors(segments) == []
        sets = [s for s in segments if s[0] == "ST"]
        claims_per_set, count = [], 0
        for seg in segments:
            if seg[0] == "CLM":
                count += 1
            if seg[0] == "SE":
                claims_per_set.append(count)
                count = 0
        assert len(sets) == len(claims_per_set) and max(claims_per_set) <= 7
        assert [s[2] for s in sets] == [f"{i:04d}" for i in range(1, len(sets) + 1)]
