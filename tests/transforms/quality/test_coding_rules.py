"""Modifier and diagnosis-support rules of the encounter frame, one failing and one passing case each.

GIVEN hand-made coded lines of one encounter coding (same file, encounter_id and coded_at)
WHEN  frames.ENCOUNTER_LINES runs over them (with the project's procedure tables registered)
THEN  each rule column is false on the line that breaks it, true on the line that keeps it, and
      null where the rule does not apply.
"""

from __future__ import annotations

import duckdb
import pytest
from quality_builders import AS_OF, RawBatch, encounter_line

from transforms.quality import frames, gates


def _rule_columns(data_dir, lines: list[dict]) -> dict[str, dict]:
    RawBatch(data_dir).add("encounters.csv", "encounter_lines", lines).write()
    con = duckdb.connect()
    gates.raw_views(con, data_dir, gates.latest_batch(data_dir))
    sql = frames.ENCOUNTER_LINES.sql
    table = con.sql(sql, params=frames.bind(sql, {"as_of_date": AS_OF}) or None).to_arrow_table()
    con.close()
    return {row["encounter_line_id"]: row for row in table.to_pylist()}


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


@pytest.mark.parametrize("rule", sorted(CASES))
def test_modifier_rule_fails_without_and_holds_with_its_modifier(data_dir, rule):
    failing, passing = CASES[rule]
    lines, n = [], 0
    judged = {}
    for label, specs in (("fail", failing), ("pass", passing)):
        for spec in specs:
            n += 1
            lines.append(_line(n, f"E-{label}", *spec, place_of_service_code=POS.get(rule, "11")))
        # the repeat-lab rule judges the repeat (last line); every other rule the first line
        judged[label] = (
            f"enc:{n}" if rule == "repeat_lab_modifier_ok" else f"enc:{n - len(specs) + 1}"
        )
    rows = _rule_columns(data_dir, lines)
    assert rows[judged["fail"]][rule] is False
    assert rows[judged["pass"]][rule] is True


def test_rules_do_not_apply_where_they_should_not(data_dir):
    rows = _rule_columns(
        data_dir,
        [
            # a preventive E/M with an immunisation administration needs no 25
            _line(1, "E-well", "99391"),
            _line(2, "E-well", "90460"),
            _line(3, "E-well", "90700"),
            # an E/M beside labs and an ECG needs no 25
            _line(4, "E-office", "99214"),
            _line(5, "E-office", "36415"),
            _line(6, "E-office", "80053"),
            _line(7, "E-office", "93000"),
            # a diagnostic test with a PC/TC split in the office is the global service
            _line(8, "E-echo", "93306"),
        ],
    )
    assert rows["enc:1"]["separate_em_modifier_ok"] is True
    assert rows["enc:4"]["separate_em_modifier_ok"] is True
    assert rows["enc:6"]["repeat_lab_modifier_ok"] is None
    assert rows["enc:8"]["component_modifier_ok"] is None
    assert rows["enc:2"]["laterality_modifier_ok"] is None


def test_a_recoded_encounter_is_judged_per_coding_version(data_dir):
    # GIVEN the same encounter coded twice: first an E/M with an injection and no 25, then the
    # injection removed; the versions are told apart by coded_at
    import datetime as dt

    later = dt.datetime(2026, 3, 5, 9, 0)
    rows = _rule_columns(
        data_dir,
        [
            _line(1, "E1", "99213"),
            _line(2, "E1", "96372"),
            _line(3, "E1", "99213", coded_at=later),
        ],
    )
    assert rows["enc:1"]["separate_em_modifier_ok"] is False
    assert rows["enc:3"]["separate_em_modifier_ok"] is True


def test_diagnosis_support_flags_a_diagnosis_that_cannot_justify_the_procedure(data_dir):
    rows = _rule_columns(
        data_dir,
        [
            # an echocardiogram for a skin lesion: not supported
            _line(1, "E1", "93306", diagnosis_code_1="L57.0", diagnosis_code_2=None),
            # for heart failure: supported
            _line(2, "E2", "93306", diagnosis_code_1="I50.9", diagnosis_code_2=None),
            # any one pointed diagnosis is enough
            _line(3, "E3", "20610", "RT", diagnosis_code_1="I10", diagnosis_code_2="M17.11"),
            # a procedure the crosswalk does not list is not judged
            _line(4, "E4", "99213", diagnosis_code_1="L57.0", diagnosis_code_2=None),
        ],
    )
    assert rows["enc:1"]["diagnosis_supports_procedure"] is False
    assert rows["enc:1"]["procedure_diagnoses"] == "93306 <- L570"
    assert rows["enc:2"]["diagnosis_supports_procedure"] is True
    assert rows["enc:3"]["diagnosis_supports_procedure"] is True
    assert rows["enc:4"]["diagnosis_supports_procedure"] is None
