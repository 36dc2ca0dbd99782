"""`rcm`'s exit codes say what happened: 0 published, 1 failed, 2 refused before starting (a bad
date, a missing data directory), 3 published but some input was held back, 75 busy.

Before, `rcm run --data-dir /does/not/exist` created a tree and published an empty warehouse with
exit 0, a night that quarantined files also exited 0, and `--as-of 2026-02-30` said only that it
did not match the format.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from transforms import cli, errors
from transforms.pipeline import held_back_input, nothing_landed
from transforms.settings import Paths


def _rcm(*args: str | Path, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli.main, [str(a) for a in args], env=env)


def _summary(files=(), deferred=(), held=(), files_in=None) -> dict:
    """A run summary as `run_pipeline` returns it (only the parts the exit code reads)."""
    files = list(files)
    return {
        "as_of": "2026-06-30",
        "ingest": {
            "files": files,
            "deferred": list(deferred),
            "totals": {
                "files_in": len(files) if files_in is None else files_in,
                "files_deferred": len(deferred),
            },
        },
        "ingestion_gate": {"held_files": [{"file_name": name} for name in held]},
        "publish": {"published": "/d/warehouse/analytics.duckdb"},
    }


def _file(name: str, status: str, units_quarantined: int = 0) -> dict:
    return {"file_name": name, "status": status, "units_quarantined": units_quarantined}


@pytest.fixture
def fake_run(monkeypatch):
    """`rcm run` with the pipeline replaced by a canned summary (the stages have their own
    tests); records the data directory and as-of date it was called with."""
    calls: list[tuple[Path, dt.date]] = []

    def install(summary: dict) -> list[tuple[Path, dt.date]]:
        def run_pipeline(data_dir, as_of, run_id=None, *, backfill=False, publish_backfill=False):
            calls.append((data_dir, as_of))
            return summary

        monkeypatch.setattr("transforms.pipeline.run_pipeline", run_pipeline)
        return calls

    return install


# ---- 1. a missing data directory is refused; `rcm init` creates one ---------------------------


def test_run_on_a_missing_data_dir_is_refused_and_creates_nothing(tmp_path, fake_run):
    calls = fake_run(_summary())
    missing = tmp_path / "does" / "not" / "exist"
    result = _rcm("run", "--data-dir", missing, "--as-of", "2026-06-30")
    assert result.exit_code == errors.EXIT_REFUSED == 2
    assert result.output == (
        f"error: data directory {missing} does not exist; create it with "
        f"`rcm init --data-dir {missing}` (or write demo data into it with "
        f"`rcm generate --out {missing}`)\n"
    )
    assert calls == [] and not (tmp_path / "does").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["ingest"],
        ["codesets"],
        ["build", "--as-of", "2026-06-30"],
        ["validate", "--gate", "ingestion", "--as-of", "2026-06-30"],
        ["publish"],
        ["report", "--as-of", "2026-06-30"],
        ["quarantine", "release", "deadbeef00"],
    ],
)
def test_every_stage_refuses_a_missing_data_dir(tmp_path, command):
    missing = tmp_path / "nope"
    result = _rcm(*command, "--data-dir", missing)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: data directory {missing} does not exist;")
    assert not missing.exists()


def test_the_default_data_dir_comes_from_the_environment(tmp_path, fake_run):
    calls = fake_run(_summary(files_in=0))
    missing = tmp_path / "from-env"
    refused = _rcm("run", "--as-of", "2026-06-30", env={"RCM_DATA_DIR": str(missing)})
    assert refused.exit_code == 2 and f"rcm init --data-dir {missing}`" in refused.output
    missing.mkdir()
    assert _rcm("run", "--as-of", "2026-06-30", env={"RCM_DATA_DIR": str(missing)}).exit_code == 0
    assert calls == [(missing.resolve(), dt.date(2026, 6, 30))]


def test_init_creates_the_layout_and_says_what_it_created(tmp_path):
    root = tmp_path / "practice"
    result = _rcm("init", "--data-dir", root)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"created 10 folder(s) under {root}:"
    assert lines[1:11] == [
        "  practice/",
        "  practice/landing/",
        "  practice/landing/encounters/",
        "  practice/landing/patient_payments/",
        "  practice/landing/claims/",
        "  practice/landing/remits/",
        "  practice/raw/",
        "  practice/quarantine/",
        "  practice/warehouse/",
        "  practice/reports/",
    ]
    paths = Paths(root)
    for folder in (paths.raw, paths.quarantine, paths.warehouse):
        assert folder.stat().st_mode & 0o777 == 0o700  # patient data: owner-only
    # run again: nothing to create, and it says so
    again = _rcm("init", "--data-dir", root)
    assert again.exit_code == 0
    assert again.output.splitlines()[0] == f"{root} already has every folder; nothing created"


def test_init_refuses_a_file_in_the_way(tmp_path):
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder")
    result = _rcm("init", "--data-dir", in_the_way)
    assert result.exit_code == 2
    assert f"Directory '{in_the_way}' is a file." in result.output


# ---- 2. an empty night: exit 0, and it says nothing landed --------------------------------------


def test_an_empty_night_exits_0_and_says_nothing_landed(tmp_path, fake_run):
    _rcm("init", "--data-dir", tmp_path / "d")
    fake_run(_summary(files_in=0))
    result = _rcm("run", "--data-dir", tmp_path / "d", "--as-of", "2026-06-30")
    assert result.exit_code == errors.EXIT_OK == 0, result.output
    assert (
        f"nothing landed in {tmp_path / 'd' / 'landing'}: no new file since the last run; the "
        "warehouse as of 2026-06-30 was rebuilt from what was already loaded and published\n"
    ) in result.output


def test_a_clean_night_exits_0_without_remarks(tmp_path, fake_run):
    _rcm("init", "--data-dir", tmp_path / "d")
    fake_run(_summary(files=[_file("remits/a.835", "loaded"), _file("b.csv", "duplicate")]))
    result = _rcm("run", "--data-dir", tmp_path / "d", "--as-of", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert "nothing landed" not in result.output and "held back" not in result.output


# ---- 3. a night with input held back: exit 3, what and where -----------------------------------


def test_quarantined_and_held_input_exits_3_naming_what_and_where(tmp_path, fake_run):
    root = tmp_path / "d"
    _rcm("init", "--data-dir", root)
    fake_run(
        _summary(
            files=[
                _file("remits/a.835", "loaded"),
                _file("remits/broken.835", "quarantined", 1),
                _file("encounters/e1.csv", "partially_quarantined", 4),
            ],
            deferred=["claims/still_writing.837"],
            held=["encounters/e2.csv"],
        )
    )
    result = _rcm("run", "--data-dir", root, "--as-of", "2026-06-30")
    assert result.exit_code == errors.EXIT_HELD_BACK == 3, result.output
    assert (
        "published, but some input was held back (exit 3): 1 file(s) quarantined whole; "
        "4 row(s) or transaction set(s) quarantined in 1 file(s); 1 file(s) still being "
        "written, deferred to the next run; 1 file(s) held back by the ingestion gate\n"
        "  quarantined: remits/broken.835\n"
        "  partly quarantined: encounters/e1.csv\n"
        "  deferred: claims/still_writing.837\n"
        "  held back: encounters/e2.csv\n"
        f"  reasons: {root / 'quarantine'}/<sha256>/ (JSON per file); query audit.quarantine "
        "in /d/warehouse/analytics.duckdb\n"
        "  holds: query audit.file_holds in /d/warehouse/analytics.duckdb; a held file is "
        "checked again every night and released once it passes\n"
    ) in result.output
    assert result.output.startswith("{")  # the run summary (JSON) still comes first


@pytest.mark.parametrize(
    ("summary", "reason"),
    [
        (_summary(files=[_file("x.835", "quarantined", 1)]), "1 file(s) quarantined whole"),
        (
            _summary(files=[_file("e.csv", "partially_quarantined", 2)]),
            "2 row(s) or transaction set(s) quarantined in 1 file(s)",
        ),
        (_summary(deferred=["late.837"], files_in=0), "1 file(s) still being written"),
        (_summary(held=["old.csv"], files_in=0), "1 file(s) held back by the ingestion gate"),
    ],
)
def test_each_kind_of_held_back_input_alone_exits_3(tmp_path, fake_run, summary, reason):
    _rcm("init", "--data-dir", tmp_path / "d")
    fake_run(summary)
    result = _rcm("run", "--data-dir", tmp_path / "d", "--as-of", "2026-06-30")
    assert result.exit_code == 3, result.output
    assert f"published, but some input was held back (exit 3): {reason}" in result.output


def test_held_back_and_nothing_landed_read_the_run_summary():
    assert held_back_input(_summary(files=[_file("a.835", "loaded")]))["any"] is False
    assert held_back_input(_summary(files=[_file("a.835", "duplicate")]))["any"] is False
    left = held_back_input(_summary(files=[_file("e.csv", "partially_quarantined", 5)]))
    assert left["any"] and left["units_quarantined"] == 5
    assert left["files_partially_quarantined"] == ["e.csv"]
    assert nothing_landed(_summary(files_in=0))
    assert not nothing_landed(_summary(deferred=["late.837"], files_in=0))  # it did land
    assert not nothing_landed(_summary(files=[_file("a.835", "loaded")]))


# ---- 4. impossible dates name what is wrong -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a date: February 2026 has 28 days"),
        ("2028-02-30", "2028-02-30 is not a date: February 2028 has 29 days"),
        ("2026-04-31", "2026-04-31 is not a date: April 2026 has 30 days"),
        ("2026-13-01", "2026-13-01 is not a date: there is no month 13 (months are 01-12)"),
        ("2026-00-10", "2026-00-10 is not a date: there is no month 0 (months are 01-12)"),
        ("2026-06-00", "2026-06-00 is not a date: June 2026 has 30 days"),
        ("30/06/2026", "'30/06/2026' is not a date in the form YYYY-MM-DD (e.g. 2026-06-30)"),
    ],
)
def test_an_impossible_as_of_says_why(tmp_path, text, message):
    result = _rcm("run", "--data-dir", tmp_path, "--as-of", text)
    assert result.exit_code == 2
    assert f"Error: Invalid value for '--as-of' (env var: 'RCM_AS_OF'): {message}\n" in (
        result.output
    )


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--as-of", "2026-02-30"],
        ["build", "--as-of", "2026-02-30"],
        ["report", "--as-of", "2026-02-30"],
        ["validate", "--gate", "publish", "--as-of", "2026-02-30"],
        ["generate", "--start", "2026-02-30"],
        ["bench", "--as-of", "2026-02-30"],
        ["bench", "--start", "2026-02-30"],
    ],
)
def test_every_date_option_names_the_impossible_day(tmp_path, command):
    result = _rcm(*command)
    assert result.exit_code == 2
    assert "2026-02-30 is not a date: February 2026 has 28 days" in result.output


def test_an_impossible_as_of_from_the_environment_says_why(tmp_path):
    result = _rcm("run", "--data-dir", tmp_path, env={"RCM_AS_OF": "2026-02-29"})
    assert result.exit_code == 2
    assert "2026-02-29 is not a date: February 2026 has 28 days" in result.output


def test_a_real_date_still_reaches_the_run(tmp_path, fake_run):
    calls = fake_run(_summary(files_in=0))
    assert _rcm("run", "--data-dir", tmp_path, "--as-of", "2028-02-29").exit_code == 0
    assert calls == [(tmp_path.resolve(), dt.date(2028, 2, 29))]
