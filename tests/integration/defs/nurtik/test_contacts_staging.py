"""Nurtik's contacts in staging, incremental on the landing batch, through real landings (the
assumed API on a real HTTP server) and dbt: a night merges its pull into the contacts held and
does not read the batches held again; a full pull replaces the table, so a contact deleted in
Nurtik leaves it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from t82_pipeline.defs.nurtik.client import SOURCE, NurtikClient
from t82_pipeline.defs.nurtik.landing import land_contacts
from t82_pipeline.lib.http import build_session
from t82_pipeline.lib.json_api import BearerJsonApi
from t82_pipeline.lib.landing import LandingZone
from tests.conftest import REPO
from tests.integration.defs.nurtik.test_landing import TOKEN, contact
from tests.support.env import isolated_settings


class NurtikContacts:
    """The stand-in's list of contacts: a pull gets those updated after its `updated_since`."""

    def __init__(self, contacts: list[dict]):
        self.contacts = contacts

    def __call__(self, request):
        from werkzeug import Response

        since = request.args.get("updated_since") or ""
        rows = [c for c in self.contacts if c["updated_at"] > since]
        return Response(json.dumps({"data": rows, "meta": {"total": len(rows)}}), content_type="application/json")


def staged_contacts(settings, target: Path) -> dict[str, tuple[str, str]]:
    """dbt builds the contacts (incremental after the first time): contact id → first name, batch."""
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "--select", "+stg_nurtik__contacts", "--quiet"],
        cwd=REPO / "dbt_project", check=True,
        env={**os.environ, "DBT_PROFILES_DIR": str(REPO / "dbt_project"), "DBT_TARGET_PATH": str(target)},
    )  # fmt: skip
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select contact_id, first_name, batch_id from personal.stg_nurtik__contacts").fetchall()
    return {contact_id: (first_name, batch_id) for contact_id, first_name, batch_id in rows}


@pytest.fixture
def nurtik(httpserver):
    source = NurtikContacts([contact(1, "a@exemple.fr"), contact(2, "b@exemple.fr")])
    httpserver.expect_request("/v1/contacts").respond_with_handler(source)
    session = build_session(retries=0)
    api = BearerJsonApi(SOURCE, httpserver.url_for("").rstrip("/"), TOKEN, session, timeout_s=5)
    yield source, NurtikClient(api, per_page=100)
    session.close()


def test_a_night_merges_its_pull_and_a_full_pull_replaces_the_contacts(nurtik, tmp_path):
    source, client = nurtik
    with isolated_settings(tmp_path / "data") as settings:
        zone = LandingZone(settings.landing_dir)
        secret, target = settings.contact_key_secret, tmp_path / "dbt"
        first = land_contacts(client, zone, secret, full=True)
        assert {c: name for c, (name, _) in staged_contacts(settings, target).items()} == {"c-1": "Anne", "c-2": "Anne"}

        # Tonight: c-1 renamed, c-3 new; the pull asks for what changed since the last one.
        source.contacts[0] = {**contact(1, "a@exemple.fr", "2026-10-05T10:00:00Z"), "first_name": "Annie"}
        source.contacts.append(contact(3, "c@exemple.fr", "2026-10-05T11:00:00Z"))
        tonight = land_contacts(client, zone, secret)
        assert tonight.manifest["record_count"] == 2
        # The batch held is not read again: a change to its file would not be seen.
        held_file = first.path / "contacts.ndjson"
        held_file.write_text(held_file.read_text(encoding="utf-8").replace('"Anne"', '"Relu"'), encoding="utf-8")
        staged = staged_contacts(settings, target)
        assert staged == {
            "c-1": ("Annie", tonight.manifest["batch_id"]),
            "c-2": ("Anne", first.manifest["batch_id"]),
            "c-3": ("Anne", tonight.manifest["batch_id"]),
        }

        # A week later, c-2 was deleted in Nurtik: the full pull lacks it, and staging with it.
        del source.contacts[1]
        land_contacts(client, zone, secret, full=True)
        assert set(staged_contacts(settings, target)) == {"c-1", "c-3"}
