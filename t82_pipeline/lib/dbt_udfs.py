"""dbt-duckdb plugin (profiles.yml) giving SQL models ``contact_key(email)``: the keyed hash is
computed in Python with the secret from the environment, so the secret never appears in
compiled SQL or dbt's logs. Only table models may call it (a view would need the plugin).
It also loads DuckDB spatial for the models that check points against shapes, and on a DuckLake
warehouse the extensions its ATTACH needs and the secret holding the catalog's password, which
the profile's ATTACH names and never spells (lib/ducklake.py)."""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from t82_pipeline.lib.duckdb_extensions import SPATIAL, load_extension
from t82_pipeline.lib.ducklake import create_catalog_secret, load_ducklake
from t82_pipeline.lib.pseudonym import contact_key
from t82_pipeline.lib.settings import CATALOG_FOR_DBT, DEMO_SECRETS, DUCKLAKE, PRODUCTION


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        load_extension(conn, SPATIAL)
        if os.environ.get("T82_WAREHOUSE") == DUCKLAKE:  # before dbt-duckdb runs the profile's ATTACH
            load_ducklake(conn)
            create_catalog_secret(conn, os.environ.get(CATALOG_FOR_DBT, ""))
        secret = os.environ.get("T82_CONTACT_KEY_SECRET", "")
        # dbt may be run by hand, outside Dagster: production refuses the public demo secret here too.
        production = os.environ.get("T82_ENV", "").strip().lower() == PRODUCTION
        usable = secret and not (production and secret in DEMO_SECRETS)

        def keyed(email: str | None) -> str | None:
            if not usable:
                raise RuntimeError(
                    "T82_CONTACT_KEY_SECRET is not set, or is the demo secret in production: "
                    "contact keys cannot be computed"
                )
            return contact_key(email, secret)

        conn.create_function("contact_key", keyed, ["VARCHAR"], "VARCHAR", null_handling="special", side_effects=False)
