"""The warehouse read-only on either backend. On a DuckLake, a reader sees the last committed
state while the writer's transaction is open (on one DuckDB file it could not even open it),
and a catalog that cannot be opened is reported without its credentials."""

import duckdb
import pytest

from t82_pipeline.lib.ducklake import CatalogUnavailable, attach_ducklake
from t82_pipeline.lib.settings import DUCKDB, DUCKLAKE
from t82_pipeline.lib.warehouse import WarehouseLocation, built_relations
from tests.support.postgres import create_database, postgres_server


def test_the_duckdb_file_is_read_only(tmp_path):
    path = tmp_path / "t82.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.offers as select 1 as n")
    with WarehouseLocation(DUCKDB, str(path)).connect() as con:
        assert built_relations(con) == {"marts.offers"}
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table marts.other as select 1")


def test_an_unreachable_catalog_is_reported_without_its_password(tmp_path):
    catalog = "postgres:host=127.0.0.1 port=1 dbname=lake user=t82 password=hunter2-secret connect_timeout=2"
    location = WarehouseLocation(DUCKLAKE, "", catalog, str(tmp_path / "lake"))
    assert "hunter2" not in repr(location)
    with pytest.raises(CatalogUnavailable) as raised:
        location.connect()
    assert "hunter2" not in str(raised.value) and "DuckLake catalog cannot be opened" in str(raised.value)


@pytest.mark.postgres
def test_a_ducklake_reader_sees_the_last_commit_while_the_writer_writes(tmp_path):
    with postgres_server() as pg:
        create_database(pg, "lake")
        catalog = f"postgres:host={pg.host} port={pg.port} dbname=lake user={pg.user}"
        data_path = str(tmp_path / "lake")
        with duckdb.connect() as writer:
            attach_ducklake(writer, catalog, data_path, "t82", "")
            writer.execute("create schema t82.marts; create table t82.marts.offers as select range as n from range(3)")
            writer.execute("begin; create or replace table t82.marts.offers as select range as n from range(5)")
            location = WarehouseLocation(DUCKLAKE, "", catalog, data_path)
            with location.connect() as reader:
                assert reader.execute("select count(*) from marts.offers").fetchone() == (3,)
                assert built_relations(reader) == {"marts.offers"}
                with pytest.raises(duckdb.Error):
                    reader.execute("create table marts.other as select 1")
            writer.execute("commit")
            with location.connect() as reader:
                assert reader.execute("select count(*) from marts.offers").fetchone() == (5,)


@pytest.mark.postgres
def test_a_run_reads_one_snapshot_while_another_job_commits(tmp_path):
    """A blocking check and the publish after it, in one run, read the data the check checked."""
    from t82_pipeline.lib.resources import WarehouseResource

    with postgres_server() as pg:
        create_database(pg, "lake")
        catalog = f"postgres:host={pg.host} port={pg.port} dbname=lake user={pg.user}"
        data_path = str(tmp_path / "lake")
        with duckdb.connect() as writer:
            attach_ducklake(writer, catalog, data_path, "t82", "")
            writer.execute("create schema t82.marts; create table t82.marts.offers as select range as n from range(3)")

            def resource() -> WarehouseResource:
                return WarehouseResource(
                    database="", backend=DUCKLAKE, ducklake_catalog=catalog, ducklake_data_path=data_path
                )

            run = resource()
            with run.get_connection() as check:
                assert check.execute("select count(*) from marts.offers").fetchone() == (3,)
            writer.execute("create or replace table t82.marts.offers as select range as n from range(5)")
            with run.get_connection() as publish:  # same run: the snapshot its check read
                assert publish.execute("select count(*) from marts.offers").fetchone() == (3,)
            with resource().get_connection() as next_run:
                assert next_run.execute("select count(*) from marts.offers").fetchone() == (5,)
