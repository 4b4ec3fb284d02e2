"""Isolated settings for a test: only T82_* variables the test chooses, under its own folder."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def isolated_settings(data: Path, **env: str) -> Iterator:
    from t82_pipeline.lib.settings import Settings

    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("T82_")]:
            mp.delenv(name)
        mp.setenv("T82_DATA_DIR", str(data))
        mp.setenv("T82_WAREHOUSE_PATH", str(data / "warehouse" / "t82.duckdb"))
        mp.setenv("T82_LANDING_DIR", str(data / "landing"))
        mp.setenv("T82_DROP_SETTLE_SECONDS", "0")  # files are written before the run; tests of settling set it
        for name, value in env.items():
            mp.setenv(name, value)
        settings = Settings.from_env()
        settings.export_for_dbt()
        yield settings


@contextmanager
def warehouse_env(backend: str) -> Iterator[dict[str, str]]:
    """The T82_* variables of a warehouse backend: none for the DuckDB file; for a DuckLake, its
    catalog in a database of a real PostgreSQL started for the duration."""
    from t82_pipeline.lib.settings import DUCKLAKE
    from tests.support.postgres import create_database, postgres_server

    if backend != DUCKLAKE:
        yield {}
        return
    with postgres_server() as pg:
        create_database(pg, "t82_lake")
        yield {
            "T82_WAREHOUSE": DUCKLAKE,
            "T82_DUCKLAKE_CATALOG": f"postgres:host={pg.host} port={pg.port} dbname=t82_lake user={pg.user}",
            # Each build's maintenance expires every earlier snapshot: its cleanup shows at once.
            "T82_DUCKLAKE_RETENTION": "0 seconds",
        }
