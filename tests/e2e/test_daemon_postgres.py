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


LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
    ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""


def launch_heartbeat(deployment) -> str:
    """A run queued from the webserver, as the Launch button does (no wait for the next minute)."""
    selector = {"repositoryLocationName": "daemon_test", "repositoryName": "__repository__", "jobName": "heartbeat_job"}
    answer = requests.post(
        deployment["url"] + "/graphql",
        json={"query": LAUNCH, "variables": {"params": {"selector": selector, "runConfigData": {}}}},
        timeout=60,
    ).json()
    assert answer["data"]["launchRun"]["__typename"] == "LaunchRunSuccess", answer
    return answer["data"]["launchRun"]["run"]["runId"]


def status_of(deployment, run_id: str) -> str | None:
    return dict(runs_in_postgres(deployment["dsn"])).get(run_id)


def test_killing_the_daemon_mid_run_and_restarting_it_recovers(deployment):
    killed = launch_heartbeat(deployment)
    wait_for(lambda: status_of(deployment, killed) == "STARTED", 120, "the launched run to start", deployment)
    os.killpg(deployment["daemon"].pid, signal.SIGKILL)
    deployment["daemon"].wait(timeout=30)
    deployment["daemon"] = start_daemon(deployment)

    # The restarted daemon dequeues and runs what is launched next.
    later = launch_heartbeat(deployment)
    assert wait_for(
        lambda: status_of(deployment, later) == "SUCCESS", 180, "a run after the restart to succeed", deployment
    )
    # The killed run's worker died with the daemon's process group: run monitoring must settle it,
    # never leave it hanging as STARTED. It settles it as failed, through CANCELING when the job's
    # max runtime comes first (monitoring cancels, then marks it failed): wait past that step.
    settled = wait_for(
        lambda: status_of(deployment, killed) not in ("STARTED", "CANCELING"),
        150,
        "run monitoring to settle the killed run",
        deployment,
    )
    assert settled
    assert status_of(deployment, killed) in ("SUCCESS", "FAILURE")
