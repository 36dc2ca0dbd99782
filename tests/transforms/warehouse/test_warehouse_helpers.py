"""The warehouse module's pure helpers: dbt arguments, environment, input checks, result summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from warehouse_raw import write_icd10cm

from transforms.errors import RcmError
from transforms.ingest import ensure_raw_layout
from transforms.warehouse import (
    dbt_args,
    dbt_env,
    docs,
    log_node_result,
    missing_inputs,
    summarize,
)


def test_dbt_args_point_dbt_at_the_project_and_keep_state_in_the_data_dir(tmp_path: Path):
    # GIVEN a data directory and the project root
    data_dir, project = tmp_path / "data", tmp_path / "project"
    # WHEN the build arguments are made
    args = dbt_args(["build"], data_dir, dt.date(2026, 3, 31), project)
    # THEN the console is quiet (progress goes to our log), project and profiles come from the
    # project, target and logs stay inside the data dir, and the as-of date goes in as a var
    assert args[:2] == ["build", "--quiet"]
    options = dict(zip(args[2::2], args[3::2], strict=True))
    assert options["--project-dir"] == options["--profiles-dir"] == str(project)
    assert options["--target-path"] == str(data_dir.resolve() / "dbt" / "target")
    assert options["--log-path"] == str(data_dir.resolve() / "logs" / "dbt")
    assert json.loads(options["--vars"]) == {"as_of_date": "2026-03-31"}


def test_dbt_env_names_the_database_raw_and_ref_folders(tmp_path: Path):
    # GIVEN a data directory WHEN its dbt environment is made
    env = dbt_env(tmp_path)
    # THEN the profile and sources read absolute paths under it
    assert env["RCM_BUILD_DB"] == str(tmp_path.resolve() / "warehouse" / "build.duckdb")
    assert env["RCM_RAW_DIR"] == str(tmp_path.resolve() / "raw")
    assert env["RCM_REF_DIR"] == str(tmp_path.resolve() / "ref")


def test_missing_inputs_names_empty_raw_tables_and_the_code_set(tmp_path: Path):
    # GIVEN an empty data directory, THEN every raw table and the ICD-10-CM file are missing
    missing = missing_inputs(tmp_path)
    assert "raw/x835_payments/*.parquet" in missing
    assert any(item.startswith("ref/icd10cm_codes.parquet") for item in missing)
    # GIVEN the raw layout (ingest's helper) and the code set, THEN nothing is missing
    ensure_raw_layout(tmp_path)
    write_icd10cm(tmp_path / "ref", [("I10", "Essential hypertension", True)])
    assert missing_inputs(tmp_path) == []


def test_build_makes_the_missing_code_set_itself_before_dbt_starts(tmp_path: Path):
    from transforms.warehouse import _ensure_inputs

    # GIVEN a data dir with no ICD-10-CM code set and no raw folders
    assert "ref/icd10cm_codes.parquet (run `rcm codesets`)" in missing_inputs(tmp_path)
    # WHEN the build checks its inputs
    _ensure_inputs(tmp_path)
    # THEN the code set was built offline from its package and nothing is missing any more
    assert (tmp_path / "ref" / "icd10cm_codes.parquet").stat().st_size > 1_000_000
    assert missing_inputs(tmp_path) == []


def test_docs_refuses_without_a_built_warehouse(tmp_path: Path):
    with pytest.raises(RcmError, match="rcm build"):
        docs(tmp_path)


def test_node_results_are_logged_without_touching_stdout(capsys, monkeypatch, request):
    # GIVEN dbt's NodeFinished events for a built model and a failing test
    def event(name: str, kind: str, status: str, message: str | None = None) -> SimpleNamespace:
        return SimpleNamespace(
            info=SimpleNamespace(name="NodeFinished"),
            data=SimpleNamespace(
                node_info=SimpleNamespace(node_name=name, resource_type=kind),
                run_result=SimpleNamespace(status=status, execution_time=0.5, message=message),
            ),
        )

    # a handler of our own on the package logger: independent of whatever other libraries (Airflow,
    # GX) did to the root logger earlier in the session
    seen: list[logging.LogRecord] = []

    class ListHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger = logging.getLogger("rcm")
    handler = ListHandler(level=logging.INFO)
    monkeypatch.setattr(logger, "handlers", [handler])
    monkeypatch.setattr(logger, "propagate", False)
    # setLevel, not setattr: it also clears the loggers' isEnabledFor caches, which a build run
    # earlier in the same session filled while the effective level was WARNING
    request.addfinalizer(lambda level=logger.level: logger.setLevel(level))
    logger.setLevel(logging.INFO)
    # WHEN the callback sees them (and an event of another kind)
    log_node_result(event("fct_claims", "model", "success"))
    log_node_result(event("assert_x", "test", "fail", "Got 1 result"))
    log_node_result(SimpleNamespace(info=SimpleNamespace(name="SQLQuery")))
    # THEN one INFO line for the model, one WARNING naming the failing test, nothing on stdout
    assert [(r.levelname, r.getMessage()) for r in seen] == [
        ("INFO", "dbt model fct_claims: success in 0.50s"),
        ("WARNING", "dbt test assert_x: fail (Got 1 result)"),
    ]
    assert capsys.readouterr().out == ""


def _result(unique_id: str, status: str) -> SimpleNamespace:
    return SimpleNamespace(
        node=SimpleNamespace(unique_id=unique_id), status=SimpleNamespace(value=status)
    )


def test_summarize_counts_statuses_and_names_failed_and_warned_nodes():
    # GIVEN dbt results of several statuses
    results = [
        _result("model.rcm.fct_claims", "success"),
        _result("test.rcm.unique_fct_claims_claim_id", "pass"),
        _result("test.rcm.relationships_x", "warn"),
        _result("test.rcm.assert_marts_reconcile_to_raw_per_file", "fail"),
        _result("model.rcm.rpt_kpis_monthly", "error"),
    ]
    # WHEN summarised
    summary = summarize(results, 12.345)
    # THEN counts by status, failed and warned nodes by name, elapsed rounded
    assert summary["statuses"] == {"error": 1, "fail": 1, "pass": 1, "success": 1, "warn": 1}
    assert summary["failed"] == [
        "model.rcm.rpt_kpis_monthly",
        "test.rcm.assert_marts_reconcile_to_raw_per_file",
    ]
    assert summary["warned"] == ["test.rcm.relationships_x"]
    assert summary["nodes"] == 5 and summary["elapsed_seconds"] == 12.35


def _result(unique_id: str, status: str, message: str = "") -> SimpleNamespace:
    return SimpleNamespace(
        node=SimpleNamespace(unique_id=unique_id), status=status, message=message
    )


def test_build_leaves_unit_tests_out_and_retries_what_ran_out_of_memory_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import transforms.warehouse as warehouse

    # GIVEN a dbt whose first pass fails two models side by side with DuckDB's out-of-memory
    # error (their child skipped) and whose retry builds them
    oom = "Out of Memory Error: failed to pin block of size 256.0 KiB (2.3 GiB/2.3 GiB used)"
    first = [
        _result("model.rcm.a", "success"),
        _result("model.rcm.big_1", "error", oom),
        _result("model.rcm.big_2", "error", oom),
        _result("model.rcm.child", "skipped"),
    ]
    retried = [
        _result("model.rcm.big_1", "success"),
        _result("model.rcm.big_2", "success"),
        _result("model.rcm.child", "success"),
        _result("test.rcm.on_child", "pass"),
    ]
    calls: list[list[str]] = []

    def fake_invoke(command, data_dir, as_of, project_dir, engine="duckdb"):
        calls.append(command)
        results, ok = (first, False) if len(calls) == 1 else (retried, True)
        return SimpleNamespace(result=results, success=ok), 1.5

    monkeypatch.setattr(warehouse, "_invoke", fake_invoke)
    monkeypatch.setattr(warehouse, "_ensure_inputs", lambda data_dir: None)
    # WHEN a nightly build runs
    summary = warehouse.build(tmp_path, dt.date(2026, 3, 31))
    # THEN the unit tests were left out, the failed nodes were retried one at a time, and the
    # summary counts each node once, by its last result
    assert calls == [["build", "--exclude-resource-type", "unit_test"], ["retry", "--threads", "1"]]
    assert summary["failed"] == []
    assert summary["nodes"] == 5
    assert summary["statuses"] == {"pass": 1, "success": 4}
    assert summary["elapsed_seconds"] == 3.0


def test_build_fails_when_the_retry_fails_and_does_not_retry_other_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import transforms.warehouse as warehouse
    from transforms.warehouse import WarehouseBuildFailed

    oom = "Out of Memory Error: could not allocate block of size 256.0 KiB"
    runs = {
        "oom twice": [[_result("model.rcm.big", "error", oom)]] * 2,
        "sql error": [[_result("model.rcm.bad", "error", "Binder Error: column x not found")]],
    }
    for name, passes in runs.items():
        calls: list[list[str]] = []

        def fake_invoke(
            command, data_dir, as_of, project_dir, engine="duckdb", passes=passes, calls=calls
        ):
            calls.append(command)
            return SimpleNamespace(result=passes[len(calls) - 1], success=False), 1.0

        monkeypatch.setattr(warehouse, "_invoke", fake_invoke)
        monkeypatch.setattr(warehouse, "_ensure_inputs", lambda data_dir: None)
        # WHEN the build runs with unit tests, THEN it fails naming the node
        with pytest.raises(WarehouseBuildFailed, match="model.rcm."):
            warehouse.build(tmp_path, dt.date(2026, 3, 31), unit_tests=True)
        # an out-of-memory failure is retried once, any other error is not
        assert len(calls) == len(passes), name
        assert calls[0] == ["build"], name
