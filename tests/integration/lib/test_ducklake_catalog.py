"""A DuckLake catalog whose password has a space and a quote opens through the DuckDB secret, and
an unreachable one is reported without any piece of it (a real PostgreSQL asking for passwords)."""

import duckdb
import pytest

from t82_pipeline.lib.ducklake import CatalogUnavailable, attach_ducklake
from t82_pipeline.lib.settings import DUCKLAKE
from t82_pipeline.lib.warehouse import WarehouseLocation, built_relations
from tests.support.postgres import create_database, postgres_server


@pytest.mark.postgres
def test_a_password_with_a_space_opens_the_catalog_and_never_shows_when_it_cannot(tmp_path):
    password = "a b'c d"
    with postgres_server(password=password) as pg:
        create_database(pg, "lake", password=password)
        quoted = password.replace("'", "\\'")
        catalog = f"postgres:host={pg.host} port={pg.port} dbname=lake user={pg.user} password='{quoted}'"
        with duckdb.connect() as writer:  # dbt's side: creates the lake
            attach_ducklake(writer, catalog, str(tmp_path / "lake"), "t82", "")
            writer.execute("create schema t82.marts; create table t82.marts.offers as select 1 as n")
        location = WarehouseLocation(DUCKLAKE, "", catalog, str(tmp_path / "lake"))
        with location.connect() as con:
            assert built_relations(con) == {"marts.offers"}
        wrong = catalog.replace(f"port={pg.port}", "port=1")
        with pytest.raises(CatalogUnavailable) as raised:
            WarehouseLocation(DUCKLAKE, "", wrong, str(tmp_path / "lake")).connect()
        assert "a b" not in str(raised.value) and "c d" not in str(raised.value)
        assert "cannot be opened" in str(raised.value)
