"""PHI: no patient identifier in logs, reasons, audit tables or reports; private data owner-only.

The identifiers are read from the generated inputs themselves: every `patient_id` of the encounter
extracts and every member id (NM1*IL / NM1*QC NM109) of the 837s. They are searched as whole
tokens in the bytes of everything the runs write for people to read: stderr of every `rcm --debug
run` (killed or not), dbt's log, quarantine reasons, the landing index, the audit and quality
schemas of the published warehouse, and every report file (xlsx members opened). The runs handle
hostile extras on purpose (a bad SE01 in an 835 full of names and member ids, an extract whose
every row is rejected) so that reasons about rows holding identifiers exist.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from reliability_scenarios import night2_extras
from reliability_support import (
    AS_OF_1,
    ROOT,
    child_env,
    files_under,
    identifier_pattern,
    land,
    mode_problems,
    phi_hits,
    put,
    rcm,
    schema_tables_as_text,
)

from transforms.settings import Paths


@pytest.fixture(scope="module")
def pattern(feed):
    return identifier_pattern(feed.identifiers)


def test_the_search_finds_identifiers_where_they_are(feed, pattern):
    # GIVEN the generated inputs  THEN the search finds identifiers in them (it is not vacuous)
    assert len(feed.patient_ids) >= 20 and len(feed.member_ids) >= 20
    assert phi_hits(pattern, files_under(feed.landing / "encounters"))
    assert phi_hits(pattern, files_under(feed.landing / "claims"))
    # AND it matches whole tokens only (an id inside a longer token is another value)
    some = min(feed.patient_ids)
    assert phi_hits(pattern, [("x", f"id {some}, ".encode())])
    assert not phi_hits(pattern, [("x", f"id X{some}9 ".encode())])


def test_run_logs_name_no_patient(crash_run, night1_tree, pattern):
    # GIVEN stderr of every `rcm --debug run` (night 1; night 2 killed twice, then complete) and
    # dbt's own log
    night1 = (night1_tree.parent / "run" / "child.stderr").read_text()
    assert len(crash_run.stderr) == 3 and "stage ingest: start" in crash_run.stderr[-1]
    assert "DEBUG" in night1 and "stage report: done" in night1
    blobs = [
        (f"stderr of run {i}", text.encode()) for i, text in enumerate([night1, *crash_run.stderr])
    ]
    blobs += list(files_under(Paths(crash_run.tree).logs))
    # THEN no identifier appears in any of them
    assert phi_hits(pattern, blobs) == []


def test_quarantine_reasons_and_audit_tables_name_no_patient(crash_run, pattern):
    paths = Paths(crash_run.tree)
    reasons = sorted(paths.quarantine.rglob("*.json"))
    # GIVEN reasons for the hostile extras (an 835 transaction set, rows of an extract)
    assert len(reasons) >= 3
    rules = " ".join(path.read_text() for path in reasons)
    assert "invalid_amount" in rules and "not_a_date" in rules
    # THEN neither the reasons, the landing index, nor the audit and quality schemas of the
    # published warehouse hold an identifier
    blobs = list(files_under(*reasons, paths.manifest / "landing_index.json"))
    blobs += list(schema_tables_as_text(paths.analytics_db, ["audit", "quality"]))
    assert {where.split(":")[-1] for where, _ in blobs} >= {
        "audit.quarantine",
        "audit.file_manifest",
        "audit.file_findings",
    }
    assert phi_hits(pattern, blobs) == []


def test_reports_name_no_patient(crash_run, pattern):
    reports = Paths(crash_run.tree).reports
    blobs = list(files_under(reports))
    # GIVEN every report file of both nights (HTML, CSVs, xlsx members, Data Docs)
    names = {Path(where.split("!")[0]).name for where, _ in blobs}
    assert {"denial_report.html", "denial_report.xlsx", "run_summary.json"} <= names
    # THEN none holds an identifier
    assert phi_hits(pattern, blobs) == []


def test_raw_and_quarantine_are_owner_only_whatever_the_umask(crash_run):
    # GIVEN the final run made with umask 000 (every default mode world-writable)
    paths = Paths(crash_run.tree)
    # THEN every raw and quarantine file is 0600 and every folder 0700
    assert mode_problems(paths.raw) == []
    assert mode_problems(paths.quarantine) == []


def test_published_warehouse_is_owner_read_only(crash_run):
    # THEN the file analysts open is 0400: nobody writes it (README: group read via
    # RCM_PUBLISHED_FILE_MODE=0640, which becomes 0440)
    assert Paths(crash_run.tree).analytics_db.stat().st_mode & 0o777 == 0o400


def test_published_warehouse_holds_the_minimum_necessary(crash_run, pattern):
    # GIVEN the published warehouse of the completed night
    db = Paths(crash_run.tree).analytics_db
    con = duckdb.connect(str(db), read_only=True)
    schemas = {
        r[0]
        for r in con.execute(
            "select distinct table_schema from information_schema.tables"
        ).fetchall()
    }
    con.close()
    # THEN it has the analysts' schemas only (staging and intermediate stay in build.duckdb)
    assert schemas == {"marts", "audit", "quality", "ref"}
    # AND no MRN or member id appears in any of its tables
    blobs = list(schema_tables_as_text(db, sorted(schemas)))
    assert len(blobs) >= 30
    assert phi_hits(pattern, blobs) == []


def test_whole_warehouse_folder_is_owner_only(crash_run):
    # THEN warehouse/ (0700) and everything in it (build.duckdb, its WAL, the lock) are owner-only
    # (the published file is read-only on top: checked above)
    warehouse = Paths(crash_run.tree).warehouse
    problems = mode_problems(warehouse)
    assert problems == ["warehouse/analytics.duckdb: 0o400 (expected 0o600)"]


@pytest.mark.slow
def test_airflow_task_logs_name_no_patient(feed, pattern, tmp_path):
    # GIVEN night 1 and the hostile extras run by the real DAG (`airflow dags test`, a private
    # AIRFLOW_HOME): task logs go to the command's output, any log files under AIRFLOW_HOME/logs
    data, home = tmp_path / "data", tmp_path / "airflow"
    land(feed, feed.night1, data)
    for name, content in night2_extras(feed).items():
        put(data, name, content)
    env = child_env(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        RCM_DATA_DIR=str(data),
        AIRFLOW__LOGGING__BASE_LOG_FOLDER=str(home / "logs"),
    )
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [airflow, "pools", "set", "rcm_warehouse_writer", "1", "one writer"],
        env=env,
        check=True,
        capture_output=True,
    )
    run = subprocess.run(
        [airflow, "dags", "test", "billing_nightly", AS_OF_1.isoformat()],
        check=False,
        env=env,
        capture_output=True,
        timeout=1800,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    # the output really holds the tasks' own logs, quarantine warnings included
    assert b"task_id=ingest" in output and b"[rcm.ingest]" in output
    assert b"bad_se01.835 -> quarantined" in output
    # THEN neither the output, nor any Airflow log file, nor the reports and dbt's log hold an
    # identifier
    blobs = [("airflow dags test output", output)]
    blobs += list(files_under(home / "logs", Paths(data).reports, Paths(data).logs))
    assert phi_hits(pattern, blobs) == []


def test_what_rcm_writes_is_owner_only_whatever_the_umask(tmp_path):
    # GIVEN the permissive umask most accounts have (022: files 0644 in 0755 folders)
    out = tmp_path / "data"

    def permissive():
        os.umask(0o022)

    # WHEN rcm generates a practice's landing files (member ids, birth dates, names)
    done = subprocess.run(
        rcm("generate", "--out", out, "--claims", "20", "--days", "10", "--seed", "3"),
        env=child_env(),
        capture_output=True,
        check=False,
        preexec_fn=permissive,
    )
    assert done.returncode == 0, done.stderr
    # THEN every file is 0600 and every folder 0700 (RCM_PUBLISHED_FILE_MODE=0640 shares with the
    # group instead)
    written = [p for p in (out / "landing").rglob("*") if p.is_file()]
    assert len(written) >= 3
    assert [p for p in written if p.stat().st_mode & 0o077] == []
    assert [
        p for p in (out / "landing").rglob("*") if p.is_dir() and p.stat().st_mode & 0o077
    ] == []
