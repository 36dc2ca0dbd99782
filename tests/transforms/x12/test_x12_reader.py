"""Reader: envelope checks (SE01, SE02, GE01, GE02, IEA01, IEA02, missing trailers) and their units.

By default control-number and count defects are findings (the money loads, "accepted with errors");
`strict=True` keeps the old rule where they reject what they enclose. Missing trailers and stray
segments reject either way."""

from __future__ import annotations

import io

import pytest

from transforms.harness.x12_synth import Style, bare_transactions, interchange, payment_835
from transforms.x12.constants import SCOPE_GROUP, SCOPE_INTERCHANGE, SCOPE_TRANSACTION, Rule
from transforms.x12.context import TransactionContext
from transforms.x12.errors import X12ContentError, X12EnvelopeError
from transforms.x12.flatten_835 import X835Flattener
from transforms.x12.reader import EnvelopeFailure, TransactionResult, X12Reader

CLAIM = [["CLP", "PCN1", "1", "100", "80", "20", "12"], ["CAS", "PR", "1", "20"]]
BODY = payment_835([CLAIM], payment="80")


def read(text: str, **options) -> tuple[list[TransactionResult], list[EnvelopeFailure], X12Reader]:
    reader = X12Reader(
        io.BytesIO(text.encode()), file_name="t.x12", file_sha256="ab" * 32, **options
    )
    events = list(reader)
    results = [e for e in events if isinstance(e, TransactionResult)]
    failures = [e for e in events if isinstance(e, EnvelopeFailure)]
    return results, failures, reader


def test_valid_interchange_yields_rows_and_counts():
    # GIVEN one interchange with two transaction sets  WHEN read
    results, failures, reader = read(interchange([BODY, BODY]))
    # THEN both are valid, nothing fails, and the counters match the envelope
    assert [r.ok for r in results] == [True, True]
    assert failures == []
    assert (reader.interchanges, reader.groups, reader.transactions) == (1, 1, 2)
    assert [r.position for r in results] == [3, 3 + len(BODY) + 2]
    assert results[0].rows["x835_claims"][0].paid_amount == 80


@pytest.mark.parametrize(
    ("options", "rule", "element"),
    [({"se01_offset": 1}, Rule.SE01_COUNT, "SE01"), ({"se02": "9999"}, Rule.SE02_CONTROL, "SE02")],
)
def test_transaction_trailer_defects_are_findings_and_the_money_loads(options, rule, element):
    # GIVEN a transaction set whose SE count or control number is wrong, then a clean interchange
    text = interchange([BODY], **options) + interchange([BODY], isa_control="000000002")
    # WHEN read with the default (tolerant) rule
    results, failures, reader = read(text)
    # THEN both load; the defect is a finding of the first set naming rule, element and position
    assert [r.ok for r in results] == [True, True]
    assert results[0].rows["x835_claims"][0].paid_amount == 80
    [finding] = results[0].findings
    assert (finding.rule, finding.element, finding.segment_id, finding.scope, finding.severity) == (
        rule,
        element,
        "SE",
        SCOPE_TRANSACTION,
        "warning",
    )
    assert finding.position == 3 + len(BODY) + 1
    assert finding.transaction_position == results[0].position
    assert finding.transaction_control_number == "0001"
    assert results[1].findings == [] and failures == [] and reader.envelope_findings == []


@pytest.mark.parametrize(
    ("options", "rule", "element"),
    [({"se01_offset": 1}, Rule.SE01_COUNT, "SE01"), ({"se02": "9999"}, Rule.SE02_CONTROL, "SE02")],
)
def test_strict_transaction_trailer_errors_reject_that_transaction_only(options, rule, element):
    # GIVEN two transaction sets whose SE is wrong (both get the same defect)
    text = interchange([BODY], **options) + interchange([BODY], isa_control="000000002")
    # WHEN read strictly
    results, failures, _ = read(text, strict=True)
    # THEN the first is rejected with the rule and element named; the other interchange loads
    assert [r.ok for r in results] == [False, True]
    error = results[0].error
    assert isinstance(error, X12EnvelopeError)
    assert (error.rule, error.element, error.segment_id, error.scope) == (
        rule,
        element,
        "SE",
        SCOPE_TRANSACTION,
    )
    assert error.position == 3 + len(BODY) + 1
    assert results[0].rows == {} and results[0].findings == []
    assert failures == []


ENVELOPE_DEFECTS = [
    ({"ge01_offset": 1}, Rule.GE01_COUNT, "GE01", SCOPE_GROUP),
    ({"ge02": "77"}, Rule.GE02_CONTROL, "GE02", SCOPE_GROUP),
    ({"iea01_offset": 2}, Rule.IEA01_COUNT, "IEA01", SCOPE_INTERCHANGE),
    ({"iea02": "000000999"}, Rule.IEA02_CONTROL, "IEA02", SCOPE_INTERCHANGE),
]


@pytest.mark.parametrize(("options", "rule", "element", "scope"), ENVELOPE_DEFECTS)
def test_group_and_interchange_defects_are_findings(options, rule, element, scope):
    # GIVEN a group of two valid transaction sets inside a wrong GE or IEA
    results, failures, reader = read(interchange([BODY, BODY], **options))
    # THEN both load, nothing is rejected, and the reader lists one finding for the envelope
    assert [r.ok for r in results] == [True, True] and failures == []
    assert [
        (f.rule, f.element, f.scope, f.transaction_position) for f in reader.envelope_findings
    ] == [(rule, element, scope, None)]


@pytest.mark.parametrize(("options", "rule", "element", "scope"), ENVELOPE_DEFECTS)
def test_strict_group_and_interchange_errors_list_every_enclosed_transaction(
    options, rule, element, scope
):
    # GIVEN a group of two valid transaction sets inside a wrong GE or IEA, read strictly
    results, failures, reader = read(interchange([BODY, BODY], **options), strict=True)
    # THEN each transaction set was read, and one failure rejects both of them
    assert len(results) == 2
    assert len(failures) == 1
    failure = failures[0]
    assert (failure.error.rule, failure.error.element, failure.error.scope) == (
        rule,
        element,
        scope,
    )
    assert failure.transactions == tuple(r.position for r in results)
    assert reader.envelope_findings == []


def test_every_envelope_defect_at_once_is_listed_and_loads():
    # GIVEN wrong SE01/GE01/IEA01 counts and wrong SE02/GE02/IEA02 control numbers together
    text = interchange(
        [BODY], se01_offset=5, se02="X", ge01_offset=1, ge02="2", iea01_offset=1, iea02="000000777"
    )
    results, failures, reader = read(text)
    # THEN the payment loads and six findings name the six rules
    assert [r.ok for r in results] == [True] and failures == []
    rules = [f.rule for f in results[0].findings] + [f.rule for f in reader.envelope_findings]
    assert rules == [
        Rule.SE01_COUNT,
        Rule.SE02_CONTROL,
        Rule.GE01_COUNT,
        Rule.GE02_CONTROL,
        Rule.IEA01_COUNT,
        Rule.IEA02_CONTROL,
    ]


def test_missing_se_cuts_the_transaction_at_the_next_st():
    # GIVEN an ST whose SE was lost, followed by a complete transaction set
    text = interchange([BODY, BODY])
    first_se = text.index("~SE*") + 1
    text = text[:first_se] + text[text.index("~", first_se) + 1 :]
    # WHEN read
    results, _, _ = read(text)
    # THEN the first is rejected as missing_se where the next ST starts, the second loads
    assert results[0].error is not None and results[0].error.rule == Rule.MISSING_SE
    assert results[0].error.segment_id == "ST"
    assert results[0].end_position == results[1].position - 1
    assert results[1].ok


def test_truncated_file_rejects_the_open_transaction_group_and_interchange():
    # GIVEN a file cut in the middle of a transaction set
    text = interchange([BODY, BODY])
    cut = text[: text.rindex("CLP")]
    # WHEN read
    results, failures, _ = read(cut)
    # THEN the open transaction is missing_se, and the GS and ISA around it fail as well
    assert results[-1].error is not None and results[-1].error.rule == Rule.MISSING_SE
    assert {f.error.rule for f in failures} == {Rule.MISSING_GE, Rule.MISSING_IEA}
    assert all(set(f.transactions) == {r.position for r in results} for f in failures)


def test_segments_outside_any_transaction_reject_the_group():
    # GIVEN a stray claim segment between two transaction sets
    text = interchange([BODY, BODY])
    second_st = text.index("ST*835*0002")
    text = text[:second_st] + "CLP*STRAY*1*1*1~" + text[second_st:]
    # WHEN read (counts off by design, so only the stray segment matters)
    _, failures, _ = read(text)
    # THEN the group fails with segment_outside_transaction and rejects both transaction sets
    assert [f.error.rule for f in failures] == [Rule.SEGMENT_OUTSIDE_TRANSACTION]
    assert len(failures[0].transactions) == 2


def test_text_after_the_last_iea_is_reported_without_rejecting_anything():
    results, failures, _ = read(interchange([BODY]) + "\n-- end of file --\n")
    assert [r.ok for r in results] == [True]
    assert [(f.error.rule, f.transactions) for f in failures] == [(Rule.MISSING_ISA, ())]


def test_unsupported_transaction_type_is_a_rejected_unit():
    results, _, _ = read(
        interchange([[["BHT", "0010"]]], transaction_type="277", guide="005010X212")
    )
    assert results[0].error is not None
    assert results[0].error.rule == Rule.UNSUPPORTED_TRANSACTION
    assert results[0].error.element == "ST01"


def test_invalid_segment_id_inside_a_transaction_is_a_content_error():
    body = [*BODY[:3], ["n1!", "x"], *BODY[3:]]
    results, _, _ = read(interchange([body]))
    assert isinstance(results[0].error, X12ContentError)
    assert results[0].error.rule == Rule.INVALID_SEGMENT_ID
    assert results[0].error.position == 3 + 4


def test_reject_map_rejects_named_transactions_up_front():
    # GIVEN a reader told that the transaction set at position 3 is rejected
    error = X12EnvelopeError("group failed", rule=Rule.GE01_COUNT, scope=SCOPE_GROUP)
    results, _, _ = read(interchange([BODY, BODY]), reject={3: error})
    # THEN that one carries the given error and no rows; the other loads
    assert results[0].error is error and results[0].rows == {}
    assert results[1].ok


def test_keep_segments_returns_the_transaction_as_read():
    results, _, _ = read(interchange([BODY]), keep_segments=True)
    segments = results[0].segments
    assert segments is not None
    assert segments[0][0] == "ST" and segments[-1][0] == "SE"
    assert len(segments) == len(BODY) + 2


# ---- regressions: errors raised when a transaction set closes point at a segment of that set ---
@pytest.mark.parametrize(
    "body",
    [[["QTY", "CA", "1"]], [], [["TRN", "1", "X", "1"], ["LX", "1"], ["CLP", "H1", "1", "1", "1"]]],
    ids=["only-ignored-segments", "empty", "claims-but-no-bpr"],
)
def test_missing_bpr_points_at_the_st_of_its_transaction_set(body):
    # GIVEN a second 835 transaction set without a BPR (the first one is valid)
    results, _, _ = read(interchange([BODY, body]))
    good, bad = results
    # WHEN it closes  THEN the rejection names the ST of that set, never position 0
    assert good.ok
    assert bad.error is not None and bad.error.rule == Rule.MISSING_SEGMENT
    assert (bad.error.position, bad.error.segment_id) == (bad.position, "ST")
    assert bad.position == 3 + len(BODY) + 2


def test_837_line_without_service_points_at_its_lx():
    # GIVEN an 837 service line (LX at segment 7) with a DTP but no SV1/SV2, closed at SE
    body = [
        ["HL", "1", "", "20", "1"],
        ["HL", "2", "1", "22", "0"],
        ["CLM", "Y1", "10"],
        ["LX", "1"],
        ["DTP", "472", "D8", "20260101"],
    ]
    results, _, _ = read(interchange([body], transaction_type="837", guide="005010X222A1"))
    # WHEN read  THEN the rejection points at the LX that opened the line, not at the DTP
    error = results[0].error
    assert error is not None and error.rule == Rule.MISSING_SEGMENT
    assert (error.position, error.segment_id) == (7, "LX")


def test_a_flattener_that_has_handled_nothing_is_at_its_st():
    # GIVEN a flattener just built for the transaction set whose ST is segment 12
    context = TransactionContext(
        file_name="f",
        file_sha256="ab" * 32,
        interchange_control_number="1",
        group_control_number="1",
        transaction_control_number="0001",
        st_position=12,
    )
    # WHEN finish() fails at once  THEN its error carries position 12
    with pytest.raises(X12ContentError) as caught:
        X835Flattener(context).finish()
    assert caught.value.position == 12


# ---- bare transaction sets: no ISA/GS envelope ----------------------------------------------------
def test_a_bare_835_loads_with_one_missing_envelope_finding():
    # GIVEN two 835 transaction sets with no ISA/GS/GE/IEA, one segment per line, the second with
    # a wrong SE01
    text = bare_transactions([BODY], style=Style(after_terminator="\n")) + bare_transactions(
        [BODY], style=Style(after_terminator="\n"), se01_offset=1
    ).replace("0001", "0002")
    # WHEN read with the default (tolerant) rule
    results, failures, reader = read(text)
    # THEN both sets load with their money; the missing envelope is ONE interchange-level
    # finding at the first ST; SE01 is still checked; no interchange or group was read
    assert failures == []
    assert [r.ok for r in results] == [True, True]
    assert [r.rows["x835_claims"][0].paid_amount for r in results] == [80, 80]
    [finding] = reader.envelope_findings
    assert (
        finding.rule,
        finding.scope,
        finding.severity,
        finding.position,
        finding.segment_id,
    ) == (Rule.MISSING_ENVELOPE, SCOPE_INTERCHANGE, "warning", 1, "ST")
    assert "no ISA/GS envelope" in finding.message
    assert results[0].findings == []
    assert [f.rule for f in results[1].findings] == [Rule.SE01_COUNT]
    assert (reader.interchanges, reader.groups, reader.transactions) == (0, 0, 2)
    # GS08 is absent and an 835 has no ST03: the version is unknown (null in raw)
    assert [r.version for r in results] == ["", ""]
    assert results[0].rows["x835_claims"][0].x12_version is None


def test_a_bare_837_takes_its_version_from_st03():
    # GIVEN a bare 005010 837P (ST03 = 005010X222A1, no GS08 anywhere), newline-terminated,
    # whose composites use ">"
    body = [
        ["BHT", "0019", "00", "B1", "20260110", "1200", "CH"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "85", "2", "CLINIC", "", "", "", "", "XX", "1234567893"],
        ["HL", "2", "1", "22", "0"],
        ["SBR", "P", "18", "", "", "", "", "", "", "CI"],
        ["NM1", "IL", "1", "DOE", "JO", "", "", "", "MI", "M1"],
        ["NM1", "PR", "2", "PAYER", "", "", "", "", "PI", "P1"],
        ["CLM", "X1", "30", "", "", ["11", "B", "1"]],
        ["HI", ["ABK", "J189"]],
        ["LX", "1"],
        ["SV1", ["HC", "99213"], "30", "UN", "1", "", "", ["1"]],
    ]
    text = bare_transactions(
        [body],
        style=Style(component=">", terminator="\n"),
        transaction_type="837",
        guide="005010X222A1",
    )
    # WHEN read
    results, failures, reader = read(text)
    # THEN it loads as an 837P whose version is ST03, with the composites split on ">"
    [result] = results
    assert failures == [] and result.ok, result.error
    assert result.version == "005010X222A1"
    [claim] = result.rows["x837_claims"]
    assert (claim.claim_type, claim.billed_amount, claim.x12_version) == (
        "837P",
        30,
        "005010X222A1",
    )
    [line] = result.rows["x837_claim_lines"]
    assert line.procedure_code == "99213"
    assert [f.rule for f in reader.envelope_findings] == [Rule.MISSING_ENVELOPE]


def test_strict_still_refuses_a_bare_file():
    # GIVEN a bare 835  WHEN read strictly
    results, failures, reader = read(bare_transactions([BODY, BODY]), strict=True)
    # THEN its transaction sets are rejected as outside any interchange and group (missing_isa,
    # missing_gs: the rule for an ST without envelope), and nothing is a mere finding
    assert len(results) == 2
    rejected = {pos for failure in failures for pos in failure.transactions}
    assert rejected == {r.position for r in results}
    assert {failure.error.rule for failure in failures} == {Rule.MISSING_ISA, Rule.MISSING_GS}
    assert reader.envelope_findings == []


def test_a_file_with_an_isa_has_no_missing_envelope_finding():
    # GIVEN an ordinary interchange  WHEN read  THEN no missing_envelope finding, GS08 is the version
    results, _, reader = read(interchange([BODY]))
    assert reader.envelope_findings == []
    assert results[0].version == "005010X221A1"
