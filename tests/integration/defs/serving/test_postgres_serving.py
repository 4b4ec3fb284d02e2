"""Per-OT access on a real PostgreSQL: each OT's login role sees only its rows."""

import duckdb
import psycopg2
import pytest

from t82_pipeline.defs.serving.catalog import ServedTable
from t82_pipeline.defs.serving.postgres import AGENCY_LOGIN, ServingError, ot_role, provision_roles, publish_postgres
from t82_pipeline.lib.settings import DUCKDB
from t82_pipeline.lib.warehouse import WarehouseLocation
from tests.support.postgres import postgres_server

pytestmark = pytest.mark.postgres

OFFICES = {
    "grand-montauban": "OT du Grand Montauban",
    "deux-rives": "OT des Deux Rives",
    "quercy-caussadais": "OT du Quercy Caussadais",
}
PASSWORD = "pw-test"
TABLES = [
    ServedTable(
        "marts",
        "offers",
        "ot_code",
        "Offre touristique unifiée.",
        {"name": "Nom de la fiche.", "ot_code": "Office de tourisme."},
        frozenset({"phone", "email"}),
    ),
    ServedTable(
        "marts",
        "departement_summary",
        None,
        "Totaux départementaux partagés.",
        {"offers": "Nombre de fiches."},
        frozenset(),
    ),
]


@pytest.fixture(scope="module")
def pg():
    with postgres_server() as server:
        admin = psycopg2.connect(server.dsn())
        admin.autocommit = True
        admin.cursor().execute("create database serving")
        admin.close()
        dsn = server.dsn("serving")
        with psycopg2.connect(dsn) as con, con.cursor() as cur:
            cur.execute("create schema restricted")  # personal data live here, granted to nobody
            cur.execute("create table restricted.contacts (email text)")
            cur.execute("insert into restricted.contacts values ('personne@example.org')")
            cur.execute("create schema staging")
            cur.execute("create table staging.anything (x int)")
        provision_roles(dsn, OFFICES, {ot_role(c): PASSWORD for c in OFFICES} | {AGENCY_LOGIN: PASSWORD})
        yield server, dsn


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("wh") / "t82.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""create table marts.offers as select * from (values
            ('apidae:1', 'Moulin de Montauban', 'grand-montauban', '06 00 00 00 01', 'a@gmail.com'),
            ('apidae:2', 'Halle de Montauban', 'grand-montauban', null, null),
            ('apidae:3', 'Port de Valence', 'deux-rives', '06 00 00 00 03', 'c@gmail.com'),
            ('tif:4', 'Gorges', 'quercy-caussadais', null, 'd@gmail.com'))
            as t(offer_key, name, ot_code, phone, email)""")
        con.execute("create table marts.departement_summary as select 4::bigint as offers")
    return WarehouseLocation(DUCKDB, str(path))


def as_role(pg, role: str, query: str):
    server, _ = pg
    with psycopg2.connect(server.dsn("serving", role, PASSWORD)) as con, con.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


@pytest.fixture(scope="module")
def published(pg, warehouse):
    return publish_postgres(warehouse, TABLES, OFFICES, pg[1])


def test_each_ot_role_sees_only_its_rows(pg, published):
    assert published == {"offers": 4, "departement_summary": 1}
    for ot_code in OFFICES:
        rows = as_role(pg, ot_role(ot_code), "select distinct ot_code from marts.offers")
        assert rows == [(ot_code,)]
    assert as_role(
        pg, ot_role("deux-rives"), "select count(*) from marts.offers where ot_code = 'grand-montauban'"
    ) == [(0,)]


def test_shared_totals_and_agency_sees_everything(pg, published):
    assert as_role(pg, ot_role("deux-rives"), "select offers from marts.departement_summary") == [(4,)]
    assert as_role(pg, AGENCY_LOGIN, "select count(*) from marts.offers") == [(4,)]


def test_no_personal_column_and_no_other_schema(pg, published):
    columns = as_role(
        pg, ot_role("grand-montauban"), "select column_name from information_schema.columns where table_name = 'offers'"
    )
    assert {c for (c,) in columns} == {"offer_key", "name", "ot_code"}
    for relation in ("restricted.contacts", "staging.anything"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            as_role(pg, ot_role("grand-montauban"), f"select * from {relation}")


def test_data_dictionary_in_french_comments(pg, published):
    assert as_role(pg, ot_role("deux-rives"), "select obj_description('marts.offers'::regclass)") == [
        ("Offre touristique unifiée.",)
    ]
    assert as_role(pg, ot_role("deux-rives"), "select col_description('marts.offers'::regclass, 2)") == [
        ("Nom de la fiche.",)
    ]


def test_table_without_rls_is_caught_before_publish_and_old_state_stays(pg, published, warehouse):
    with pytest.raises(ServingError, match="marts__new.offers is OT-scoped but has no row-level security"):
        publish_postgres(warehouse, TABLES, OFFICES, pg[1], break_rls_for_test="offers")
    assert as_role(pg, ot_role("deux-rives"), "select count(*) from marts.offers") == [(1,)]


def test_missing_role_fails_clearly_and_old_state_stays(pg, published, warehouse):
    with pytest.raises(ServingError, match="roles missing in PostgreSQL: ot_lomagne"):
        publish_postgres(warehouse, TABLES, {**OFFICES, "lomagne": "OT de la Lomagne"}, pg[1])
    assert as_role(pg, AGENCY_LOGIN, "select count(*) from marts.offers") == [(4,)]


def test_row_level_security_is_forced_on_the_owner_too(pg, published):
    with psycopg2.connect(pg[1]) as con, con.cursor() as cur:
        cur.execute("select relforcerowsecurity from pg_class where oid = 'marts.offers'::regclass")
        assert cur.fetchone() == (True,)


def test_an_ot_role_cannot_be_the_publisher(pg, published, warehouse):
    server, _ = pg
    with pytest.raises(ServingError, match="publishing role ot_deux_rives is, or is a member of, an OT's role"):
        publish_postgres(warehouse, TABLES, OFFICES, server.dsn("serving", ot_role("deux-rives"), PASSWORD))
    assert as_role(pg, AGENCY_LOGIN, "select count(*) from marts.offers") == [(4,)]


def test_an_idle_bi_session_cannot_stall_the_swap(pg, published, warehouse):
    server, _ = pg
    bi = psycopg2.connect(server.dsn("serving", AGENCY_LOGIN, PASSWORD))
    try:
        bi.cursor().execute("select count(*) from marts.offers")  # and the transaction stays open, idle
        with pytest.raises(ServingError, match="held the served tables for over 1 s"):
            publish_postgres(warehouse, TABLES, OFFICES, pg[1], lock_timeout_s=1)
    finally:
        bi.close()
    assert as_role(pg, AGENCY_LOGIN, "select count(*) from marts.offers") == [(4,)]


def test_database_down_fails_clearly(warehouse):
    with pytest.raises(ServingError, match="PostgreSQL unreachable, previous serving state kept"):
        publish_postgres(warehouse, TABLES, OFFICES, "postgresql://postgres@127.0.0.1:1/serving")
