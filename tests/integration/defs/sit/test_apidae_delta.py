"""The nightly Apidae delta against the stand-in with the real API's habits (responseFields,
identifiants, envelope): changed, new and deleted objects land as one differential batch that
the staging applies; nothing changed → no batch; a delta that fails midway leaves the last good
state."""

import copy
import json
from pathlib import Path

import duckdb
import pytest
from werkzeug import Response

from t82_pipeline.defs.sit.apidae_client import LISTING_FIELDS, ApidaeClient
from t82_pipeline.defs.sit.apidae_landing import land_api_delta, land_api_snapshot, landed_state
from t82_pipeline.demo.apidae_server import serve_objects
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.landing import LandingZone
from tests.support.apidae_samples import API_KEY, sample_objects
from tests.support.dbt import run_dbt
from tests.support.env import isolated_settings


def client_for(url: str, page_size: int = 3) -> ApidaeClient:
    return ApidaeClient(
        base_url=url, api_key=API_KEY, project_id="42", session=build_session(1, backoff_factor=0.01),
        page_size=page_size, timeout_s=5.0, retries=1, backoff_s=0.01,
    )  # fmt: skip


def write(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in sorted(objects, key=lambda o: o["id"])), encoding="utf-8")
    return path


def next_night(objects: list[dict]) -> tuple[list[dict], int, int, int]:
    """One object edited (new modification date), one created, one removed from the project."""
    tonight = copy.deepcopy(objects)
    edited, removed = tonight[0], tonight.pop(1)
    edited["gestion"]["dateModification"] = "2026-11-30T08:15:00.000+0000"
    edited["nom"] = {"libelleFr": "Nom corrigé cette nuit"}
    created = copy.deepcopy(tonight[2])
    created["id"] = 9_900_001
    created["gestion"]["dateModification"] = "2026-11-30T09:00:00.000+0000"
    return [*tonight, created], edited["id"], created["id"], removed["id"]


def batch_ids(folder: Path, name: str) -> list[int]:
    text = (folder / name).read_text(encoding="utf-8")
    return [json.loads(line)["id"] for line in text.splitlines()]


@pytest.fixture
def objects():
    found = [
        o for o in sample_objects() if isinstance(o.get("id"), int) and o.get("gestion", {}).get("dateModification")
    ]
    assert len(found) >= 5
    return found


def test_a_night_lands_only_what_changed_and_what_disappeared(objects, tmp_path):
    zone = LandingZone(tmp_path / "landing")
    with serve_objects(write(tmp_path / "v1.ndjson", objects), API_KEY) as url:
        full = land_api_snapshot(client_for(url), zone)
    assert full.manifest["mode"] == "full"
    assert landed_state(zone).modified == {o["id"]: o["gestion"]["dateModification"] for o in objects}

    tonight, edited, created, removed = next_night(objects)
    with serve_objects(write(tmp_path / "v2.ndjson", tonight), API_KEY) as url:
        delta = land_api_delta(client_for(url), zone, landed_state(zone))
        assert delta.is_new and delta.manifest["mode"] == "differential" and delta.manifest["kind"] == "api"
        assert sorted(batch_ids(delta.path, "objects.ndjson")) == sorted([edited, created])
        assert batch_ids(delta.path, "deletions.ndjson") == [removed]
        assert delta.manifest["request"]["pages"] == 1  # two objects asked by id in one request
        landed = {
            json.loads(line)["id"]: json.loads(line)
            for line in (delta.path / "objects.ndjson").read_text().splitlines()
        }
        assert landed[edited]["nom"] == {"libelleFr": "Nom corrigé cette nuit"}  # the whole object, as served
        assert landed_state(zone).modified == {o["id"]: o["gestion"]["dateModification"] for o in tonight}

        # The same night again: nothing to land.
        assert land_api_delta(client_for(url), zone, landed_state(zone)) is None
    assert len(zone.manifests("apidae")) == 2


def test_an_id_an_export_deleted_comes_back_only_if_modified_after():
    from t82_pipeline.defs.sit.apidae_landing import LandedState

    state = LandedState({1: "2026-11-01T10:00:00.000+0000"}, {2: "2026-11-20T03:00:00+00:00"})
    assert not state.wants(1, "2026-11-01T10:00:00.000+0000")  # unchanged
    assert not state.wants(1, "2026-10-01T10:00:00.000+0000")  # the landed version is newer (an export's)
    assert state.wants(1, "2026-11-02T10:00:00.000+0000")
    assert not state.wants(2, "2026-11-19T10:00:00.000+0000")  # deleted later: stays deleted
    assert state.wants(2, "2026-11-21T10:00:00.000+0000")  # recreated after its deletion
    assert state.wants(3, "2026-01-01T00:00:00.000+0000")  # new


def test_the_listing_asks_for_ids_and_dates_only(objects, tmp_path):
    with serve_objects(write(tmp_path / "v1.ndjson", objects), API_KEY) as url:
        listed = client_for(url, page_size=2).list_modifications()
    assert listed == {o["id"]: o["gestion"]["dateModification"] for o in objects}
    assert LISTING_FIELDS == ("id", "gestion.dateModification")


def test_a_delta_that_fails_midway_leaves_the_last_good_state(objects, tmp_path, httpserver):
    zone = LandingZone(tmp_path / "landing")
    with serve_objects(write(tmp_path / "v1.ndjson", objects), API_KEY) as url:
        land_api_snapshot(client_for(url), zone)
    before = landed_state(zone)
    tonight, *_ = next_night(objects)
    listing = [{"id": o["id"], "gestion": {"dateModification": o["gestion"]["dateModification"]}} for o in tonight]

    def handler(request):
        query = json.loads(request.form["query"])
        if query.get("identifiants"):  # the listing went through; fetching the objects fails
            return Response("Erreur de traitement", status=503, content_type="text/plain")
        page = listing[query["first"] : query["first"] + query["count"]]
        return Response(json.dumps({"query": query, "numFound": len(listing), "objetsTouristiques": page}))

    httpserver.expect_request("/api/v002/recherche/list-objets-touristiques").respond_with_handler(handler)
    with pytest.raises(SourceError, match="identifiants=.*HTTP 503"):
        land_api_delta(client_for(httpserver.url_for("").rstrip("/")), zone, before)
    assert len(zone.manifests("apidae")) == 1 and landed_state(zone) == before
    assert not list((zone.root / "apidae").glob(".tmp*"))  # no half batch left


def build_current_state(settings, target: Path) -> dict[int, str]:
    """dbt builds the Apidae current state (incremental after the first time); its rows."""
    run_dbt(["run", "--select", "+int_apidae_objects_current"], target)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return dict(con.execute("select apidae_id, name from intermediate.int_apidae_objects_current").fetchall())


def test_the_current_state_merges_a_delta_then_a_new_snapshot_replaces_it(objects, tmp_path):
    """The merged state is incremental: the delta night merges its batch into the snapshot's
    rows; a later full snapshot replaces them (an object it lacks is gone)."""
    with isolated_settings(tmp_path / "data") as settings:
        zone = LandingZone(settings.landing_dir)
        with serve_objects(write(tmp_path / "v1.ndjson", objects), API_KEY) as url:
            land_api_snapshot(client_for(url), zone)
        assert set(build_current_state(settings, tmp_path / "dbt")) == {o["id"] for o in objects}
        tonight, edited, created, removed = next_night(objects)
        with serve_objects(write(tmp_path / "v2.ndjson", tonight), API_KEY) as url:
            land_api_delta(client_for(url), zone, landed_state(zone))
        current = build_current_state(settings, tmp_path / "dbt")
        assert set(current) == {o["id"] for o in tonight} and removed not in current and created in current
        assert current[edited] == "Nom corrigé cette nuit"

        later = [o for o in tonight if o["id"] != edited]
        with serve_objects(write(tmp_path / "v3.ndjson", later), API_KEY) as url:
            land_api_snapshot(client_for(url), zone)
        assert set(build_current_state(settings, tmp_path / "dbt")) == {o["id"] for o in later}


class _Zone:
    def __init__(self, manifests):
        self._manifests = manifests

    def manifests(self, source):
        return self._manifests


def test_a_full_snapshot_is_taken_weekly_on_request_and_first():
    from datetime import UTC, datetime, timedelta

    from t82_pipeline.defs.sit.assets import ApidaePullConfig, _needs_full_snapshot
    from t82_pipeline.defs.sit.resources import ApidaeResource

    apidae = ApidaeResource(base_url="http://127.0.0.1:1", api_key="k", project_id="1", full_snapshot_days=7)

    def full(days_ago):
        when = datetime.now(UTC) - timedelta(days=days_ago)
        return {"mode": "full", "kind": "api", "received_at": when.isoformat()}

    assert _needs_full_snapshot(_Zone([]), ApidaePullConfig(), apidae) == "no full snapshot landed yet"
    assert _needs_full_snapshot(_Zone([full(2)]), ApidaePullConfig(), apidae) is None
    assert "8 day(s) old" in _needs_full_snapshot(_Zone([full(8)]), ApidaePullConfig(), apidae)
    assert (
        _needs_full_snapshot(_Zone([full(2)]), ApidaePullConfig(full_snapshot=True), apidae)
        == "asked in the run config"
    )
    # A full export (reinitialisation) is not an API snapshot: the API's scope may differ.
    export = {**full(1), "kind": "export"}
    assert _needs_full_snapshot(_Zone([full(9), export]), ApidaePullConfig(), apidae) is not None


def test_an_object_that_leaves_comes_back_and_leaves_again_follows_the_listing(objects, tmp_path):
    """The second departure's batch has the same changes as the first's: it lands all the same."""
    zone = LandingZone(tmp_path / "landing")
    gone = copy.deepcopy(objects)
    leaving = gone.pop(1)["id"]
    nights = [objects, gone, objects, gone, objects]  # listed, left, back unchanged, left, back
    for n, tonight in enumerate(nights):
        with serve_objects(write(tmp_path / f"night{n}.ndjson", tonight), API_KEY) as url:
            state = landed_state(zone)
            if state is None:
                land_api_snapshot(client_for(url), zone)
            else:
                batch = land_api_delta(client_for(url), zone, state)
                assert batch is not None and batch.is_new, f"night {n}: the changes did not land"
        assert (leaving in landed_state(zone).modified) is (tonight is objects), f"night {n}"
    assert len(zone.manifests("apidae")) == 5


def test_a_server_paging_fewer_objects_than_asked_loses_none(objects, tmp_path):
    zone = LandingZone(tmp_path / "landing")
    everything = {o["id"]: o["gestion"]["dateModification"] for o in objects}
    with serve_objects(write(tmp_path / "v1.ndjson", objects), API_KEY, max_count=2) as url:
        assert client_for(url, page_size=3).list_modifications() == everything
        snapshot = land_api_snapshot(client_for(url, page_size=3), zone)
    assert sorted(batch_ids(snapshot.path, "objects.ndjson")) == sorted(everything)


@pytest.mark.parametrize(
    "listing_defect",
    ["short of numFound", "unreadable id", "empty page"],
)
def test_a_listing_that_misses_objects_is_refused_never_turned_into_deletions(
    objects, tmp_path, httpserver, listing_defect
):
    zone = LandingZone(tmp_path / "landing")
    with serve_objects(write(tmp_path / "v1.ndjson", objects), API_KEY) as url:
        land_api_snapshot(client_for(url), zone)
    before = landed_state(zone)
    listing = [{"id": o["id"], "gestion": {"dateModification": o["gestion"]["dateModification"]}} for o in objects]
    announced = len(listing)
    if listing_defect == "short of numFound":
        listing = listing[:-2]  # the server says 5 but lists 3
    elif listing_defect == "unreadable id":
        listing[2]["id"] = "5000123x"

    def handler(request):
        query = json.loads(request.form["query"])
        if listing_defect == "empty page" and query["first"] > 0:
            return Response(json.dumps({"query": query, "numFound": announced}))  # no objetsTouristiques
        page = listing[query["first"] : query["first"] + query["count"]]
        return Response(json.dumps({"query": query, "numFound": announced, "objetsTouristiques": page}))

    httpserver.expect_request("/api/v002/recherche/list-objets-touristiques").respond_with_handler(handler)
    with pytest.raises(SourceError, match="listing refused, nothing recorded as deleted"):
        land_api_delta(client_for(httpserver.url_for("").rstrip("/")), zone, before)
    assert len(zone.manifests("apidae")) == 1 and landed_state(zone) == before


def test_a_snapshot_short_of_numfound_is_refused(objects, tmp_path, httpserver):
    zone = LandingZone(tmp_path / "landing")

    served = objects[:3] + objects[4:]  # one object lost on the server's side, numFound unchanged

    def handler(request):
        query = json.loads(request.form["query"])
        page = served[query["first"] : query["first"] + query["count"]]
        return Response(json.dumps({"query": query, "numFound": len(objects), "objetsTouristiques": page}))

    httpserver.expect_request("/api/v002/recherche/list-objets-touristiques").respond_with_handler(handler)
    with pytest.raises(SourceError, match="snapshot refused"):
        land_api_snapshot(client_for(httpserver.url_for("").rstrip("/")), zone)
    assert zone.manifests("apidae") == []
