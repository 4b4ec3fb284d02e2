"""Real Apidae objects and an Apidae-like page handler, shared by the tests."""

import json

from werkzeug import Request, Response

from tests.conftest import FIXTURES

API_KEY = "s3cr3t-key-123"
APIDAE = FIXTURES / "apidae"
SLICED_2014 = sorted(APIDAE.glob("GeotrekCE_Geotrek-admin__list2014_*.json"))


def sample_objects() -> list[dict]:
    """Real objects: the 2014 ones and those of the real list responses."""
    objects = [json.loads(p.read_text()) for p in SLICED_2014]
    for name in ("GeotrekCE_Geotrek-admin__list_479743.json", "GeotrekCE_Geotrek-admin__list_event_323154.json"):
        objects += json.loads((APIDAE / name).read_text())["objetsTouristiques"]
    return objects


def paging_handler(objects: list[dict]):
    """Answers like Apidae: envelope, query echo, objetsTouristiques absent when empty."""

    def handler(request: Request) -> Response:
        query = json.loads(request.form["query"])
        assert query["apiKey"] == API_KEY and query["order"] == "IDENTIFIANT"
        page = objects[query["first"] : query["first"] + query["count"]]
        body = {"query": query, "numFound": len(objects)}
        if page:
            body["objetsTouristiques"] = page
        return Response(json.dumps(body), content_type="application/json")

    return handler
