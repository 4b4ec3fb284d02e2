"""The DuckLake catalog's password never travels in an ATTACH string (DuckDB repeats it in its
errors): it goes into a DuckDB secret, whatever form the setting gives it in, and any message
about the catalog is redacted in every form."""

import pytest

from t82_pipeline.lib.ducklake import Catalog, redact_catalog

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
