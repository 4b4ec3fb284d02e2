"""Day one as README tells it: `t82 demo`, then `t82 ui` (what `make demo` and `make ui` run), from a
shell where the virtualenv is not activated. The demo's runs show under their jobs in the
webserver's GraphQL, the first daemon ticks of the UI session request no run, and Ctrl-C stops
`dagster dev` promptly."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests

from t82_pipeline.lib.settings import REPO_ROOT
from tests.support.processes import free_port, wait_for

BIN = Path(sys.executable).parent
REPOSITORY = {"repositoryLocationName": "t82", "repositoryName": "__repository__"}
JOB_RUNS = """query($params: PipelineSelector!) { pipelineOrError(params: $params) {
    __typename ... on Pipeline { runs(limit: 50) { runId status tags { key value } } } } }"""
SENSOR_TICKS = """query($sel: SensorSelector!) { sensorOrError(sensorSelector: $sel) {
    __typename ... on Sensor { sensorState { status ticks(limit: 3) { status timestamp runIds } } } } }"""
RUNS_COUNT = """{ runsOrError { ... on Runs { count } } }"""
JOB_SENSORS = ("fluxvision_drop_sensor", "fluxvision_refresh_sensor", "sit_drop_folder_sensor")
# The stop after Ctrl-C: dagster dev stops its webserver, daemon and code server (it used to take 45 s+).
STOP_BOUND_S = 20


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    answer = requests.post(url + "/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    answer.raise_for_status()
    return answer.json()["data"]


@pytest.fixture(scope="module")
def after_the_demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("dayone")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "T82_DATA_DIR": str(root / "data"),
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    demo = subprocess.run(
        [str(BIN / "t82"), "demo", "--scale", "0.1", "--as-of-date", "2026-11-01"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    return root, env, demo.stdout


def test_the_demo_ran_every_job_through_the_daemon(after_the_demo):
    _, _, printed = after_the_demo
    for title in (
        "nightly (launched by t82 demo) — ok",
        "fairguest_reports (launched by t82 demo) — ok",
        "fluxvision_refresh (launched by fluxvision_refresh_sensor) — ok",
        "sit_drop_job (launched by sit_drop_folder_sensor) — ok",
    ):
        assert title in printed
    assert printed.count("(launched by fluxvision_drop_sensor) — ok") == 11


def test_the_sensors_landed_the_deliveries_and_the_refresh_built_marts_and_reports(after_the_demo):
    root, _, _ = after_the_demo
    with duckdb.connect(str(root / "data" / "warehouse" / "t82.duckdb"), read_only=True) as con:
        assert con.sql("select count(distinct ot_code) from marts.ot_offer_quality").fetchone() == (10,)
        assert con.sql("select count(*) from marts.fluxvision_deliveries").fetchone()[0] == 11
        assert con.sql("select count(distinct ot_code) from marts.fluxvision_daily_presences").fetchone() == (10,)
    observatory = root / "data" / "reports" / "fluxvision"
    entry = (observatory / "index.html").read_text(encoding="utf-8")
    for year in ("2025", "2026"):  # the entry page, then ten OTs and the département, page and PDF
        assert f'data-year="{year}"' in entry
        assert (observatory / year / "index.html").exists()
        assert len(list((observatory / year).glob("*.pdf"))) == 11, year
        assert len([p for p in (observatory / year).glob("*.html") if p.name != "index.html"]) == 11, year


def test_a_fresh_install_sends_no_late_source_alert(after_the_demo):
    root, _, _ = after_the_demo
    from email import message_from_bytes
    from email.policy import default

    subjects = [message_from_bytes(p.read_bytes(), policy=default)["Subject"] for p in (root / "data").rglob("*.eml")]
    assert subjects  # the provider reports
    assert not [s for s in subjects if s.startswith("[t82]")]  # no alert: no failure, nothing late


def test_the_ui_shows_the_demo_runs_under_their_jobs_and_starts_no_run(after_the_demo):
    root, env, _ = after_the_demo
    port = free_port()
    log = root / "ui.log"
    started = time.time()
    ui = subprocess.Popen(
        [str(BIN / "t82"), "ui", "-h", "127.0.0.1", "-p", str(port)],
        cwd=root,
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def answering():
            try:
                return graphql(url, RUNS_COUNT)["runsOrError"]["count"]
            except requests.RequestException:
                return None

        runs_before = wait_for(answering, 180, "the webserver", [log])
        for job, expected in (
            ("nightly", 1),
            ("fairguest_reports", 1),
            ("fluxvision_delivery", 11),
            ("fluxvision_refresh", 1),
            ("sit_drop_job", 1),
        ):
            answer = graphql(url, JOB_RUNS, {"params": {**REPOSITORY, "pipelineName": job}})["pipelineOrError"]
            assert answer["__typename"] == "Pipeline", answer
            assert [r["status"] for r in answer["runs"]] == ["SUCCESS"] * expected, job

        def ticked_again() -> list[dict] | None:
            states = [
                graphql(url, SENSOR_TICKS, {"sel": {**REPOSITORY, "sensorName": name}})["sensorOrError"]
                for name in JOB_SENSORS
            ]
            latest = [s["sensorState"]["ticks"][0] for s in states if s["sensorState"]["ticks"]]
            # A STARTED tick is one still being evaluated: wait for its outcome.
            finished = [t for t in latest if t["timestamp"] > started and t["status"] != "STARTED"]
            return latest if len(finished) == len(JOB_SENSORS) else None

        # Each sensor's first tick of the session (every 60 s) found nothing left to request.
        ticks = wait_for(ticked_again, 240, "a tick of each sensor", [log])
        assert [t["status"] for t in ticks] == ["SKIPPED"] * len(JOB_SENSORS)
        assert graphql(url, RUNS_COUNT)["runsOrError"]["count"] == runs_before
    finally:
        ui.send_signal(signal.SIGINT)  # Ctrl-C
        stopping = time.monotonic()
        try:
            ui.wait(120)
        finally:
            if ui.poll() is None:
                subprocess.run(["kill", "-9", f"-{ui.pid}"])
    assert time.monotonic() - stopping < STOP_BOUND_S, log.read_text()[-3000:]


def test_make_ui_and_make_demo_go_through_the_same_commands():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "$(BIN)/t82 demo" in makefile and "$(BIN)/t82 ui" in makefile
