"""dbt-duckdb plugin (profiles.yml) giving SQL models ``contact_key(email)``: the keyed hash is
computed in Python with the secret from the environment, so the secret never appears in
compiled SQL or dbt's logs. Only table models may call it (a view would need the plugin).
It also loads DuckDB spatial (lib/spatial.py) for the models that check points against shapes."""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from t82_pipeline.lib.pseudonym import contact_key
from t82_pipeline.lib.settings import DEMO_SECRETS, PRODUCTION
from t82_pipeline.lib.spatial import load_spatial


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        load_spatial(conn)
        secret = os.environ.get("T82_CONTACT_KEY_SECRET", "")
        # dbt may be run by hand, outside Dagster: production refuses the public demo secret here too.
        usable = secret and not (os.environ.get("T82_ENV") == PRODUCTION and secret in DEMO_SECRETS)

        def keyed(email: str | None) -> str | None:
            if not usable:
                raise RuntimeError(
                    "T82_CONTACT_KEY_SECRET is not set, or is the demo secret in production: "
                    "contact keys cannot be computed"
                )
            return contact_key(email, secret)

        conn.create_function("contact_key", keyed, ["VARCHAR"], "VARCHAR", null_handling="special", side_effects=False)
