"""Uploading a built feed by HTTP PUT to a real server on 127.0.0.1."""

import json
import re

import pytest
from werkzeug import Response

from t82_pipeline.defs.opendata.feed import Feed, publish, upload
from t82_pipeline.lib.http import build_session


@pytest.fixture
def built_feed(tmp_path):
    record = {
        "@id": "https://example.org/abcdef",
        "dc:identifier": "apidae:1",
        "rdfs:label": {"fr": ["Moulin"]},
        "lastUpdate": "2026-11-01",
        "lastUpdateDatatourisme": "2026-11-02T02:30:00.000Z",
    }
    feed = Feed(records=[record], builder="b1", rows={"apidae:1": {"digest": "d1"}})
    return publish(feed, tmp_path / "feed", "v-test", {"agenda/x.ics": b"BEGIN:VCALENDAR"})


def test_files_first_then_the_pointer(httpserver, built_feed):
    stored = {}

    def store(request):
        stored[request.path] = (request.headers.get("Authorization"), request.get_data())
        return Response(status=201)

    httpserver.expect_request(re.compile(r"/feeds/.*"), method="PUT").respond_with_handler(store)
    prefix = upload(built_feed, httpserver.url_for("/feeds"), build_session(1, 0.01), token="tok")
    order = [request.path for request, _ in httpserver.log]
    assert order[-1] == "/feeds/current.json"  # the pointer moves last
    assert json.loads(stored["/feeds/current.json"][1]) == {
        "current": built_feed.name,
        "index": f"{built_feed.name}/index.json",
    }
    assert {f"/feeds/{built_feed.name}/index.json", f"/feeds/{built_feed.name}/agenda/x.ics"} <= set(stored)
    assert (built_feed / ".rows.json").exists() and not [p for p in stored if "/." in p]  # ours, not the flux's
    assert all(auth == "Bearer tok" for auth, _ in stored.values())
    assert prefix.endswith(built_feed.name)


def test_failed_upload_never_moves_the_pointer(httpserver, built_feed):
    httpserver.expect_request(re.compile(r".*/index\.json"), method="PUT").respond_with_data(
        "quota exceeded", status=507
    )
    httpserver.expect_request(re.compile(r".*"), method="PUT").respond_with_data("", status=201)
    with pytest.raises(RuntimeError, match="index.json: HTTP 507; previous feed kept"):
        upload(built_feed, httpserver.url_for("/feeds"), build_session(0, 0.01))
    assert "/feeds/current.json" not in [r.path for r, _ in httpserver.log]


def test_local_publish_failing_midway_keeps_the_previous_feed(built_feed):
    root = built_feed.parent
    broken = {
        "@id": "https://example.org/bad",
        "dc:identifier": "apidae:2",
        "rdfs:label": {"fr": ["x"]},
        "lastUpdate": object(),
        "lastUpdateDatatourisme": "2026-11-03T02:30:00.000Z",
    }
    with pytest.raises(TypeError):
        publish(Feed(records=[broken]), root, "v-test")
    assert (root / "current").resolve() == built_feed
    assert json.loads((root / "current" / "index.json").read_text())[0]["label"] == "Moulin"
    assert not list(root.glob(".tmp-*"))
