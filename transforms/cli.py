"""`rcm`: the command line. Every command calls one function of the `transforms` package.

Options fall back to environment variables (see `transforms.settings` and the README's
configuration table). Errors print as one sentence; `--debug` shows the traceback.
Heavy modules (dbt, Great Expectations, Airflow) are imported inside commands, never at start-up.
"""

from __future__ import annotations

import calendar
import datetime as dt
import errno
import json
import os
import re
import sys
from pathlib import Path

import click

from transforms import log, settings
from transforms.errors import EXIT_HELD_BACK, DataDirMissing, RcmError

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date, or ValueError saying precisely what is wrong with `text`."""
    found = _ISO_DATE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD (e.g. 2026-06-30)")
    year, month, day = (int(part) for part in found.groups())
    if year < dt.MINYEAR:
        raise ValueError(f"{text} is not a date: there is no year 0")
    if not 1 <= month <= 12:
        raise ValueError(f"{text} is not a date: there is no month {month} (months are 01-12)")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            f"{text} is not a date: {calendar.month_name[month]} {year} has {last} days"
        )
    return dt.date(year, month, day)


class DateParam(click.ParamType):
    """A YYYY-MM-DD option (also from its environment variable) that names the impossible part:
    `2026-02-30 is not a date: February 2026 has 28 days`. Exit code 2, as for any bad option."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()

DATA_DIR_OPTION = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=settings.ENV_DATA_DIR,
    default=settings.DEFAULT_DATA_DIR,
    show_default=True,
    show_envvar=True,
    help="Root of the data tree (landing/, raw/, quarantine/, warehouse/, reports/).",
)
AS_OF_OPTION = click.option(
    "--as-of",
    type=DATE,
    envvar=settings.ENV_AS_OF,
    default=None,
    show_envvar=True,
    help="Logical date of the run (YYYY-MM-DD); date-dependent measures use it. Default: today.",
)


def _as_date(value: dt.date | None) -> dt.date:
    return value or dt.date.today()


def _data_dir(value: Path | None) -> Path:
    """The data directory a command reads, which must exist: a mistyped path must not build and
    publish an empty warehouse. `rcm init` creates one; `rcm generate` fills one with demo data."""
    root = settings.data_dir(value)
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "does not exist"
        raise DataDirMissing(
            f"data directory {root} {what}; create it with `rcm init --data-dir {root}` "
            f"(or write demo data into it with `rcm generate --out {root}`)"
        )
    return root


def _echo_json(payload: object) -> None:
    click.echo(json.dumps(payload, indent=2, default=str))


def disk_full(exc: BaseException) -> BaseException | None:
    """The ENOSPC error (an OSError, or DuckDB's text for one) in `exc` or anything it was raised
    from; None when the disk was not full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return current
        if "no space left on device" in str(current).lower():
            return current
        current = current.__cause__ or current.__context__
    return None


_QUOTED_FILE = re.compile(r'file "([^"]+)"')


def disk_full_message(error: BaseException) -> str:
    """One sentence for a full disk: the file being written and the folder to free space in."""
    name = error.filename if isinstance(error, OSError) else None
    if not name:
        found = _QUOTED_FILE.search(str(error))  # DuckDB: Could not write file "<path>": ...
        name = found.group(1) if found else None
    if name:
        path = Path(os.fsdecode(name))
        where = f"while writing {path}: free space in {path.parent}"
    else:
        where = "while writing under the data directory: free space there"
    return (
        f"disk full (no space left on device) {where} and rerun; a stopped run never leaves "
        "the published warehouse half-written"
    )


class RcmGroup(click.Group):
    """Turns expected errors into one clear sentence unless --debug is set."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except RcmError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            full = disk_full(exc)
            click.echo(f"error: {disk_full_message(full) if full else exc}", err=True)
            sys.exit(1 if full else exc.exit_code)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            full = disk_full(exc)
            if full is not None:
                click.echo(f"error: {disk_full_message(full)}", err=True)
                sys.exit(1)
            click.echo(
                f"error: {type(exc).__name__}: {exc} (rerun with --debug for details)", err=True
            )
            sys.exit(1)


@click.group(cls=RcmGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks and debug logging.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Revenue-cycle billing analytics: X12 835/837 and coded services into a DuckDB warehouse."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    settings.apply_umask()  # what rcm writes is owner-only unless the group setting is given
    log.configure(debug)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=settings.ENV_DATA_DIR,
    default=settings.DEFAULT_DATA_DIR,
    show_default=True,
    show_envvar=True,
    help="Data directory; files are written under OUT/landing/.",
)
@click.option(
    "--claims",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Number of claims to generate.",
)
@click.option(
    "--start",
    type=DATE,
    default="2026-01-01",
    show_default=True,
    help="First date of service.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=180,
    show_default=True,
    help="Number of days of service the claims spread over.",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Random seed (same seed, same bytes)."
)
@click.option(
    "--defect-rate",
    type=click.FloatRange(0, 1),
    default=0.06,
    show_default=True,
    help="Share of claims with an injected coding defect.",
)
def generate(
    out: Path, claims: int, start: dt.date, days: int, seed: int, defect_rate: float
) -> None:
    """Write a synthetic practice's nightly files: encounters CSV, 837P claims, 835 remittances."""
    from transforms.generate import generate as run_generate

    summary = run_generate(
        out=out, claims=claims, start=start, days=days, seed=seed, defect_rate=defect_rate
    )
    _echo_json(summary)


@main.command()
@DATA_DIR_OPTION
def init(data_dir: Path) -> None:
    """Create an empty data directory: landing/ (with encounters/, patient_payments/, claims/,
    remits/), raw/, quarantine/, warehouse/ and reports/. Says what it created; an existing
    folder is left as it is."""
    root = settings.data_dir(data_dir)  # a file in the way is refused by the option itself
    created = settings.Paths(root).init()
    if created:
        click.echo(f"created {len(created)} folder(s) under {root}:")
        for folder in created:
            click.echo(f"  {folder.relative_to(root.parent)}/")
    else:
        click.echo(f"{root} already has every folder; nothing created")
    click.echo(
        f"next: drop files into {settings.Paths(root).landing}/ (or `rcm generate --out {root}` "
        f"for demo data), then `rcm run --data-dir {root}`"
    )


@main.command()
@DATA_DIR_OPTION
def ingest(data_dir: Path) -> None:
    """Load every new file under DATA_DIR/landing/ into the raw Parquet layer (once only)."""
    from transforms.pipeline import stage_ingest

    _echo_json(stage_ingest(_data_dir(data_dir)))


@main.command()
@DATA_DIR_OPTION
def codesets(data_dir: Path) -> None:
    """Build the reference code sets (ICD-10-CM from its package, CARC, POS...) under DATA_DIR/ref/."""
    from transforms.codesets import build_codesets

    _echo_json(build_codesets(_data_dir(data_dir)))


@main.command()
@DATA_DIR_OPTION
@AS_OF_OPTION
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Rebuild every model from the raw layer instead of recomputing only the claims "
    "touched since the last build.",
)
@click.option(
    "--engine",
    type=click.Choice(settings.ENGINES),
    envvar=settings.ENV_ENGINE,
    default=settings.DEFAULT_ENGINE,
    show_envvar=True,
    show_default=True,
    help="duckdb: the build database (incremental). spark: dbt-spark on a local pyspark session, "
    "always a full rebuild, every model as Parquet under DATA_DIR/warehouse/spark/tables/.",
)
@click.option(
    "--unit-tests",
    is_flag=True,
    help="Also run dbt's unit tests (the SQL logic on fixed rows; the test suite runs them, a "
    "nightly build leaves them out).",
)
def build(
    data_dir: Path, as_of: dt.date | None, full_refresh: bool, engine: str, unit_tests: bool
) -> None:
    """Run `dbt build` into the private build database (DATA_DIR/warehouse/build.duckdb), or on
    Spark with --engine spark."""
    from transforms.locking import run_lock
    from transforms.warehouse import build as run_build

    root, day = _data_dir(data_dir), _as_date(as_of)
    with run_lock(root, as_of=day, command="build"):
        _echo_json(
            run_build(root, day, full_refresh=full_refresh, engine=engine, unit_tests=unit_tests)
        )


@main.command()
@DATA_DIR_OPTION
@AS_OF_OPTION
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    default=("marts",),
    show_default=True,
    help="Schema whose every table is compared (repeat for several).",
)
@click.option(
    "--spark-tests/--no-spark-tests",
    default=False,
    show_default=True,
    help="Also run dbt's data and unit tests in the Spark build (the DuckDB build always does).",
)
def parity(
    data_dir: Path, as_of: dt.date | None, schemas: tuple[str, ...], spark_tests: bool
) -> None:
    """Build DATA_DIR's raw layer on DuckDB and on Spark and compare every mart row for row.

    Per table it logs rows on each side, rows only in DuckDB, rows only in Spark and the columns
    that differ; money and rates must be equal to the last digit. The last line printed is one
    JSON summary. Exit code 0 only when every table is equal, 1 when any differs.
    """
    from transforms.locking import run_lock
    from transforms.warehouse.parity import parity as run_parity

    root, day = _data_dir(data_dir), _as_date(as_of)
    with run_lock(root, as_of=day, command="parity"):
        result = run_parity(root, day, schemas=schemas, spark_tests=spark_tests)
    for name, table in result.pop("tables").items():
        click.echo(f"{name}: {json.dumps(table)}", err=True)
    click.echo(json.dumps(result))
    sys.exit(0 if result["equal"] else 1)


@main.command()
@DATA_DIR_OPTION
@AS_OF_OPTION
@click.option(
    "--gate",
    type=click.Choice(["ingestion", "publish"]),
    required=True,
    help="Which gate: 'ingestion' on every raw batch no gate has passed yet, "
    "'publish' on the built marts.",
)
@click.option("--run-id", default=None, help="Run id to record results under (default: generated).")
def validate(data_dir: Path, as_of: dt.date | None, gate: str, run_id: str | None) -> None:
    """Run a Great Expectations gate; exit 1 when a blocking critical expectation fails.

    The ingestion gate checks every loaded batch no ingestion gate has passed yet (the same ledger
    the nightly DAG and `rcm run` keep), so batches loaded by separate `rcm ingest` runs are all
    checked once, plus every held file. A critical row failure in specific files holds back those
    files (listed under `held_files`) and does not fail the command.
    """
    from transforms.pipeline import stage_gate

    _echo_json(stage_gate(gate, _data_dir(data_dir), _as_date(as_of), run_id))


PUBLISH_BACKFILL_OPTION = click.option(
    "--publish-backfill",
    is_flag=True,
    help="Let a build for an earlier as-of date replace the published warehouse.",
)


@main.command()
@DATA_DIR_OPTION
@PUBLISH_BACKFILL_OPTION
def publish(data_dir: Path, publish_backfill: bool) -> None:
    """Publish the audited build (marts, audit, quality, ref) as DATA_DIR/warehouse/analytics.duckdb.

    Refused when the build is for an earlier as-of date than the published warehouse, unless
    --publish-backfill."""
    from transforms.pipeline import stage_publish

    _echo_json(stage_publish(_data_dir(data_dir), replace_newer=publish_backfill))


@main.command()
@DATA_DIR_OPTION
@AS_OF_OPTION
@click.option(
    "--backfill",
    is_flag=True,
    help="Report an as-of date earlier than the published warehouse's from that date's backfill "
    "(warehouse/backfill/, written by `rcm run --backfill`).",
)
def report(data_dir: Path, as_of: dt.date | None, backfill: bool) -> None:
    """Write the denial report (HTML, XLSX, CSVs) to DATA_DIR/reports/<as-of>/.

    An as-of earlier than the published warehouse's is refused (code 2) without --backfill."""
    from transforms.pipeline import stage_report

    _echo_json(stage_report(_data_dir(data_dir), _as_date(as_of), backfill=backfill))


@main.command()
@DATA_DIR_OPTION
@AS_OF_OPTION
@click.option(
    "--backfill",
    is_flag=True,
    help="Allow an as-of date earlier than the published warehouse's: build, check and report "
    "it, published to warehouse/backfill/ (the current warehouse is kept).",
)
@PUBLISH_BACKFILL_OPTION
def run(data_dir: Path, as_of: dt.date | None, backfill: bool, publish_backfill: bool) -> None:
    """Run the whole nightly pipeline without Airflow: ingest, gates, build, publish, report.

    Prints the run summary (JSON) on stdout and what it means on stderr. Exit codes: 0 published
    (also when nothing new landed); 3 published, but some input was held back (files or rows
    quarantined, files still being written, files held back by the ingestion gate); 1 failed,
    nothing published; 2 refused before starting (missing DATA_DIR, an as-of earlier than the
    published warehouse's without --backfill); 75 another run holds DATA_DIR."""
    from transforms.pipeline import held_back_input, nothing_landed, run_pipeline

    root, day = _data_dir(data_dir), _as_date(as_of)
    summary = run_pipeline(
        root, day, backfill=backfill or publish_backfill, publish_backfill=publish_backfill
    )
    _echo_json(summary)
    paths = settings.Paths(root)
    if nothing_landed(summary):
        click.echo(
            f"nothing landed in {paths.landing}: no new file since the last run; the warehouse "
            f"as of {day} was rebuilt from what was already loaded and published",
            err=True,
        )
    left_out = held_back_input(summary)
    if left_out["any"]:
        _explain_held_back(left_out, paths, summary)
        sys.exit(EXIT_HELD_BACK)


def _explain_held_back(left_out: dict, paths: settings.Paths, summary: dict) -> None:
    """What a published night left out, and where to look (file names only, never values)."""
    parts = []
    if left_out["files_quarantined"]:
        parts.append(f"{len(left_out['files_quarantined'])} file(s) quarantined whole")
    if left_out["files_partially_quarantined"]:
        parts.append(
            f"{left_out['units_quarantined']} row(s) or transaction set(s) quarantined in "
            f"{len(left_out['files_partially_quarantined'])} file(s)"
        )
    if left_out["files_deferred"]:
        parts.append(
            f"{len(left_out['files_deferred'])} file(s) still being written, deferred to the "
            "next run"
        )
    if left_out["files_held"]:
        parts.append(f"{len(left_out['files_held'])} file(s) held back by the ingestion gate")
    published = (summary.get("publish") or {}).get("published") or str(paths.analytics_db)
    click.echo(
        f"published, but some input was held back (exit {EXIT_HELD_BACK}): " + "; ".join(parts),
        err=True,
    )
    listed = [
        *(f"  quarantined: {name}" for name in left_out["files_quarantined"]),
        *(f"  partly quarantined: {name}" for name in left_out["files_partially_quarantined"]),
        *(f"  deferred: {name}" for name in left_out["files_deferred"]),
        *(f"  held back: {name}" for name in left_out["files_held"]),
    ]
    for line in listed[:20]:
        click.echo(line, err=True)
    if len(listed) > 20:
        click.echo(f"  ... and {len(listed) - 20} more", err=True)
    if left_out["files_quarantined"] or left_out["files_partially_quarantined"]:
        click.echo(
            f"  reasons: {paths.quarantine}/<sha256>/ (JSON per file); query "
            f"audit.quarantine in {published}",
            err=True,
        )
    if left_out["files_held"]:
        click.echo(
            f"  holds: query audit.file_holds in {published}; a held file is checked again "
            "every night and released once it passes",
            err=True,
        )


@main.command()
@click.option(
    "--sizes",
    default="10000,100000,1000000",
    show_default=True,
    help="Comma-separated numbers of claims to generate and run.",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="bench",
    show_default=True,
    help="Scratch folder for generated data and results.",
)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default="2026-10-15",
    show_default=True,
    help="Logical date of the measured runs.",
)
@click.option(
    "--start",
    type=DATE,
    default="2026-03-01",
    show_default=True,
    help="First service date of the generated claims.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=180,
    show_default=True,
    help="Days of service the claims spread over.",
)
@click.option(
    "--peers/--no-peers",
    default=True,
    show_default=True,
    help="Also run edi-835-parser, pyx12 and DuckDB on the same 835 bytes.",
)
@click.option(
    "--increment/--no-increment",
    default=False,
    show_default=True,
    help="Hold back the last full day of files, then land them and time the nightly DAG run "
    "(airflow dags test) on the built warehouse.",
)
@click.option(
    "--x12",
    is_flag=True,
    default=False,
    help="Instead of the stages: our 835 reading against oxedi (and edi-835-parser, pyx12) on a "
    "32 MB single payment, a 10-file batch and a 100 MB transaction set, as whole processes "
    "(CPU, wall, peak RSS); python -m transforms.harness.x12_peers sets the sizes.",
)
def bench(
    sizes: str,
    work_dir: Path,
    as_of: dt.date,
    start: dt.date,
    days: int,
    peers: bool,
    increment: bool,
    x12: bool,
) -> None:
    """Measure every stage (wall time, peak RSS) on generated data sets, with peers in the same run."""
    if x12:
        from transforms.harness.x12_peers import run_peer_benchmark

        click.echo(run_peer_benchmark(work_dir)["table"])
        return
    from transforms.harness.bench import run_bench

    result = run_bench(
        [int(s) for s in sizes.split(",") if s],
        work_dir,
        as_of,
        start,
        days,
        peers,
        increment,
    )
    click.echo(result["table"])


@main.group()
def quarantine() -> None:
    """What ingestion set aside under DATA_DIR/quarantine/."""


@quarantine.command("release")
@DATA_DIR_OPTION
@click.argument("key")
def quarantine_release(data_dir: Path, key: str) -> None:
    """Let the next ingest read a wholly quarantined file again: KEY is its SHA-256 (8+ hex digits)
    or its name under landing/. Put the corrected bytes in landing/ first when they changed."""
    from transforms.ingest.release import release

    _echo_json(release(_data_dir(data_dir), key))


@main.group()
def x12() -> None:
    """Tools for X12 files."""


@x12.command("inspect")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--strict",
    is_flag=True,
    help="The old rule: envelope defects (SE01/SE02, GE01/GE02, IEA01/IEA02) reject the "
    "transaction sets they enclose, and any finding makes the exit code 2.",
)
def x12_inspect(files: tuple[Path, ...], strict: bool) -> None:
    """Print one JSON object per FILE: envelopes, versions, claims, lines, money totals, balance
    errors, `findings` (defects that leave the money readable) and `rejected` transaction sets.

    Exit code 0 when the money of every transaction set can be read (even unbalanced, even with
    envelope findings, which `rcm ingest` records and loads); 2 when a file cannot be tokenized or a
    transaction set would be quarantined (with --strict, also when there is any finding).
    """
    from transforms.x12.errors import X12Error
    from transforms.x12.inspect import inspect_file

    status = 0
    for path in files:
        try:
            summary = inspect_file(path, strict=strict)
        except X12Error as exc:
            click.echo(f"{path}: {exc}", err=True)
            status = 2
            continue
        click.echo(json.dumps(summary))
        if summary["rejected"] or (strict and summary["findings"]):
            for problem in summary["rejected"] or summary["findings"]:
                click.echo(
                    f"{path}: segment {problem['position']}: {problem['message']} "
                    f"[{problem['rule']}]",
                    err=True,
                )
            status = 2
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
