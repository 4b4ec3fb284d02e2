"""Production as docker-compose runs it, without Docker: the same three processes (`dagster api
grpc`, `dagster-webserver`, `dagster-daemon`) with the same arguments, docker/dagster.yaml on a
real PostgreSQL, T82_ENV=production, the vendor APIs on local HTTP stand-ins (not "embedded"),
a real SMTP server and PostgreSQL serving. The nightly is launched through the webserver and run
by the daemon; the tests read what it produced, and look for the secrets where they must not be."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import duckdb
import psycopg2
import pytest
import requests

from t82_pipeline.defs.serving.postgres import AGENCY_LOGIN, ot_role, provision_roles
from t82_pipeline.lib.settings import REPO_ROOT
from tests.integration.test_secrets_stay_out_of_the_ui import PROBES
from tests.support.postgres import postgres_server
from tests.support.processes import free_port, wait_for

pytestmark = pytest.mark.postgres
BIN = Path(sys.executable).parent
AS_OF_DATE = "2026-11-01"  # generated data is anchored on this date
REPORT_PERIOD = "2026-10"
# docker/docker-compose.yml's commands; host and port values aside (tests/e2e/test_deployment.py compares them).
COMMANDS = {
    "user_code": ["dagster", "api", "grpc", "-h", "127.0.0.1", "-p", "{grpc_port}", "-m", "t82_pipeline.definitions"],
    "webserver": ["dagster-webserver", "-h", "127.0.0.1", "-p", "{web_port}", "-w", "docker/workspace.yaml"],
    "daemon": ["dagster-daemon", "run", "-w", "docker/workspace.yaml"],
}
COMPOSE_STOP_GRACE_S = 10  # docker compose stop's default
# What must never be seen: each probe secret (of the serving DSN, its password).
NEEDLES = {
    name: value.split("@")[0].rsplit(":", 1)[-1] if name == "T82_SERVING_PG_DSN" else value
    for name, value in PROBES.items()
}


def offices() -> dict[str, str]:
    with open(REPO_ROOT / "dbt_project" / "seeds" / "tourist_offices_82.csv", encoding="utf-8") as f:
        return {row["ot_code"]: row["ot_name"] for row in csv.DictReader(f)}


def generate_sources(data: Path) -> Path:
    from t82_pipeline.demo.generate import generate_sit
    from t82_pipeline.demo.nurtik_generator import generate_nurtik

    samples = data / "vendor"
    drop = data / "drop"
    # The SIT drop files stay out of the drop folders: their sensor's run is tested elsewhere,
    # and here it would only queue behind the nightly in the warehouse pool.
    generate_sit(samples, samples / "apidae-drop", samples / "tif-drop", scale=0.1, fairguest_drop=drop / "fairguest")
    generate_nurtik(samples / "nurtik", drop / "nurtik", count=400)
    return samples


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    answer = requests.post(url + "/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    answer.raise_for_status()
    return answer.json()


LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
    ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } } } }"""
STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""
LOCATION = """{ workspaceOrError { ... on Workspace { locationEntries { name
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
RESOURCES = """query($sel: RepositorySelector!) { allTopLevelResourceDetailsOrError(repositorySelector: $sel) {
    ... on ResourceDetailsList { results { name configuredValues { key value type } } } } }"""
SELECTOR = {"repositoryLocationName": "t82", "repositoryName": "__repository__"}


RUNS = """{ runsOrError { ... on Runs { results { runId status jobName } } } }"""


def night_settled(url: str, serving_dsn: str) -> list[dict] | None:
    """The runs, once the automation built what the nightly landed (serving in PostgreSQL
    included) and none is queued or going."""
    runs = graphql(url, RUNS)["data"]["runsOrError"]["results"]
    if not any(r["jobName"] == "__ASSET_JOB" for r in runs):
        return None
    if any(r["status"] not in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
        return None
    try:
        with psycopg2.connect(serving_dsn) as con, con.cursor() as cur:
            cur.execute("select count(*) from marts.ot_offer_quality")
            return runs if cur.fetchone()[0] == 10 else None
    except psycopg2.Error:
        return None


def run_job(url: str, job: str, run_config: dict, logs: Path) -> str:
    answer = graphql(url, LAUNCH, {"params": {"selector": {**SELECTOR, "jobName": job}, "runConfigData": run_config}})
    launched = answer["data"]["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", answer
    run_id = launched["run"]["runId"]

    def finished():
        status = graphql(url, STATUS, {"id": run_id})["data"]["runOrError"]["status"]
        return status if status in ("SUCCESS", "FAILURE", "CANCELED") else None

    return wait_for(finished, 900, f"the {job} run", sorted(logs.iterdir()))


@pytest.fixture(scope="module")
def production(tmp_path_factory, smtp_server_module):
    from t82_pipeline.demo.apidae_server import serve_objects
    from t82_pipeline.demo.fairguest_server import serve_fairguest
    from t82_pipeline.demo.nurtik_server import serve_nurtik

    root = tmp_path_factory.mktemp("production")
    data, logs, home = root / "data", root / "logs", root / "dagster_home"
    logs.mkdir()
    home.mkdir()
    shutil.copy(REPO_ROOT / "docker" / "dagster.yaml", home / "dagster.yaml")
    samples = generate_sources(data)
    controller, messages = smtp_server_module
    with ExitStack() as stack:
        pg = stack.enter_context(postgres_server())
        admin = psycopg2.connect(pg.dsn())
        admin.autocommit = True
        admin.cursor().execute("create user dagster password 'dagster-test'")
        admin.cursor().execute("create database dagster owner dagster")
        admin.cursor().execute("create database serving")
        admin.close()
        serving_dsn = pg.dsn("serving", "postgres", "probe-dsn-password-2f9b")
        provision_roles(serving_dsn, offices(), {ot_role(c): "ot-pw" for c in offices()} | {AGENCY_LOGIN: "agency-pw"})
        apidae_url = stack.enter_context(
            serve_objects(samples / "apidae" / "objects.ndjson", PROBES["T82_APIDAE_API_KEY"])
        )
        fairguest_url = stack.enter_context(serve_fairguest(samples / "fairguest", PROBES["T82_FAIRGUEST_TOKEN"]))
        nurtik_url = stack.enter_context(serve_nurtik(samples / "nurtik", PROBES["T82_NURTIK_TOKEN"]))
        grpc_port, web_port = free_port(), free_port()
        workspace = REPO_ROOT / "docker" / "workspace.yaml"
        (root / "docker").mkdir()
        (root / "docker" / "workspace.yaml").write_text(
            workspace.read_text()
            .replace("host: user_code", "host: 127.0.0.1")
            .replace("port: 4000", f"port: {grpc_port}")
        )
        env = {
            "PATH": f"{BIN}:/usr/bin:/bin",
            "HOME": str(root),
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_USERNAME": "dagster",
            "DAGSTER_PG_PASSWORD": "dagster-test",
            "DAGSTER_PG_HOST": pg.host,
            "DAGSTER_PG_PORT": str(pg.port),
            "DAGSTER_PG_DB": "dagster",
            "GX_ANALYTICS_ENABLED": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "T82_ENV": "production",
            "T82_DATA_DIR": str(data),
            "T82_APIDAE_BASE_URL": apidae_url,
            "T82_APIDAE_PROJECT_ID": "4242",
            "T82_FAIRGUEST_BASE_URL": fairguest_url,
            "T82_NURTIK_BASE_URL": nurtik_url,
            "T82_APIDAE_EXPORT_DROP_DIR": str(data / "drop" / "apidae"),
            "T82_TIF_DROP_DIR": str(data / "drop" / "tif"),
            "T82_FAIRGUEST_DROP_DIR": str(data / "drop" / "fairguest"),
            "T82_NURTIK_DROP_DIR": str(data / "drop" / "nurtik"),
            "T82_SMTP_HOST": "127.0.0.1",
            "T82_SMTP_PORT": str(controller.port),
            "T82_SMTP_STARTTLS": "false",
            "T82_ALERT_EMAILS": "data@example.org",
            "T82_UNSUBSCRIBE_EMAIL": "stop-reports@example.org",
            "T82_HTTP_RETRIES": "2",
            "T82_AS_OF_DATE": AS_OF_DATE,
            **PROBES,
            "T82_SERVING_PG_DSN": serving_dsn,
        }
        processes = {}

        def start(name: str) -> None:
            args = [a.format(grpc_port=grpc_port, web_port=web_port) for a in COMMANDS[name]]
            processes[name] = subprocess.Popen(
                [str(BIN / args[0]), *args[1:]],
                cwd=REPO_ROOT if name == "user_code" else root,
                env=env,
                stdout=open(logs / f"{name}.log", "w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def healthy() -> bool:  # compose's healthcheck of user_code, which the other two wait for
            assert processes["user_code"].poll() is None, "the user-code server exited"
            return (
                subprocess.run(
                    [str(BIN / "dagster"), "api", "grpc-health-check", "-p", str(grpc_port)],
                    env=env,
                    capture_output=True,
                    timeout=60,
                ).returncode
                == 0
            )

        try:
            start("user_code")
            wait_for(healthy, 240, "the user-code server", sorted(logs.iterdir()))
            start("webserver")
            start("daemon")
            url = f"http://127.0.0.1:{web_port}"

            def location_loaded():
                try:
                    entries = graphql(url, LOCATION)["data"]["workspaceOrError"]["locationEntries"]
                except (requests.RequestException, KeyError, TypeError):
                    return None
                kinds = [e["locationOrLoadError"] and e["locationOrLoadError"]["__typename"] for e in entries]
                return kinds == ["RepositoryLocation"]

            wait_for(location_loaded, 240, "the code location to load in the webserver", sorted(logs.iterdir()))
            nightly = run_job(url, "nightly", {}, logs)
            night = wait_for(
                lambda: night_settled(url, serving_dsn), 900, "the automation's runs", sorted(logs.iterdir())
            )
            reports = run_job(
                url,
                "fairguest_reports",
                {"ops": {"reports__fairguest_provider_reports": {"config": {"period": REPORT_PERIOD}}}},
                logs,
            )
            resources = graphql(url, RESOURCES, {"sel": SELECTOR})
            yield {
                "nightly": nightly,
                "night": night,
                "reports": reports,
                "data": data,
                "serving_dsn": serving_dsn,
                "messages": messages,
                "dagster_dsn": pg.dsn("dagster", "dagster", "dagster-test"),
                "resources": resources,
                "logs": logs,
            }
        finally:  # as `docker compose stop`: SIGTERM, then SIGKILL after its 10 s grace period
            for proc in processes.values():
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            grace_ends = time.monotonic() + COMPOSE_STOP_GRACE_S
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(0.0, grace_ends - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@pytest.fixture(scope="module")
def smtp_server_module():
    from tests.conftest import running_smtp_server

    with running_smtp_server() as server:
        yield server


def test_the_daemon_runs_the_nightly_and_the_marts_are_built(production):
    assert production["nightly"] == "SUCCESS", (production["logs"] / "daemon.log").read_text()[-3000:]
    # The nightly landed; the automation's runs built the rest, each of them successfully.
    assert {r["status"] for r in production["night"]} == {"SUCCESS"}, production["night"]
    with duckdb.connect(str(production["data"] / "warehouse" / "t82.duckdb"), read_only=True) as con:
        assert con.sql("select count(*) from marts.ot_offer_quality").fetchone()[0] == 10
        assert con.sql("select count(*) from marts.offers where source = 'apidae'").fetchone()[0] > 500
        assert con.sql("select count(*) from grc.nurtik_contact_retention").fetchone()[0] > 0


def test_the_feed_is_published(production):
    index = production["data"] / "publish" / "datatourisme" / "current" / "index.json"
    assert index.exists() and len(list(index.parent.glob("objects/**/*.json"))) > 100


def test_serving_tables_are_in_postgresql(production):
    with psycopg2.connect(production["serving_dsn"]) as con, con.cursor() as cur:
        cur.execute("select count(*) from marts.ot_offer_quality")
        assert cur.fetchone()[0] == 10
    with (
        psycopg2.connect(
            production["serving_dsn"].replace("postgres:probe-dsn-password-2f9b", "ot_grand_montauban:ot-pw")
        ) as con,
        con.cursor() as cur,
    ):
        cur.execute("select distinct ot_code from marts.ot_offer_quality")
        assert cur.fetchall() == [("grand-montauban",)]


def test_provider_reports_are_delivered_over_smtp(production):
    assert production["reports"] == "SUCCESS"
    reports = [m for m in production["messages"] if b"application/pdf" in m.content]
    assert reports, [m.rcpt_tos for m in production["messages"]]
    assert all("data@example.org" not in m.rcpt_tos for m in reports)  # to providers, not to the alert address


def test_no_secret_reaches_the_webserver_the_run_logs_or_metadata(production):
    resources = str(production["resources"])
    assert "T82_APIDAE_API_KEY" in resources  # the UI shows the variable's name
    with psycopg2.connect(production["dagster_dsn"]) as con, con.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = 'public'")
        tables = [t for (t,) in cur.fetchall()]
        stored = []
        for table in tables:
            cur.execute(f'select t::text from public."{table}" as t')
            stored += [row for (row,) in cur.fetchall()]
    stored_text = "\n".join(stored)
    assert "t82_dbt_models" in stored_text  # the runs' events are there
    logs = "\n".join(p.read_text() for p in production["logs"].iterdir())
    for where, text in {"graphql resources": resources, "dagster storage": stored_text, "process logs": logs}.items():
        leaked = [name for name, needle in NEEDLES.items() if needle in text]
        assert leaked == [], where
