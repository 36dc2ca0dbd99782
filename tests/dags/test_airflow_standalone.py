"""`make airflow-standalone` out of the box: the command the Makefile runs, started the way a fresh
shell starts it (no virtual environment on PATH, no AIRFLOW_* variables), in a temporary Airflow
home on free ports.

GIVEN `scripts/airflow-env airflow standalone` (the Makefile target's command)
WHEN it has started
THEN the API answers on 127.0.0.1 only, the generated admin password logs in, both DAGs are listed
unpaused with no import errors, the LocalExecutor runs 2 workers, and stopping it leaves no process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
ENV_SCRIPT = ROOT / "scripts" / "airflow-env"
START_TIMEOUT = 240  # seconds; ~40 s on a busy 2-core machine
STOP_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_shell_env(tmp_path: Path, port: int) -> dict[str, str]:
    """The environment of a new terminal: this test's virtual environment off PATH, no Airflow
    settings (earlier tests in this process set some), plus where this run may write."""
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AIRFLOW") and k not in {"VIRTUAL_ENV", "RCM_DATA_DIR"}
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p != venv_bin
    )
    env["RCM_AIRFLOW_HOME"] = str(tmp_path / "airflow_home")
    env["RCM_AIRFLOW_PORT"] = str(port)
    env["RCM_DATA_DIR"] = str(tmp_path / "data")
    # the task-log servers listen on fixed ports; another Airflow on this machine may hold them
    env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(_free_port())
    env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(_free_port())
    return env


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _login(base: str, password_file: Path) -> str:
    password = json.loads(password_file.read_text())["admin"]
    request = urllib.request.Request(
        f"{base}/auth/token",
        data=json.dumps({"username": "admin", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def _wait(what: str, check, deadline: float, proc: subprocess.Popen, log: Path):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"airflow standalone exited ({proc.returncode}):\n{_tail(log)}")
        try:
            value = check()
        except (OSError, ValueError, KeyError):
            value = None
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}:\n{_tail(log)}")


def _tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _session(sid: int) -> list[psutil.Process]:
    """Every live process of the session the job started: its process group and the task
    processes Airflow's supervisor moves into process groups of their own."""
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) == sid and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def _stop(sid: int, sig: int, timeout: float) -> bool:
    """Signal every process group of the session; True when all of it is gone within `timeout`."""
    for proc in _session(sid):
        try:
            os.killpg(os.getpgid(proc.pid), sig)
        except (ProcessLookupError, PermissionError):
            continue
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _session(sid):
            return True
        time.sleep(0.5)
    return False


def test_make_airflow_standalone_serves_both_dags_unpaused_on_localhost(tmp_path):
    port = _free_port()
    env = _fresh_shell_env(tmp_path, port)
    home = Path(env["RCM_AIRFLOW_HOME"])
    log = tmp_path / "standalone.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(ENV_SCRIPT), "airflow", "standalone"],
            cwd=tmp_path,  # not the project folder: the script must find everything itself
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session and process group, as a terminal's job
        )
    started = time.monotonic()
    try:
        deadline = started + START_TIMEOUT
        _wait(
            "the API server",
            lambda: _get(f"{base}/api/v2/monitor/health")[0] == 200,
            deadline,
            proc,
            log,
        )

        # THEN it listens on the loopback address only
        listening = {
            c.laddr.ip
            for c in psutil.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        }
        assert listening == {"127.0.0.1"}, listening

        # THEN the password Airflow generated (the README says where) logs in as admin
        password_file = home / "simple_auth_manager_passwords.json.generated"
        token = _wait(
            "the admin password", lambda: _login(base, password_file), deadline, proc, log
        )

        # THEN both DAGs are parsed, listed and unpaused, and nothing failed to import
        def both_dags() -> dict | None:
            status, body = _get(f"{base}/api/v2/dags", token)
            dags = {d["dag_id"]: d for d in body.get("dags", [])} if status == 200 else {}
            return dags if {"billing_nightly", "landing_watch"} <= set(dags) else None

        dags = _wait("both DAGs to be listed", both_dags, deadline, proc, log)
        assert set(dags) == {"billing_nightly", "landing_watch"}
        assert {d: dags[d]["is_paused"] for d in dags} == {
            "billing_nightly": False,
            "landing_watch": False,
        }
        status, errors = _get(f"{base}/api/v2/importErrors", token)
        assert (status, errors.get("total_entries")) == (200, 0), errors

        # THEN the LocalExecutor runs 2 worker processes (Airflow's default forks 32)
        def executor_workers() -> list[psutil.Process]:
            """The scheduler's children that are LocalExecutor workers (a worker running a task
            has a child of its own, the task's supervisor, not counted)."""
            workers = []
            for p in _session(proc.pid):
                try:
                    parent = p.parent()
                    if (
                        "LocalExecutor" in " ".join(p.cmdline())
                        and parent is not None
                        and "scheduler" in parent.cmdline()
                    ):
                        workers.append(p)
                except psutil.Error:
                    continue
            return workers

        _wait("the executor's workers", lambda: len(executor_workers()) >= 2, deadline, proc, log)
        assert len(executor_workers()) == 2
    finally:
        # SIGTERM to the job's process groups, SIGKILL for anything left (on SIGINT, Ctrl+C,
        # Airflow's scheduler first waits for the task the DAG run may be running by now)
        for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            if _stop(proc.pid, sig, wait):
                break
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    # THEN nothing it started is left behind
    assert not _session(proc.pid), [p.cmdline() for p in _session(proc.pid)]
