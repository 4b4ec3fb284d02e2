"""docker/dagster.yaml's storage section against a real PostgreSQL (dagster-postgres)."""

import shutil

import dagster as dg
import psycopg2
import pytest

from t82_pipeline.lib.settings import REPO_ROOT
from tests.support.postgres import postgres_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg():
    with postgres_server() as server:
        con = psycopg2.connect(server.dsn())
        con.autocommit = True  # CREATE DATABASE cannot run in a transaction
        con.cursor().execute("create user dagster password 'dagster-test'")
        con.cursor().execute("create database dagster owner dagster")
        con.close()
        yield server


@dg.asset
def tiny_asset() -> int:
    return 82


def test_production_instance_config_stores_runs_in_postgres(pg, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "docker" / "dagster.yaml", home / "dagster.yaml")
    for name, value in {
        "DAGSTER_PG_USERNAME": "dagster",
        "DAGSTER_PG_PASSWORD": "dagster-test",
        "DAGSTER_PG_HOST": pg.host,
        "DAGSTER_PG_PORT": str(pg.port),
        "DAGSTER_PG_DB": "dagster",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        result = dg.materialize([tiny_asset], instance=instance)
        assert result.success

    with psycopg2.connect(pg.dsn("dagster", "dagster", "dagster-test")) as con, con.cursor() as cur:
        cur.execute("select run_id, status from runs")
        assert cur.fetchall() == [(result.run_id, "SUCCESS")]
        cur.execute("select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'")
        assert cur.fetchone()[0] == 1
