"""The DuckLake catalog's password never travels in an ATTACH string (DuckDB repeats it in its
errors): it goes into a DuckDB secret, whatever form the setting gives it in, and any message
about the catalog is redacted in every form."""

import duckdb
import pytest

from t82_pipeline.lib.ducklake import Catalog, CatalogUnavailable, attach_ducklake, redact_catalog
from t82_pipeline.lib.settings import DUCKLAKE
from t82_pipeline.lib.warehouse import WarehouseLocation, built_relations
from tests.support.postgres import create_database, postgres_server

FORMS = {
    "plain": ("postgres:host=db dbname=lake user=t82 password=hunter2", "hunter2"),
    "quoted with a space": ("postgres:host=db password='hunter two s3cret' dbname=lake user=t82", "hunter two s3cret"),
    "quoted with a quote": (r"postgres:host=db password='it\'s s3cret' dbname=lake", "it's s3cret"),
    "url": ("postgres:postgresql://t82:p%40ss%20word@db:5432/lake?sslmode=require", "p@ss word"),
    "url query": ("postgres:postgresql://t82@db/lake?password=q-s3cret&sslmode=require", "q-s3cret"),
}


@pytest.mark.parametrize("catalog, password", FORMS.values(), ids=FORMS)
def test_the_password_leaves_the_connection_string_in_every_form(catalog, password):
    parsed = Catalog.parse(catalog)
    assert parsed.password == password
    assert password not in parsed.conninfo and "password" not in parsed.conninfo.lower()
    assert parsed.conninfo.startswith("postgres:") and ("lake" in parsed.conninfo)
    assert password not in repr(parsed)


@pytest.mark.parametrize("catalog, password", FORMS.values(), ids=FORMS)
def test_messages_are_redacted_in_every_form(catalog, password):
    bare = catalog.removeprefix("postgres:")
    message = f'Unable to connect to Postgres at "{bare}": timeout; with {catalog}'
    redacted = redact_catalog(message, catalog)
    assert password not in redacted
    for fragment in password.split():
        assert fragment not in redacted.replace("***", "")


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
