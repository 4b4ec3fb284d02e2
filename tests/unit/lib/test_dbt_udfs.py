"""dbt's contact-key function, run by hand outside Dagster too: production refuses the public
demo secret however T82_ENV is written."""

import duckdb
import pytest

from t82_pipeline.lib.settings import DEMO_CONTACT_KEY_SECRET


@pytest.mark.parametrize("mode", ["production", "Production", " PRODUCTION "])
def test_production_refuses_the_demo_secret_whatever_the_case(monkeypatch, mode):
    from dbt.adapters.duckdb.plugins import BasePlugin

    monkeypatch.setenv("T82_ENV", mode)
    monkeypatch.setenv("T82_CONTACT_KEY_SECRET", DEMO_CONTACT_KEY_SECRET)
    monkeypatch.setenv("T82_WAREHOUSE", "duckdb")
    con = duckdb.connect()
    BasePlugin.create("t82_pipeline.lib.dbt_udfs").configure_connection(con)
    with pytest.raises(duckdb.Error, match="demo secret in production"):
        con.execute("select contact_key('alice@example.org')").fetchall()


def test_the_embedded_default_keys_with_the_demo_secret(monkeypatch):
    from dbt.adapters.duckdb.plugins import BasePlugin

    monkeypatch.setenv("T82_ENV", "embedded")
    monkeypatch.setenv("T82_CONTACT_KEY_SECRET", DEMO_CONTACT_KEY_SECRET)
    monkeypatch.setenv("T82_WAREHOUSE", "duckdb")
    con = duckdb.connect()
    BasePlugin.create("t82_pipeline.lib.dbt_udfs").configure_connection(con)
    assert len(con.execute("select contact_key('alice@example.org')").fetchone()[0]) == 64
