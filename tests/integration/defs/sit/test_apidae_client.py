"""The Apidae client against a real HTTP server on 127.0.0.1 serving real-format payloads."""

import json
import time

import pytest
from werkzeug import Response

from t82_pipeline.defs.sit.apidae_client import SEARCH_PATH, ApidaeClient
from t82_pipeline.defs.sit.apidae_landing import land_api_snapshot
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.landing import LandingZone
from tests.support.apidae_samples import API_KEY, APIDAE, paging_handler, sample_objects


def client(httpserver, page_size=2, retries=2, timeout_s=5.0) -> ApidaeClient:
    return ApidaeClient(
        base_url=httpserver.url_for("").rstrip("/"),
        api_key=API_KEY,
        project_id="42",
        session=build_session(retries, backoff_factor=0.01),
        page_size=page_size,
        timeout_s=timeout_s,
        retries=retries,
        backoff_s=0.01,
    )


def test_pages_real_objects_until_num_found(httpserver, tmp_path):
    objects = sample_objects()
    httpserver.expect_request(SEARCH_PATH, method="POST").respond_with_handler(paging_handler(objects))
    batch = land_api_snapshot(client(httpserver, page_size=2), LandingZone(tmp_path))
    lines = (batch.path / "objects.ndjson").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [o["id"] for o in objects]
    assert batch.manifest["num_found"] == len(objects) == 6
    assert batch.manifest["request"]["pages"] == 3
    assert API_KEY not in (batch.path / "manifest.json").read_text()


def test_empty_result_has_no_objects_key(httpserver, tmp_path):
    empty = (APIDAE / "GeotrekCE_Geotrek-admin__list_empty_numFound0.json").read_text()
    assert "objetsTouristiques" not in json.loads(empty)
    httpserver.expect_request(SEARCH_PATH).respond_with_data(empty, content_type="application/json")
    batch = land_api_snapshot(client(httpserver), LandingZone(tmp_path))
    assert batch.manifest["record_count"] == 0 and batch.manifest["num_found"] == 0


def test_429_with_retry_after_is_retried(httpserver):
    real = (APIDAE / "GeotrekCE_Geotrek-admin__list_479743.json").read_text()
    httpserver.expect_ordered_request(SEARCH_PATH).respond_with_data(
        "Too many requests", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request(SEARCH_PATH).respond_with_data(real, content_type="application/json")
    started = time.monotonic()
    page = client(httpserver).fetch_page(0)
    assert time.monotonic() - started >= 0.9  # Retry-After was honoured
    assert [o["id"] for o in page.objects] == [479743]


def test_a_huge_retry_after_is_capped(httpserver, monkeypatch):
    from t82_pipeline.lib import http

    monkeypatch.setattr(http, "MAX_RETRY_AFTER_S", 0.5)
    real = (APIDAE / "GeotrekCE_Geotrek-admin__list_479743.json").read_text()
    httpserver.expect_ordered_request(SEARCH_PATH).respond_with_data(
        "Too many requests", status=429, headers={"Retry-After": "86400"}
    )
    httpserver.expect_ordered_request(SEARCH_PATH).respond_with_data(real, content_type="application/json")
    started = time.monotonic()
    assert [o["id"] for o in client(httpserver).fetch_page(0).objects] == [479743]
    assert time.monotonic() - started < 10  # not a day


def test_5xx_after_retries_names_source_page_and_hides_key(httpserver):
    httpserver.expect_request(SEARCH_PATH).respond_with_data(
        f"Erreur interne apiKey={API_KEY}", status=503, content_type="text/plain"
    )
    with pytest.raises(SourceError) as err:
        client(httpserver, retries=1).fetch_page(400)
    message = str(err.value)
    assert message.startswith("[apidae] /api/v002/recherche/list-objets-touristiques first=400")
    assert "503" in message or "retries" in message
    assert API_KEY not in message
    assert len(httpserver.log) == 2  # first try + one retry


def test_plain_text_404_is_reported(httpserver):
    httpserver.expect_request(SEARCH_PATH).respond_with_data("Projet inconnu", status=404, content_type="text/plain")
    with pytest.raises(SourceError, match="HTTP 404: Projet inconnu"):
        client(httpserver).fetch_page(0)


def test_timeout_is_retried_then_reported(httpserver):
    def slow(request):
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(SEARCH_PATH).respond_with_handler(slow)
    with pytest.raises(SourceError, match="request failed after retries"):
        client(httpserver, retries=1, timeout_s=0.3).fetch_page(0)


def test_a_body_truncated_on_every_retry_is_an_error_naming_the_page(httpserver, tmp_path):
    real = (APIDAE / "GeotrekCE_Geotrek-admin__list_479743.json").read_text()
    httpserver.clear_log()  # a timed-out request of an earlier test may still arrive
    httpserver.expect_request(SEARCH_PATH).respond_with_data(real[: len(real) // 2], content_type="application/json")
    zone = LandingZone(tmp_path)
    with pytest.raises(SourceError, match=r"first=0 count=3: response is not valid JSON \(truncated body\?\)"):
        land_api_snapshot(client(httpserver, page_size=3), zone)
    assert zone.manifests("apidae") == []  # nothing half-landed
    tries = [r for r, _ in httpserver.log if json.loads(r.form["query"])["count"] == 3]
    assert len(tries) == 3  # the first try and two retries


def test_a_page_truncated_once_is_fetched_again(httpserver, tmp_path):
    objects = sample_objects()
    pages = paging_handler(objects)
    cut = {"first=2": 1, "first=0": 1}  # the head page and a later one, each cut once

    def handler(request):
        response = pages(request)
        query = json.loads(request.form["query"])
        if cut.get(f"first={query['first']}"):
            cut[f"first={query['first']}"] -= 1
            return Response(response.get_data()[:50], content_type="application/json")
        return response

    httpserver.clear_log()
    httpserver.expect_request(SEARCH_PATH, method="POST").respond_with_handler(handler)
    batch = land_api_snapshot(client(httpserver, page_size=2), LandingZone(tmp_path))
    lines = (batch.path / "objects.ndjson").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [o["id"] for o in objects]
    assert batch.manifest["quarantined"] == 0 and len(httpserver.log) == 5


def test_schema_drift_without_num_found_is_an_error(httpserver):
    httpserver.expect_request(SEARCH_PATH).respond_with_json({"results": []})
    with pytest.raises(SourceError, match="no numFound"):
        client(httpserver).fetch_page(0)


def test_object_without_id_is_quarantined_and_the_rest_lands(httpserver, tmp_path):
    objects = sample_objects()[:2]
    broken = {k: v for k, v in objects[1].items() if k != "id"}
    httpserver.expect_request(SEARCH_PATH).respond_with_handler(paging_handler([objects[0], broken]))
    batch = land_api_snapshot(client(httpserver, page_size=10), LandingZone(tmp_path))
    assert batch.manifest["record_count"] == 1
    assert batch.quarantined[0]["record"] == "page first=0 item 1"
    assert batch.quarantined[0]["reason"] == "object has no integer 'id'"


def test_object_with_a_malformed_modification_date_is_quarantined(httpserver, tmp_path):
    objects = sample_objects()[:2]
    objects[1]["gestion"]["dateModification"] = "2026-11-02T06:00:00"  # no milliseconds nor offset
    httpserver.expect_request(SEARCH_PATH).respond_with_handler(paging_handler(objects))
    batch = land_api_snapshot(client(httpserver, page_size=10), LandingZone(tmp_path))
    assert batch.manifest["record_count"] == 1
    assert batch.quarantined[0]["record"] == f"page first=0 item 1 id={objects[1]['id']}"
    assert (
        batch.quarantined[0]["reason"] == "gestion.dateModification is not an Apidae date-time: '2026-11-02T06:00:00'"
    )


def test_truncated_later_page_is_an_error_naming_that_page(httpserver, tmp_path):
    objects = sample_objects()
    good = paging_handler(objects)

    def second_page_cut(request):
        response = good(request)
        if json.loads(request.form["query"])["first"] == 2:
            response.set_data(response.get_data()[:100])
        return response

    httpserver.expect_request(SEARCH_PATH, method="POST").respond_with_handler(second_page_cut)
    zone = LandingZone(tmp_path)
    with pytest.raises(
        SourceError, match=r"first=2 count=2: response is not valid JSON \(truncated body\?\), 100 bytes"
    ):
        land_api_snapshot(client(httpserver, page_size=2), zone)
    assert zone.manifests("apidae") == [] and not list((tmp_path / "apidae").glob(".*"))  # no pages left behind


def test_duplicate_and_non_integer_ids_are_quarantined(httpserver, tmp_path):
    objects = sample_objects()[:3]
    duplicate = {**objects[0], "nom": {"libelleFr": "again"}}
    text_id = {**objects[2], "id": str(objects[2]["id"])}
    httpserver.expect_request(SEARCH_PATH).respond_with_handler(
        paging_handler([objects[0], objects[1], duplicate, text_id])
    )
    batch = land_api_snapshot(client(httpserver, page_size=3), LandingZone(tmp_path))
    kept = [json.loads(line) for line in (batch.path / "objects.ndjson").read_text().splitlines()]
    assert kept == objects[:2]  # the objects themselves, unchanged
    assert [(q["record"], q["reason"]) for q in batch.quarantined] == [
        (f"page first=0 item 2 id={objects[0]['id']}", "duplicate id in the same batch"),
        ("page first=3 item 0", "object has no integer 'id'"),
    ]
    assert f'"id":"{text_id["id"]}"' in batch.quarantined[1]["raw"]  # a raw copy, cut at 2,000 characters
