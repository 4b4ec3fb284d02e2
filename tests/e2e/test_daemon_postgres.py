"""Production set-up on loopback: a real PostgreSQL, dagster-daemon and dagster-webserver as
processes with docker/dagster.yaml. The test turns a schedule on through the webserver and
checks the daemon launches runs that succeed and are recorded in PostgreSQL."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import requests

from t82_pipeline.lib.settings import REPO_ROOT
from tests.support.postgres import postgres_server
from tests.support.processes import free_port
from tests.support.processes import wait_for as wait_until

pytestmark = pytest.mark.postgres
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    with postgres_server() as pg:
        admin = psycopg2.connect(pg.dsn())
        admin.autocommit = True
        admin.cursor().execute("create user dagster password 'dagster-test'")
        admin.cursor().execute("create database dagster owner dagster")
        admin.close()
        home = root / "dagster_home"
        home.mkdir()
        shutil.copy(REPO_ROOT / "docker" / "dagster.yaml", home / "dagster.yaml")
        (root / "workspace.yaml").write_text(
            f"load_from:\n  - python_file:\n      relative_path: {REPO_ROOT / 'tests' / 'support' / 'daemon_defs.py'}\n"
            f"      location_name: daemon_test\n      working_directory: {REPO_ROOT}\n"
        )
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_USERNAME": "dagster",
            "DAGSTER_PG_PASSWORD": "dagster-test",
            "DAGSTER_PG_HOST": pg.host,
            "DAGSTER_PG_PORT": str(pg.port),
            "DAGSTER_PG_DB": "dagster",
            "T82_TEST_HEARTBEAT_DIR": str(root / "beats"),
            "T82_TEST_RUN_SECONDS": "8",
        }
        port = free_port()
        logs = root / "logs"
        logs.mkdir()
        web = subprocess.Popen(
            [str(BIN / "dagster-webserver"), "-w", str(root / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=open(logs / "web.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        state = {
            "env": env,
            "root": root,
            "url": f"http://127.0.0.1:{port}",
            "daemon": None,
            "dsn": pg.dsn("dagster", "dagster", "dagster-test"),
            "logs": logs,
        }
        state["daemon"] = start_daemon(state)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    if requests.get(state["url"] + "/server_info", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(1)
            else:
                pytest.fail("dagster-webserver did not answer:\n" + (logs / "web.log").read_text()[-2000:])
            yield state
        finally:
            for proc in (web, state["daemon"]):
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=30)


def start_daemon(state) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", str(state["root"] / "workspace.yaml")],
        env=state["env"],
        stdout=open(state["logs"] / "daemon.log", "a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def runs_in_postgres(dsn: str) -> list[tuple[str, str]]:
    with psycopg2.connect(dsn) as con, con.cursor() as cur:
        cur.execute("select run_id, status from runs order by create_timestamp")
        return cur.fetchall()


def wait_for(predicate, timeout_s: float, what: str, state):
    return wait_until(predicate, timeout_s, what, [state["logs"] / "daemon.log"])


def test_schedule_turned_on_in_the_webserver_runs_through_the_daemon(deployment):
    mutation = """mutation($selector: ScheduleSelector!) { startSchedule(scheduleSelector: $selector) {
        __typename ... on ScheduleStateResult { scheduleState { status } } ... on PythonError { message } } }"""
    selector = {
        "repositoryLocationName": "daemon_test",
        "repositoryName": "__repository__",
        "scheduleName": "every_minute",
    }
    answer = requests.post(
        deployment["url"] + "/graphql", json={"query": mutation, "variables": {"selector": selector}}, timeout=30
    ).json()
    assert answer["data"]["startSchedule"]["scheduleState"]["status"] == "RUNNING", answer
    runs = wait_for(
        lambda: [r for r in runs_in_postgres(deployment["dsn"]) if r[1] == "SUCCESS"],
        150,
        "a scheduled run to succeed",
        deployment,
    )
    assert runs and list((deployment["root"] / "beats").iterdir())


def test_killing_the_daemon_mid_run_and_restarting_it_recovers(deployment):
    started = wait_for(
        lambda: [r for r in runs_in_postgres(deployment["dsn"]) if r[1] == "STARTED"],
        120,
        "a run in progress",
        deployment,
    )
    os.killpg(deployment["daemon"].pid, signal.SIGKILL)
    deployment["daemon"].wait(timeout=30)
    killed_at = time.time()
    deployment["daemon"] = start_daemon(deployment)

    def later_success():
        with psycopg2.connect(deployment["dsn"]) as con, con.cursor() as cur:
            cur.execute(
                "select run_id from runs where status = 'SUCCESS' and create_timestamp > to_timestamp(%s) at time zone 'UTC'",
                (killed_at,),
            )
            return cur.fetchall()

    assert wait_for(later_success, 180, "a run after the restart to succeed", deployment)
    # The killed run's worker died with the daemon's process group: run monitoring must settle it,
    # never leave it hanging as STARTED.
    settled = wait_for(
        lambda: dict(runs_in_postgres(deployment["dsn"]))[started[0][0]] != "STARTED",
        150,
        "run monitoring to settle the killed run",
        deployment,
    )
    assert settled
    assert dict(runs_in_postgres(deployment["dsn"]))[started[0][0]] in ("SUCCESS", "FAILURE")
