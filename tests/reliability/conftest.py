"""Shared fixtures of the reliability suite: one generated practice, its first night published,
and the crash-and-recover run that several fast tests inspect.

Expensive work happens once per session and every test works on its own copy of a tree:

- `feed`: 150 generated claims (seed 11) split into two nights by the date in each file's name;
- `night1_tree`: night 1 landed and run through the whole pipeline by `rcm run` (published
  version v1); the run starts in the background when the folder's first test runs, and the tests
  that need it are ordered last in the folder, so it overlaps the others;
- `crash_run`: night 2 (with the hostile extras of `reliability_scenarios.night2_extras`) landed on
  a copy of v1, `rcm run` SIGKILLed at seeded random moments, then run to completion (umask 000)
  while an analyst process queries the published file in a loop;
- `clean_v2` (slow tests only): the same night 2 run once, never killed -- the reference.

`RCM_RELIABILITY=1` (`make test-reliability`) turns on the long variants and the larger hypothesis
profile (see `reliability_scenarios`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from reliability_scenarios import (
    CRASH_SEED,
    FAST_KILL_WINDOWS,
    CrashOutcome,
    kill_trial,
    land_night2,
)
from reliability_support import (
    AS_OF_1,
    AS_OF_2,
    Child,
    Feed,
    copy_tree,
    generate_feed,
    integrity_problems,
    land,
    mart_checksums,
    rcm,
    run_child,
    start_reader,
    stop_reader,
)

from transforms.settings import Paths


@pytest.fixture(scope="session")
def feed(tmp_path_factory) -> Feed:
    return generate_feed(tmp_path_factory.mktemp("feed"))


_NEEDS_NIGHT1_KEY = pytest.StashKey[bool]()


def _uses_night1(item: pytest.Item) -> bool:
    return "night1_tree" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Within this folder, run the tests that need the published night 1 last, so that the
    night-1 run (started in the background by `night1_job`) overlaps the other fast tests.
    Other folders' tests keep their places."""
    here = Path(__file__).parent
    slots = [i for i, item in enumerate(items) if Path(str(item.fspath)).is_relative_to(here)]
    mine = [items[i] for i in slots]
    ordered = [item for item in mine if not _uses_night1(item)] + [
        item for item in mine if _uses_night1(item)
    ]
    for slot, item in zip(slots, ordered, strict=True):
        items[slot] = item


def pytest_collection_finish(session: pytest.Session) -> None:
    """Remember whether any selected test (after -k/-m) needs night 1."""
    session.config.stash[_NEEDS_NIGHT1_KEY] = any(_uses_night1(item) for item in session.items)


@pytest.fixture(scope="session", autouse=True)
def night1_job(request, feed, tmp_path_factory):
    """Night 1 landed and `rcm run` started in the background as soon as this folder's first test
    runs (only when a selected test needs it); `night1_tree` waits for it."""
    if not request.config.stash.get(_NEEDS_NIGHT1_KEY, False):
        yield None
        return
    tree = tmp_path_factory.mktemp("night1") / "data"
    land(feed, feed.night1, tree)
    child = Child(
        rcm("run", "--data-dir", tree, "--as-of", AS_OF_1, debug=True), workdir=tree.parent / "run"
    )
    yield tree, child
    child.kill()


@pytest.fixture(scope="session")
def night1_tree(night1_job) -> Path:
    """Night 1 published by the real pipeline (version v1); shared: tests copy it."""
    tree, child = night1_job
    done = child.wait(timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    assert not integrity_problems(Paths(tree).analytics_db, Paths(tree).raw)
    return tree


@pytest.fixture(scope="session")
def crash_run(feed, night1_tree, tmp_path_factory) -> CrashOutcome:
    """Night 2 on a copy of v1: killed twice at seeded random moments, then run to the end while a
    reader process queries the published warehouse."""
    work = tmp_path_factory.mktemp("crash")
    tree = copy_tree(night1_tree, work / "data")
    land_night2(feed, tree)
    paths = Paths(tree)
    v1 = mart_checksums(paths.analytics_db)
    rng = random.Random(CRASH_SEED)
    trials, stderr = [], []
    for index, (low, high) in enumerate(FAST_KILL_WINDOWS):
        trial = kill_trial(tree, round(rng.uniform(low, high), 2), work / f"kill{index}")
        trials.append(trial)
        stderr.append((work / f"kill{index}" / "stderr.txt").read_text())
    before_recovery = mart_checksums(paths.analytics_db)
    reader, stop, report = start_reader(paths.analytics_db, work)
    try:
        recovery = run_child(
            rcm("run", "--data-dir", tree, "--as-of", AS_OF_2, debug=True),
            workdir=work / "recovery",
            umask=0o000,
        )
    finally:
        seen = stop_reader(reader, stop, report)
    stderr.append(recovery.stderr)
    assert recovery.returncode == 0, recovery.stderr[-4000:]
    return CrashOutcome(
        tree,
        v1,
        trials,
        before_recovery,
        recovery,
        seen,
        mart_checksums(paths.analytics_db),
        stderr,
    )


@dataclass
class CleanRun:
    """Night 2 run once on a copy of v1, never killed: the reference every recovery must equal."""

    tree: Path
    marts: dict[str, tuple[int, str]]
    seconds: float


@pytest.fixture(scope="session")
def clean_v2(feed, night1_tree, tmp_path_factory) -> CleanRun:
    work = tmp_path_factory.mktemp("clean")
    tree = copy_tree(night1_tree, work / "data")
    land_night2(feed, tree)
    child = run_child(rcm("run", "--data-dir", tree, "--as-of", AS_OF_2), workdir=work / "run")
    assert child.returncode == 0, child.stderr[-4000:]
    return CleanRun(tree, mart_checksums(Paths(tree).analytics_db), child.seconds)
