"""The scenarios the reliability tests share: what lands on night 2, one SIGKILL trial, and the
knobs (`RCM_RELIABILITY`, `RCM_CRASH_SEED`) and hypothesis profiles of the suite."""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from reliability_support import (
    AS_OF_2,
    ChildRun,
    Feed,
    ReaderReport,
    integrity_problems,
    land,
    mart_checksums,
    put,
    rcm,
    run_child,
)

from transforms.settings import Paths

RELIABILITY = os.environ.get("RCM_RELIABILITY") == "1"
CRASH_SEED = int(os.environ.get("RCM_CRASH_SEED", "20261126"))
# the fast run kills twice: once early (discover, codesets, ingest), once later (ingest again or
# the gate, depending on where the first kill left it)
FAST_KILL_WINDOWS = ((0.5, 5.0), (5.0, 10.0))

settings.register_profile(
    "rcm-fast", max_examples=100, deadline=5000, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "rcm-reliability",
    max_examples=5000,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow],
)
FUZZ_PROFILE = "rcm-reliability" if RELIABILITY else "rcm-fast"


def night2_extras(feed: Feed) -> dict[str, bytes]:
    """Hostile files delivered with night 2 (names relative to landing/)."""
    first_835 = feed.files(r"^remits/835_")[0]
    late_835 = [n for n in feed.night2 if n.startswith("remits/835_")][-1]
    extracts = [n for n in feed.night2 if n.startswith("encounters/")] or [
        n for n in feed.night1 if n.startswith("encounters/")
    ]
    biggest = max(extracts, key=lambda name: (feed.landing / name).stat().st_size)
    remittance = (feed.landing / late_835).read_bytes()
    start = re.search(rb"~\s*SE\*", remittance).end()
    bad_se01 = remittance[:start] + b"9" + remittance[start:]  # SE01 n -> 9n: a finding, loads
    clp = re.search(rb"~\s*CLP\*[^*~]*\*[^*~]*\*", remittance).end()
    bad_amount = remittance[:clp] + b"X" + remittance[clp:]  # CLP03 not a number: quarantined
    extract = (feed.landing / biggest).read_text(encoding="utf-8").splitlines()
    bad_rows = [extract[0]] + [
        re.sub(r",\d{4}-\d\d-\d\d,([FMU]),", r",1999-02-30,\1,", line, count=1)
        for line in extract[1:]
    ]
    return {
        "remits/redelivered \"copy\" of 'ünïcødé'\n.835": (feed.landing / first_835).read_bytes(),
        "remits/bad_se01.835": bad_se01,
        "remits/bad_amount.835": bad_amount,
        "encounters/encounters_every_row_bad.csv": ("\n".join(bad_rows) + "\n").encode(),
        "hostile/garbage.bin": random.Random(7).randbytes(4096),
    }


def land_night2(feed: Feed, tree: Path) -> None:
    """Night 2's generated files and its hostile extras, into `tree`/landing."""
    land(feed, feed.night2, tree)
    for name, data in night2_extras(feed).items():
        put(tree, name, data)


@dataclass
class Trial:
    """One SIGKILL: when, what the killed run had logged last, and the published file after it."""

    delay: float
    killed: bool
    returncode: int
    last_stage: str | None
    published: dict[str, tuple[int, str]] | None
    problems: list[str]


@dataclass
class CrashOutcome:
    """The fast crash scenario: the tree, v1, each kill, the published marts when the completing
    run began, that run, what the analyst process saw, the final marts (v2), every run's stderr."""

    tree: Path
    v1: dict[str, tuple[int, str]]
    trials: list[Trial]
    before_recovery: dict[str, tuple[int, str]]
    recovery: ChildRun
    reader: ReaderReport
    v2: dict[str, tuple[int, str]]
    stderr: list[str]


def last_stage(stderr: str) -> str | None:
    """The last pipeline stage a run logged as started (where it was when killed)."""
    stages = re.findall(r"stage (\w+): start", stderr)
    return stages[-1] if stages else None


def kill_trial(tree: Path, delay: float, workdir: Path) -> Trial:
    """`rcm run` on `tree`, SIGKILLed after `delay` seconds; then what the analysts would open."""
    child = run_child(
        rcm("run", "--data-dir", tree, "--as-of", AS_OF_2, debug=True),
        workdir=workdir,
        kill_after=delay,
    )
    db = Paths(tree).analytics_db
    published = mart_checksums(db) if db.exists() else None
    problems = integrity_problems(db, Paths(tree).raw) if db.exists() else ["nothing published"]
    (workdir / "stderr.txt").write_text(child.stderr)
    return Trial(
        delay, child.killed, child.returncode, last_stage(child.stderr), published, problems
    )
