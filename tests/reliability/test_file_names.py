"""File names are data: quotes, spaces, unicode, newlines, bytes that are not UTF-8, `..` and
shell or SQL text never lead outside landing/, into SQL, into a shell or into a forged log line;
symbolic links are never followed.

GIVEN good remittances landed under hostile names, and symbolic links to files and folders outside
landing/
WHEN `rcm ingest` runs (a child process in an empty working directory)
THEN every regular file loads under a printable version of its name, nothing is written outside the
data directory (nor in the working directory), quarantine folders are named by hash only, every log
line is one line, and no symbolic link is followed (each is logged).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import duckdb
import pytest
from reliability_support import rcm, run_child

from transforms.ingest.discover import printable_name

HOSTILE_NAMES = [
    'remits/it\'s "quoted".835',
    "remits/with  spaces .835",
    "remits/ünïcødé ∕ 名前.835",
    "remits/new\nline.835",
    "remits/tab\tand\rreturn.835",
    "remits/x'; drop table raw; --.835",
    'remits/"; select 1; --.835',
    "remits/$(touch PWNED).835",
    "remits/`touch PWNED2`.835",
    "remits/a..b...835",
    "remits/evil..\\..\\..\\x.835",
    "remits/" + "L" * 240 + ".835",
    "remits/sub dir/../sibling.835",  # created as remits/sibling.835
]
# dot-files (partial uploads, editors' temporaries) are never picked up, `..`-led ones included
DOT_NAMES = ["remits/..hidden.835", "remits/.partial.835", "remits/..\\..\\outside.835"]
BAD_BYTES_NAME = b"remits/bad\xff\xfe name.835"


def snapshot(folder: Path, *skip: Path) -> set[str]:
    """Every path under `folder` except those under the `skip` folders."""
    return {str(p) for p in folder.rglob("*") if not any(p.is_relative_to(s) for s in skip)}


@pytest.fixture(scope="module")
def named(feed, tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    data, outside = root / "data", root / "outside"
    remits = feed.files(r"^remits/835_")
    assert len(remits) >= len(HOSTILE_NAMES) + len(DOT_NAMES) + 3
    sources = iter(remits)
    landing = data / "landing"
    (landing / "remits" / "sub dir").mkdir(parents=True)
    for name in [*HOSTILE_NAMES, *DOT_NAMES]:
        (landing / name).write_bytes((feed.landing / next(sources)).read_bytes())
    with open(os.fsencode(landing) + b"/" + BAD_BYTES_NAME, "wb") as handle:
        handle.write((feed.landing / next(sources)).read_bytes())
    outside.mkdir()
    secret = outside / "secret.835"
    secret.write_bytes((feed.landing / next(sources)).read_bytes())
    (outside / "folder").mkdir()
    (outside / "folder" / "also.835").write_bytes((feed.landing / next(sources)).read_bytes())
    (landing / "remits" / "absolute-link.835").symlink_to(secret)
    (landing / "remits" / "relative-link.835").symlink_to(Path("../../../outside/secret.835"))
    (landing / "linked-folder").symlink_to(outside / "folder")
    work, cwd = tmp_path_factory.mktemp("names-child"), root / "cwd"
    cwd.mkdir()
    before = snapshot(root, data)
    child = run_child(rcm("ingest", "--data-dir", data), workdir=work, timeout=300, cwd=cwd)
    assert child.returncode == 0, child.stderr[-3000:]
    after = snapshot(root, data)
    return {
        "data": data,
        "result": child.json(),
        "stderr": child.stderr,
        "secret": secret,
        "new_outside": sorted(after - before),
    }


def expected_names() -> set[str]:
    names = {os.path.normpath(name) for name in HOSTILE_NAMES}
    return {printable_name(name) for name in names} | {r"remits/bad\xff\xfe name.835"}


def test_every_regular_file_loads_under_a_printable_name(named):
    files = {item["file_name"]: item for item in named["result"]["files"]}
    # THEN exactly the hostile-named regular files were handled, each loaded
    assert set(files) == expected_names()
    assert {item["status"] for item in files.values()} == {"loaded"}
    # AND no recorded name holds a control character (one name, one log line)
    assert all(name.isprintable() for name in files)


def test_nothing_is_written_outside_the_data_directory(named):
    # THEN no file appeared beside the data directory or in the working directory (no shell ran
    # `touch`, no name was taken as a path)
    assert named["new_outside"] == []
    # AND quarantine and raw file names are hashes, never landed names
    data = named["data"]
    for path in (data / "raw").rglob("*.parquet"):
        assert re.fullmatch(r"[0-9a-f]{64}|_schema|\d{8}T\d{6}\d*Z-[0-9a-f]{6}", path.stem), path


def test_symbolic_links_are_not_followed_and_are_logged(named):
    data = named["data"]
    files = {item["file_name"] for item in named["result"]["files"]}
    # THEN no link and nothing behind one was loaded
    assert not {n for n in files if "link" in n}
    raw = (
        duckdb.connect()
        .execute(
            "select count(*) from read_parquet(?) where file_sha256 = ?",
            [
                str(data / "raw" / "x835_payments" / "*.parquet"),
                hashlib.sha256(named["secret"].read_bytes()).hexdigest(),
            ],
        )
        .fetchone()[0]
    )
    assert raw == 0
    # AND each link was logged as not followed
    for name in ("remits/absolute-link.835", "remits/relative-link.835", "linked-folder"):
        assert f"landing: {name} is a symbolic link" in named["stderr"], name


def test_log_lines_stay_one_line_each(named):
    # THEN every stderr line is a log record (timestamp first): no name split a line
    lines = [line for line in named["stderr"].splitlines() if line]
    assert lines and all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d ", line) for line in lines), [
        line for line in lines if not re.match(r"\d{4}-", line)
    ][:3]


def test_hostile_names_reach_the_published_warehouse_intact(crash_run):
    # GIVEN night 2 delivered a copy under a name with quotes, unicode and a newline
    con = duckdb.connect(str(crash_run.tree / "warehouse" / "analytics.duckdb"), read_only=True)
    try:
        names = [
            n
            for (n,) in con.execute(
                "select file_name from audit.file_manifest where file_name like ?",
                ["%redelivered%"],
            ).fetchall()
        ]
    finally:
        con.close()
    # THEN dbt, the gates and publish carried its printable name through as data
    assert names == ["remits/redelivered \"copy\" of 'ünïcødé'\\x0a.835"]
