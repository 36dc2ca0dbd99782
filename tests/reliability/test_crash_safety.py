"""Crash safety: `rcm run` SIGKILLed at random moments never damages what analysts read, and the
next run finishes the job without loading anything twice.

GIVEN a published warehouse (night 1, version v1) and night 2's files landed
WHEN `rcm run` is killed (SIGKILL, seeded random delays) and run again
THEN after every kill the published file opens read-only, passes its integrity checks and is
exactly v1 or the new version; the run after the kills completes with no duplicate raw rows, no
file loaded twice, and unique mart keys. The slow variant repeats this 20+ times on fresh copies
and compares every recovered warehouse with a clean, never-killed run.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from reliability_scenarios import CRASH_SEED, kill_trial, land_night2
from reliability_support import (
    AS_OF_2,
    Child,
    copy_tree,
    gate_coverage,
    integrity_problems,
    land,
    mart_checksums,
    put,
    raw_duplicate_problems,
    rcm,
    run_child,
)

from transforms.settings import Paths


def test_every_kill_leaves_the_previous_or_the_new_version(crash_run):
    # GIVEN night 2's run killed at two seeded moments (one early, one late)
    assert crash_run.trials and all(t.killed for t in crash_run.trials), [
        (t.delay, t.returncode) for t in crash_run.trials
    ]
    for trial in crash_run.trials:
        # THEN the published file still opens and passes its checks
        assert trial.problems == [], (trial.delay, trial.last_stage, trial.problems)
        # AND it is exactly the previous version or exactly the new one, never a mix
        assert trial.published in (crash_run.v1, crash_run.v2), (trial.delay, trial.last_stage)
    assert crash_run.v2 != crash_run.v1  # night 2 really changed the marts


def test_the_run_after_the_kills_completes_without_duplicates(crash_run, feed):
    paths = Paths(crash_run.tree)
    # THEN the recovered warehouse passes its integrity checks (keys unique, payments reconcile)
    assert integrity_problems(paths.analytics_db, paths.raw) == []
    # AND raw has no row twice, no file is loaded twice, every raw file has a manifest entry
    assert raw_duplicate_problems(crash_run.tree) == []
    # AND every night-2 file was handled exactly once across the killed and the final runs
    summary = json.loads((paths.reports / AS_OF_2.isoformat() / "run_summary.json").read_text())
    totals = summary["ingest"]["totals"]
    assert totals["in"] == totals["loaded"] + totals["duplicate"] + totals["quarantined"]


def test_a_run_killed_before_its_manifest_leaves_nothing_behind(feed, tmp_path):
    from transforms.ingest import ingest

    # GIVEN an ingest that wrote raw files and quarantine records but was killed before its
    # manifest (the commit record) -- simulated by removing that manifest afterwards
    data = tmp_path / "data"
    land(feed, feed.files(r"^remits/835_")[:3], data)
    put(data, "remits/bad.835", b"ISA*" + bytes(range(256)))
    first = ingest(data)
    Path(first["manifest_path"]).unlink()
    # WHEN the next run comes
    again = ingest(data)
    # THEN it handles every file again, once: one set of quarantine records (the orphans of the
    # killed run are gone), raw rows not doubled, every raw file and record accounted for
    assert again["totals"]["files_in"] == 4
    records = list((data / "raw" / "quarantine_records").glob("2*.parquet"))
    assert [p.stem for p in records] == [again["ingest_run_id"]]
    assert raw_duplicate_problems(data) == []


def test_a_publish_killed_mid_copy_leaves_no_copy_behind(tmp_path):
    import duckdb

    from transforms.publish import publish

    # GIVEN a build database and the half copy a publish killed mid-copy left (its pid is gone)
    paths = Paths(tmp_path)
    paths.warehouse.mkdir(parents=True)
    con = duckdb.connect(str(paths.build_db))
    con.execute("create schema marts; create table marts.t as select 1 as v")
    con.close()
    stale = paths.warehouse / ".analytics.duckdb.999999999.tmp"
    stale.write_bytes(b"half a copy")
    # WHEN the next publish runs  THEN it removes the dead run's copy
    publish(tmp_path)
    assert not stale.exists()


@pytest.mark.slow
def test_twenty_kills_at_random_moments_then_a_clean_recovery(
    feed, night1_tree, clean_v2, tmp_path
):
    # GIVEN a clean, never-killed night-2 run's marts (v2) and its wall time
    trials = int(os.environ.get("RCM_CRASH_TRIALS", "20"))
    v1 = mart_checksums(Paths(night1_tree).analytics_db)
    rng = random.Random(CRASH_SEED + 1)
    log = []
    for index in range(trials):
        tree = copy_tree(night1_tree, tmp_path / f"t{index}" / "data")
        land_night2(feed, tree)
        # WHEN the run is killed anywhere between its start and its normal end
        delay = round(rng.uniform(0.3, clean_v2.seconds * 1.05), 2)
        trial = kill_trial(tree, delay, tmp_path / f"t{index}" / "kill")
        # THEN what analysts open is whole: v1 or v2, integrity checks pass
        assert trial.problems == [], (index, delay, trial.last_stage, trial.problems)
        assert trial.published in (v1, clean_v2.marts), (index, delay, trial.last_stage)
        # AND the next normal run completes with nothing loaded twice and the clean run's marts
        again = run_child(
            rcm("run", "--data-dir", tree, "--as-of", AS_OF_2),
            workdir=tmp_path / f"t{index}" / "recover",
        )
        assert again.returncode == 0, again.stderr[-3000:]
        assert raw_duplicate_problems(tree) == [], index
        paths = Paths(tree)
        assert integrity_problems(paths.analytics_db, paths.raw) == [], index
        recovered = mart_checksums(paths.analytics_db)
        validated, loaded = gate_coverage(paths.analytics_db, paths.raw)
        log.append(
            {
                "trial": index,
                "delay": delay,
                "stage": trial.last_stage,
                "published_after_kill": "v1" if trial.published == v1 else "v2",
                "recovered_equals_clean": recovered == clean_v2.marts,
                "rows_gated": validated,
                "rows_loaded": loaded,
            }
        )
    (tmp_path / "trials.json").write_text(json.dumps(log, indent=1))
    print("\n" + "\n".join(json.dumps(entry) for entry in log))
    # every recovered warehouse equals the clean run's -- except, for now, after a kill between
    # the end of ingest and the gate's record: the next run gates only what it loads itself, so
    # the killed run's batch is never validated (test_a_batch_loaded_by_a_killed_run_is_gated)
    unexplained = [
        entry
        for entry in log
        if not entry["recovered_equals_clean"] and entry["rows_gated"] == entry["rows_loaded"]
    ]
    assert unexplained == []


@pytest.mark.slow
def test_a_batch_loaded_by_a_killed_run_is_gated(feed, night1_tree, tmp_path):
    from transforms.pipeline import run_pipeline, stage_ingest

    # GIVEN night 2 ingested by a run that was then killed (before its gate recorded anything)
    tree = copy_tree(night1_tree, tmp_path / "data")
    land_night2(feed, tree)
    stage_ingest(tree)
    # WHEN the next run completes
    run_pipeline(tree, AS_OF_2, run_id="after-kill")
    # THEN every encounter row loaded was validated by an ingestion gate
    paths = Paths(tree)
    validated, loaded = gate_coverage(paths.analytics_db, paths.raw)
    assert validated == loaded


@pytest.mark.slow
def test_kills_during_publish_leave_a_whole_warehouse(feed, night1_tree, clean_v2, tmp_path):
    # GIVEN runs killed within 0-300 ms after they log the start of the publish stage (the
    # copy, fsync and rename of analytics.duckdb), a window random delays rarely hit
    trials = int(os.environ.get("RCM_PUBLISH_KILL_TRIALS", "3"))
    v1 = mart_checksums(Paths(night1_tree).analytics_db)
    rng = random.Random(CRASH_SEED + 2)
    for index in range(trials):
        tree = copy_tree(night1_tree, tmp_path / f"p{index}" / "data")
        land_night2(feed, tree)
        child = Child(
            rcm("run", "--data-dir", tree, "--as-of", AS_OF_2),
            workdir=tmp_path / f"p{index}" / "kill",
        )
        assert child.wait_for("stage publish: start")
        time.sleep(rng.uniform(0.0, 0.3))
        killed = child.wait(kill_after=0)
        # THEN what analysts open is whole, v1 or v2
        paths = Paths(tree)
        assert integrity_problems(paths.analytics_db, paths.raw) == [], index
        assert mart_checksums(paths.analytics_db) in (v1, clean_v2.marts), (index, killed.killed)
        # AND the next run completes with the clean run's marts, nothing doubled
        again = run_child(
            rcm("run", "--data-dir", tree, "--as-of", AS_OF_2),
            workdir=tmp_path / f"p{index}" / "recover",
        )
        assert again.returncode == 0, again.stderr[-3000:]
        assert mart_checksums(paths.analytics_db) == clean_v2.marts
        assert raw_duplicate_problems(tree) == []
        leftovers = sorted(p.name for p in paths.warehouse.glob(".analytics.duckdb.*.tmp"))
        print(f"\npublish kill {index}: killed={killed.killed}, leftover copies: {leftovers}")
