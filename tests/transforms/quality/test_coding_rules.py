"""Modifier and diagnosis-support rules of the encounter frame, one failing and one passing case each.

GIVEN hand-made coded lines of encounter codings (same file, encounter_id and coded_at), every
      case in one batch
WHEN  the ingestion gate's model qi_encounter_lines is built over them (with the procedure seeds)
THEN  each rule column is false on the line that breaks it, true on the line that keeps it, and
      null where the rule does not apply.
"""

from __future__ import annotations

import datetime as dt

import pytest
from quality_builders import AS_OF, RawBatch, encounter_line

from transforms.quality import frames, gates, inputs


def _line(n: int, encounter: str, code: str, *modifiers: str, **overrides) -> dict:
    mods = dict(
        zip(("modifier_1", "modifier_2", "modifier_3", "modifier_4"), modifiers, strict=False)
    )
    mods = {f"modifier_{i}": None for i in range(1, 5)} | mods
    return encounter_line(n, encounter_id=encounter, procedure_code=code, **mods, **overrides)


CASES = {
    # rule column: (lines of a failing encounter, lines of a passing one); line 1 is judged
    "separate_em_modifier_ok": (
        [("99213",), ("96372",), ("J1030",)],
        [("99213", "25"), ("96372",), ("J1030",)],
    ),
    "repeat_lab_modifier_ok": ([("85025",), ("36415",), ("85025",)], [("85025",), ("85025", "91")]),
    "laterality_modifier_ok": ([("20610",)], [("20610", "RT")]),
    "telehealth_modifier_ok": ([("99213",)], [("99213", "95")]),
    "component_modifier_ok": ([("93306",)], [("93306", "26")]),
    "distinct_service_modifier_ok": ([("11102",), ("17110",)], [("11102", "59"), ("17110",)]),
}
POS = {"telehealth_modifier_ok": "10", "component_modifier_ok": "22"}


def _case_lines() -> tuple[list[dict], dict[str, dict[str, str]]]:
    """Every rule's failing and passing encounter, as lines, and the line each case judges."""
    lines, n = [], 0
    judged: dict[str, dict[str, str]] = {}
    for rule in sorted(CASES):
        for label, specs in zip(("fail", "pass"), CASES[rule], strict=True):
            for spec in specs:
                n += 1
                pos = POS.get(rule, "11")
                lines.append(_line(n, f"E-{rule}-{label}", *spec, place_of_service_code=pos))
            # the repeat-lab rule judges the repeat (last line); every other rule the first line
            first = n - len(specs) + 1
            judged.setdefault(rule, {})[label] = (
                f"enc:{n}" if rule == "repeat_lab_modifier_ok" else f"enc:{first}"
            )
    return lines, judged


OTHER_LINES = [
    # a preventive E/M with an immunisation administration needs no 25
    _line(101, "E-well", "99391"),
    _line(102, "E-well", "90460"),
    _line(103, "E-well", "90700"),
    # an E/M beside labs and an ECG needs no 25
    _line(104, "E-office", "99214"),
    _line(105, "E-office", "36415"),
    _line(106, "E-office", "80053"),
    _line(107, "E-office", "93000"),
    # a diagnostic test with a PC/TC split in the office is the global service
    _line(108, "E-echo", "93306"),
    # the same encounter coded twice: first an E/M with an injection and no 25, then the
    # injection removed; the versions are told apart by coded_at
    _line(201, "E-recoded", "99213"),
    _line(202, "E-recoded", "96372"),
    _line(203, "E-recoded", "99213", coded_at=dt.datetime(2026, 3, 5, 9, 0)),
    # an echocardiogram for a skin lesion: not supported
    _line(301, "E-dx1", "93306", diagnosis_code_1="L57.0", diagnosis_code_2=None),
    # for heart failure: supported
    _line(302, "E-dx2", "93306", diagnosis_code_1="I50.9", diagnosis_code_2=None),
    # any one pointed diagnosis is enough
    _line(303, "E-dx3", "20610", "RT", diagnosis_code_1="I10", diagnosis_code_2="M17.11"),
    # a procedure the crosswalk does not list is not judged
    _line(304, "E-dx4", "99213", diagnosis_code_1="L57.0", diagnosis_code_2=None),
]


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> tuple[dict[str, dict], dict[str, dict[str, str]]]:
    data_dir = tmp_path_factory.mktemp("coding-rules")
    lines, cases = _case_lines()
    RawBatch(data_dir).add("encounters.csv", "encounter_lines", lines + OTHER_LINES).write()
    assert inputs.build(data_dir, AS_OF, "ingestion") == {}
    con = inputs.connect(data_dir, gates.latest_batch(data_dir).file_shas)
    try:
        table = con.sql(inputs.select_model(frames.ENCOUNTER_LINES.model)).to_arrow_table()
    finally:
        con.close()
    return {row["encounter_line_id"]: row for row in table.to_pylist()}, cases


@pytest.mark.parametrize("rule", sorted(CASES))
def test_modifier_rule_fails_without_and_holds_with_its_modifier(judged, rule):
    rows, cases = judged
    assert rows[cases[rule]["fail"]][rule] is False
    assert rows[cases[rule]["pass"]][rule] is True


def test_rules_do_not_apply_where_they_should_not(judged):
    rows, _ = judged
    assert rows["enc:101"]["separate_em_modifier_ok"] is True
    assert rows["enc:104"]["separate_em_modifier_ok"] is True
    assert rows["enc:106"]["repeat_lab_modifier_ok"] is None
    assert rows["enc:108"]["component_modifier_ok"] is None
    assert rows["enc:102"]["laterality_modifier_ok"] is None


def test_a_recoded_encounter_is_judged_per_coding_version(judged):
    rows, _ = judged
    assert rows["enc:201"]["separate_em_modifier_ok"] is False
    assert rows["enc:203"]["separate_em_modifier_ok"] is True


def test_diagnosis_support_flags_a_diagnosis_that_cannot_justify_the_procedure(judged):
    rows, _ = judged
    assert rows["enc:301"]["diagnosis_supports_procedure"] is False
    assert rows["enc:301"]["procedure_diagnoses"] == "93306 <- L570"
    assert rows["enc:302"]["diagnosis_supports_procedure"] is True
    assert rows["enc:303"]["diagnosis_supports_procedure"] is True
    assert rows["enc:304"]["diagnosis_supports_procedure"] is None
