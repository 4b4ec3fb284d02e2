"""Opening the DuckLake warehouse without its catalog's password ever being part of an ATTACH
string: DuckDB repeats that string in its errors (without the ``postgres:`` prefix dbt's secret
scrubbing knows), and dbt and Dagster copy errors into their logs and the UI. The password goes
into a DuckDB secret (``META_SECRET``); the rest of the connection string stays as given."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

import duckdb

from t82_pipeline.lib.duckdb_extensions import DUCKLAKE as DUCKLAKE_EXTENSIONS
from t82_pipeline.lib.duckdb_extensions import load_extension
from t82_pipeline.lib.sql import quote_literal

# The secret the catalog's ATTACH names: dbt's profile names it too (profiles.yml).
CATALOG_SECRET = "t82_catalog"
# libpq's key=value form (a value may be single-quoted, with backslash escapes) and its URL form.
KEY_VALUE_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&]+)", re.IGNORECASE)
URL_PASSWORD = re.compile(r"(://[^:/@\s]*):([^@\s]*)@")


class CatalogUnavailable(RuntimeError):
    """The catalog cannot be opened; the message never holds its password."""


@dataclass(frozen=True)
class Catalog:
    """A DuckLake catalog (``postgres:<libpq connection string>``) split in two: what the ATTACH
    string may carry, and the password, which it must not."""

    conninfo: str
    password: str = field(default="", repr=False)

    @classmethod
    def parse(cls, catalog: str) -> Catalog:
        password = ""
        if match := KEY_VALUE_PASSWORD.search(catalog):
            value = match[2]
            if value.startswith("'"):
                value = re.sub(r"\\(.)", r"\1", value[1:].removesuffix("'"))
            password, catalog = value, catalog[: match.start()] + catalog[match.end() :]
        if match := URL_PASSWORD.search(catalog):
            password = password or unquote(match[2])
            catalog = catalog[: match.start()] + match[1] + "@" + catalog[match.end() :]
        return cls(" ".join(catalog.split()), password)


def redact_catalog(text: str, catalog: str) -> str:
    """A message about the catalog with its password out, whatever form it took in the text."""
    parsed = Catalog.parse(catalog)
    for secret in (catalog, parsed.password):
        if secret:
            text = text.replace(secret, "***")
    text = KEY_VALUE_PASSWORD.sub(lambda m: m[1] + "***", text)
    return URL_PASSWORD.sub(lambda m: m[1] + ":***@", text)


def create_catalog_secret(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """The DuckDB secret holding the catalog's password (none: libpq's other means, pgpass or
    trust, apply). Temporary: it lives as long as the connection."""
    password = Catalog.parse(catalog).password
    options = f", password {quote_literal(password)}" if password else ""
    try:
        con.execute(f"create or replace temporary secret {CATALOG_SECRET} (type postgres{options})")
    except duckdb.Error:
        raise CatalogUnavailable("[warehouse] the DuckLake catalog's credentials were refused by DuckDB") from None


def load_ducklake(con: duckdb.DuckDBPyConnection) -> None:
    for name in DUCKLAKE_EXTENSIONS:
        load_extension(con, name)


def attach_ducklake(con: duckdb.DuckDBPyConnection, catalog: str, data_path: str, alias: str, options: str) -> None:
    """``ATTACH 'ducklake:<catalog without password>' AS alias (DATA_PATH …, META_SECRET …, options)``."""
    load_ducklake(con)
    create_catalog_secret(con, catalog)
    target = "ducklake:" + Catalog.parse(catalog).conninfo
    try:
        con.execute(
            f"attach {quote_literal(target)} as {alias} "
            f"(data_path {quote_literal(data_path)}, meta_secret {CATALOG_SECRET}{options})"
        )
    except duckdb.Error as exc:
        message = redact_catalog(str(exc), catalog)
        raise CatalogUnavailable(f"[warehouse] DuckLake catalog cannot be opened: {message}") from None
