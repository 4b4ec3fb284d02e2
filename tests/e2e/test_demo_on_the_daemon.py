"""Day one as README tells it: `t82 demo`, then `t82 ui` (what `make demo` and `make ui` run), from a
shell where the virtualenv is not activated. The demo's runs show under their jobs in the
webserver's GraphQL, the first daemon ticks of the UI session request no run, and Ctrl-C stops
`dagster dev` promptly. Then two more nights on the real daemon: one where only Fairguest
changed builds Fairguest's models and what follows them, one with nothing new builds nothing;
every dbt model materialized was tested in its run."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from t82_pipeline.definitions import defs
from t82_pipeline.lib.settings import REPO_ROOT
from tests.conftest import AS_OF_DATE
from tests.support.processes import free_port, wait_for

BIN = Path(sys.executable).parent
REPOSITORY = {"repositoryLocationName": "t82", "repositoryName": "__repository__"}
JOB_RUNS = """query($params: PipelineSelector!) { pipelineOrError(params: $params) {
    __typename ... on Pipeline { runs(limit: 50) { runId status tags { key value } } } } }"""
SENSOR_TICKS = """query($sel: SensorSelector!) { sensorOrError(sensorSelector: $sel) {
    __typename ... on Sensor { sensorState { status ticks(limit: 3) { status timestamp runIds } } } } }"""
RUNS_COUNT = """{ runsOrError { ... on Runs { count } } }"""
JOB_SENSORS = ("fluxvision_drop_sensor", "sit_drop_folder_sensor", "t82_automation")
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


def test_the_demo_ran_the_night_through_the_daemon_building_each_asset_once(after_the_demo):
    """The nightly lands every source and drop folder, and the drop sensors see nothing it did not
    land; the automation builds each source's chain once its landing is done (several runs, no
    asset twice); then the month's provider reports."""
    _, env, printed = after_the_demo
    titles = [line.split(" — ")[0] for line in printed.splitlines() if " (launched by " in line]
    assert (
        titles[-1] == "fairguest_reports (launched by t82 demo)" and titles.count("nightly (launched by t82 demo)") == 1
    )
    assert set(titles[:-1]) == {"nightly (launched by t82 demo)", "__ASSET_JOB (launched by t82_automation)"}
    assert printed.count(" — ok (run ") == len(titles)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", env["DAGSTER_HOME"])
        with dg.DagsterInstance.get() as instance:
            graph = defs.get_repository_def().asset_graph
            built = {k: len(instance.fetch_materializations(k, limit=3).records) for k in graph.get_all_asset_keys()}
    assert {k.to_user_string() for k, n in built.items() if n > 1} == set()
    assert {k.to_user_string() for k, n in built.items() if n == 0} == {"landing/nurtik_suppressions"}


def test_the_night_built_every_mart_and_the_observatory(after_the_demo):
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
        # As a shell starts a background job (`make ui &`): SIGINT ignored; t82 ui must still stop on it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
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
            ("fluxvision_delivery", 0),  # the nightly landed the deliveries
            ("sit_drop_job", 0),  # and the SIT files
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
                os.killpg(ui.pid, signal.SIGKILL)  # its whole session: webserver, daemon, code server
    assert time.monotonic() - stopping < STOP_BOUND_S, log.read_text()[-3000:]


@pytest.fixture(scope="module")
def daemon_nights(after_the_demo):
    """Two more nights on the real daemon, each launched as from the UI: one where Fairguest alone
    has new reviews, then one with nothing new. What each night materialized, and the dbt model
    materializations (every one since the demo began) whose checks did not run in the same run."""
    from t82_pipeline.demo.daemon import RunFollower, idle_sensor_names, launch, now, running_daemon

    root, env, _ = after_the_demo
    reviews_path = root / "data" / "generated" / "fairguest" / "reviews.ndjson"
    nights = {}
    with pytest.MonkeyPatch.context() as patch:
        # The daemon and its runs see the demo's environment only (not this process's settings).
        for name in [n for n in os.environ if n.startswith(("T82_", "DBT_", "DAGSTER_"))]:
            patch.delenv(name)
        for name, value in {**env, "T82_AS_OF_DATE": AS_OF_DATE}.items():
            patch.setenv(name, value)
        with dg.DagsterInstance.get() as instance:
            with running_daemon(root / "daemon.log"):
                for night in ("fairguest_only", "nothing_new"):
                    if night == "fairguest_only":
                        add_a_review(reviews_path)
                    runs = RunFollower(instance, now(), lambda run: None)
                    launch("nightly")
                    runs.wait_until_idle(idle_sensor_names())
                    nights[night] = {
                        "statuses": {instance.get_run_by_id(r).status for r in runs.reported},
                        "materialized": materialized_in(instance, runs.reported),
                    }
            nights["untested"] = untested_models(instance)
    return nights


def add_a_review(path: Path) -> None:
    reviews = [json.loads(line) for line in path.read_text().splitlines()]
    latest = max(reviews, key=lambda r: r["published_at"])
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps({**latest, "review_id": "daemon-night-review"}, ensure_ascii=False) + "\n")


def materialized_in(instance: dg.DagsterInstance, run_ids) -> set[dg.AssetKey]:
    return {
        r.asset_key
        for run_id in run_ids
        for r in instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    }


def untested_models(instance: dg.DagsterInstance) -> list[str]:
    graph = defs.get_repository_def().asset_graph
    untested = []
    for key in graph.get_all_asset_keys():
        checks = {c.name for c in graph.asset_check_keys if c.asset_key == key}
        if key.path[0] not in ("staging", "intermediate", "marts") or not checks:
            continue
        for record in instance.fetch_materializations(key, limit=100).records:
            evaluations = instance.get_records_for_run(
                record.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
            evaluated = {
                data.check_name
                for data in (e.event_log_entry.dagster_event.asset_check_evaluation_data for e in evaluations)
                if data.asset_key == key
            }
            if checks - evaluated:
                untested.append(f"{key.to_user_string()} in run {record.run_id[:8]}: {sorted(checks - evaluated)}")
    return untested


def dated_and_after() -> set[dg.AssetKey]:
    """The models that read today's date (built once a day, on the nightly's cron) and what follows them."""
    graph = defs.get_repository_def().asset_graph
    daily = [
        k
        for k in graph.get_all_asset_keys()
        if "daily" in (getattr(graph.get(k).automation_condition, "label", None) or "")
    ]
    return dg.AssetSelection.assets(*daily).downstream().resolve(graph)


def groups_of(keys: set[dg.AssetKey]) -> set[str]:
    graph = defs.get_repository_def().asset_graph
    return {graph.get(k).group_name for k in keys}


def test_a_fairguest_only_night_on_the_daemon_builds_fairguest_and_what_follows(daemon_nights):
    night = daemon_nights["fairguest_only"]
    assert night["statuses"] == {dg.DagsterRunStatus.SUCCESS}
    built = {k.to_user_string() for k in night["materialized"]}
    assert {"landing/fairguest_api", "marts/ot_ereputation", "serving/ot_marts"} <= built
    # No SIT, Nurtik or Flux Vision asset (but the date's models, which no cron tick rebuilt here).
    assert groups_of(night["materialized"] - dated_and_after()) <= {"fairguest", "serving"}, built
    assert [k for k in built if k.startswith("landing/")] == ["landing/fairguest_api"]


def test_a_night_with_nothing_new_on_the_daemon_builds_nothing(daemon_nights):
    night = daemon_nights["nothing_new"]
    assert night["statuses"] == {dg.DagsterRunStatus.SUCCESS}
    assert night["materialized"] - dated_and_after() == set()


def test_every_dbt_model_materialized_on_the_daemon_was_tested_in_its_run(daemon_nights):
    assert not daemon_nights["untested"]


def test_make_ui_and_make_demo_go_through_the_same_commands():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "$(BIN)/t82 demo" in makefile and "$(BIN)/t82 ui" in makefile
