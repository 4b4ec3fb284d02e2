"""After a GDPR rebuild on a DuckLake, no file of an earlier snapshot survives: the person erased
from tonight's tables is in no Parquet file of the lake either."""

from pathlib import Path

import duckdb
import pytest

from t82_pipeline.lib.ducklake import attach_ducklake
from tests.support.dbt import run_dbt
from tests.support.env import isolated_settings
from tests.support.postgres import create_database, postgres_server

pytestmark = pytest.mark.postgres


def maintenance(purge_history: bool, target: Path) -> None:
    run_dbt(
        ["run-operation", "ducklake_maintenance", "--target", "ducklake",
         "--vars", f"{{purge_history: {str(purge_history).lower()}}}"],
        target,
    )  # fmt: skip


def test_an_erasure_rebuild_leaves_no_file_of_an_earlier_snapshot(tmp_path):
    with postgres_server() as pg:
        create_database(pg, "lake")
        catalog = f"postgres:host={pg.host} port={pg.port} dbname=lake user={pg.user}"
        env = {"T82_WAREHOUSE": "ducklake", "T82_DUCKLAKE_CATALOG": catalog, "T82_DUCKLAKE_RETENTION": "7 days",
               "T82_DUCKLAKE_DATA_PATH": str(tmp_path / "lake")}  # fmt: skip
        with isolated_settings(tmp_path / "data", **env) as settings, duckdb.connect() as con:
            attach_ducklake(con, catalog, settings.ducklake_data_path, "t82", "")
            con.execute("create schema t82.personal")
            # Enough rows to be written as Parquet (a few rows would be inlined in the catalog).
            people = "select 'person' || range || '@example.org' as email from range(5000)"
            con.execute(f"create table t82.personal.people as {people} union all select 'erased@example.org'")
            con.execute(f"create or replace table t82.personal.people as {people}")
            con.execute("detach t82")

            def parquet_files() -> set[str]:
                return {p.name for p in Path(settings.ducklake_data_path).rglob("*.parquet")}

            maintenance(
                purge_history=False, target=tmp_path / "dbt-target"
            )  # a night's maintenance: the last week stays
            assert len(parquet_files()) == 2
            maintenance(
                purge_history=True, target=tmp_path / "dbt-target"
            )  # after an erasure: only the current snapshot's files
            attach_ducklake(con, catalog, settings.ducklake_data_path, "t82", ", read_only")
            live = {Path(f).name for (f,) in con.execute(
                "select data_file from ducklake_list_files('t82', 'people', schema => 'personal')").fetchall()}  # fmt: skip
            assert parquet_files() == live and len(live) == 1
            [text] = [p.read_bytes() for p in Path(settings.ducklake_data_path).rglob("*.parquet")]
            assert b"erased@example.org" not in text
