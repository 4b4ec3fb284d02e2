"""Nurtik's contacts and events in staging, incremental on the landing batch, through real
landings (the assumed API on a real HTTP server) and dbt: a night merges its pull into the rows
held and does not read the batches held again; a full pull of the contacts replaces the table, so
a contact deleted in Nurtik leaves it."""

import json
from pathlib import Path

import duckdb
import pytest

from t82_pipeline.defs.nurtik.client import SOURCE, NurtikClient
from t82_pipeline.defs.nurtik.landing import land_contacts, land_events
from t82_pipeline.lib.http import build_session
from t82_pipeline.lib.json_api import BearerJsonApi
from t82_pipeline.lib.landing import LandingZone
from tests.integration.defs.nurtik.test_landing import TOKEN, contact
from tests.support.dbt import run_dbt
from tests.support.env import isolated_settings


class NurtikList:
    """A stand-in list: a pull gets the rows whose ``field`` is after its ``parameter``."""

    def __init__(self, rows: list[dict], field: str, parameter: str):
        self.rows, self.field, self.parameter = rows, field, parameter

    def __call__(self, request):
        from werkzeug import Response

        since = request.args.get(self.parameter) or ""
        rows = [r for r in self.rows if r[self.field] > since]
        return Response(json.dumps({"data": rows, "meta": {"total": len(rows)}}), content_type="application/json")


def event(n: int, when: str) -> dict:
    return {"event_id": f"e-{n}", "contact_id": "c-1", "type": "CLICK", "campaign_id": "nl-1", "occurred_at": when}


def build_staging(settings, target: Path) -> tuple[dict, dict]:
    """dbt builds the contacts and the events (incremental after the first time): contact id →
    (first name, batch), event id → (type, batch)."""
    run_dbt(["run", "--select", "+stg_nurtik__contacts", "stg_nurtik__events"], target)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        contacts = con.execute("select contact_id, first_name, batch_id from personal.stg_nurtik__contacts")
        contacts = {c: (name, batch) for c, name, batch in contacts.fetchall()}
        events = con.execute("select event_id, event_type, batch_id from staging.stg_nurtik__events").fetchall()
    return contacts, {e: (kind, batch) for e, kind, batch in events}


@pytest.fixture
def nurtik(httpserver):
    contacts = NurtikList([contact(1, "a@exemple.fr"), contact(2, "b@exemple.fr")], "updated_at", "updated_since")
    events = NurtikList([event(1, "2026-10-01T10:00:00Z")], "occurred_at", "since")
    httpserver.expect_request("/v1/contacts").respond_with_handler(contacts)
    httpserver.expect_request("/v1/events").respond_with_handler(events)
    session = build_session(retries=0)
    api = BearerJsonApi(SOURCE, httpserver.url_for("").rstrip("/"), TOKEN, session, timeout_s=5)
    yield contacts, events, NurtikClient(api, per_page=100)
    session.close()


def test_a_night_merges_its_pulls_and_a_full_pull_replaces_the_contacts(nurtik, tmp_path):
    contacts, events, client = nurtik
    with isolated_settings(tmp_path / "data") as settings:
        zone = LandingZone(settings.landing_dir)
        secret, target = settings.contact_key_secret, tmp_path / "dbt"
        first, first_events = land_contacts(client, zone, secret, full=True), land_events(client, zone, secret)
        staged, staged_events = build_staging(settings, target)
        assert {c: name for c, (name, _) in staged.items()} == {"c-1": "Anne", "c-2": "Anne"}
        assert staged_events == {"e-1": ("click", first_events.manifest["batch_id"])}

        # Tonight: c-1 renamed, c-3 new, one more event; the pulls ask for what changed since.
        contacts.rows[0] = {**contact(1, "a@exemple.fr", "2026-10-05T10:00:00Z"), "first_name": "Annie"}
        contacts.rows.append(contact(3, "c@exemple.fr", "2026-10-05T11:00:00Z"))
        events.rows.append(event(2, "2026-10-05T10:00:00Z"))
        tonight, tonight_events = land_contacts(client, zone, secret), land_events(client, zone, secret)
        assert tonight.manifest["record_count"] == 2
        # The batches held are not read again: a change to their files would not be seen.
        for held, before, after in (
            (first.path / "contacts.ndjson", '"Anne"', '"Relu"'),
            (first_events.path / "events.ndjson", "CLICK", "OPEN"),
        ):
            held.write_text(held.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
        staged, staged_events = build_staging(settings, target)
        assert staged == {
            "c-1": ("Annie", tonight.manifest["batch_id"]),
            "c-2": ("Anne", first.manifest["batch_id"]),
            "c-3": ("Anne", tonight.manifest["batch_id"]),
        }
        assert staged_events == {
            "e-1": ("click", first_events.manifest["batch_id"]),
            "e-2": ("click", tonight_events.manifest["batch_id"]),
        }

        # A week later, c-2 was deleted in Nurtik: the full pull lacks it, and staging with it.
        del contacts.rows[1]
        land_contacts(client, zone, secret, full=True)
        assert set(build_staging(settings, target)[0]) == {"c-1", "c-3"}
