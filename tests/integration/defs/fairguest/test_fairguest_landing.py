"""Fairguest client and exports against a real HTTP server on 127.0.0.1 and real files."""

import json

import pytest

from t82_pipeline.defs.fairguest.client import RATINGS_PATH, SOURCE, FairguestClient
from t82_pipeline.defs.fairguest.landing import land_export_file, land_ratings, land_reviews_api
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.json_api import BearerJsonApi
from t82_pipeline.lib.landing import LandingZone

TOKEN = "fg-secret-token-42"
HEADER = "id_avis;id_fiche;plateforme;date;note;echelle;langue;titre;texte;auteur\n"


def client(httpserver, retries=1) -> FairguestClient:
    api = BearerJsonApi(
        SOURCE, httpserver.url_for("").rstrip("/"), TOKEN, build_session(retries, 0.01), retries=retries
    )
    return FairguestClient(api, "82", page_size=2)


def review(i, **overrides):
    return {
        "review_id": f"g-{i}",
        "sheet_id": 700001,
        "platform": "google",
        "published_at": f"2026-10-0{i}T10:00:00+00:00",
        "rating": 4,
        "rating_scale": 5,
        "lang": "fr",
        "title": "t",
        "text": "Très calme",
        "author_name": "Zoé Q.",
        **overrides,
    }


def test_ratings_endpoint_in_its_observed_shape(httpserver, tmp_path):
    httpserver.expect_request(RATINGS_PATH, query_string="ids=700001%2C700002&fairguestGroup=82").respond_with_json(
        {
            "700001": {"weighted_rating": 8.43, "weighted_rating_is_valid": True},
            "700002": {"weighted_rating": 6.1, "weighted_rating_is_valid": False},
        }
    )
    batch = land_ratings(client(httpserver), LandingZone(tmp_path), [700001, 700002])
    lines = [json.loads(x) for x in (batch.path / "ratings.ndjson").read_text().splitlines()]
    assert lines == [
        {"sheet_id": 700001, "weighted_rating": 8.43, "is_valid": True},
        {"sheet_id": 700002, "weighted_rating": 6.1, "is_valid": False},
    ]


def test_reviews_are_paged_then_fetched_incrementally(httpserver, tmp_path):
    zone = LandingZone(tmp_path)
    path = "/v2/fairguest/groups/82/reviews"
    httpserver.expect_ordered_request(path, query_string="page=1&size=2").respond_with_json(
        {"total": 3, "reviews": [review(1), review(2)]}
    )
    httpserver.expect_ordered_request(path, query_string="page=2&size=2").respond_with_json(
        {"total": 3, "reviews": [review(3)]}
    )
    first = land_reviews_api(client(httpserver), zone)
    assert first.manifest["record_count"] == 3 and first.manifest["max_published_at"] == "2026-10-03T10:00:00+00:00"
    # The next pull asks again for the week before the latest review: a platform may hand one over late.
    httpserver.expect_ordered_request(
        path, query_string="page=1&size=2&since=2026-09-26T10%3A00%3A00%2B00%3A00"
    ).respond_with_json({"total": 2, "reviews": [review(3), review(5, published_at="2026-10-01T12:00:00+00:00")]})
    second = land_reviews_api(client(httpserver), zone)
    assert second.manifest["request"]["since"] == "2026-09-26T10:00:00+00:00"
    landed = [json.loads(x)["review_id"] for x in (second.path / "reviews.ndjson").read_text().splitlines()]
    # g-5 was published before the latest one and handed over late: not lost. g-3, sent again
    # unchanged, is no change and does not land twice.
    assert landed == ["g-5"] and second.manifest["record_count"] == 1
    assert second.manifest["max_published_at"] == "2026-10-03T10:00:00+00:00"


def test_bad_reviews_are_quarantined_and_the_rest_lands(httpserver, tmp_path):
    httpserver.expect_request("/v2/fairguest/groups/82/reviews").respond_with_json(
        {"total": 3, "reviews": [review(1), review(2, platform="myspace"), review(3, rating=9)]}
    )
    batch = land_reviews_api(
        FairguestClient(BearerJsonApi(SOURCE, httpserver.url_for("").rstrip("/"), TOKEN, build_session(0)), "82"),
        LandingZone(tmp_path),
    )
    assert batch.manifest["record_count"] == 1
    assert sorted(q["reason"] for q in batch.quarantined) == [
        "rating 9.0 outside its scale /5 for google",
        "unknown platform 'myspace'",
    ]
    assert all("Zoé" not in json.dumps(q) for q in batch.quarantined)


def test_server_error_names_the_source_and_hides_the_token(httpserver):
    httpserver.expect_request(RATINGS_PATH).respond_with_data(f"boom token={TOKEN}", status=500)
    with pytest.raises(SourceError) as err:
        list(client(httpserver).ratings([1]))
    assert str(err.value).startswith("[fairguest]") and TOKEN not in str(err.value)


def test_export_rows_with_defects_are_quarantined_by_line(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        HEADER + "a1;700001;google;2026-10-01T09:00:00;4;5;fr;Bien;Très bien;Zoé Q.\n"
        "a2;700001;myspace;2026-10-01;4;5;fr;x;x;x\n"
        "a3;700001;booking;pas une date;8;10;fr;x;x;x\n",
        encoding="cp1252",
    )
    batch = land_export_file(LandingZone(tmp_path / "landing"), export)
    assert batch.manifest["record_count"] == 1
    assert [(q["record"], q["reason"]) for q in batch.quarantined] == [
        ("export.csv line 3", "unknown platform 'myspace'"),
        ("export.csv line 4", "unreadable date 'pas une date'"),
    ]
    landed = json.loads((batch.path / "reviews.ndjson").read_text())
    assert landed["text"] == "Très bien" and "author_name" not in landed


def test_export_with_missing_columns_is_rejected(tmp_path):
    export = tmp_path / "avis.csv"
    export.write_text("id_avis;note\n1;4\n", encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"\[fairguest\] avis.csv: export is missing column\(s\): id_fiche, plateforme"
    ):
        land_export_file(LandingZone(tmp_path / "landing"), export)


def test_xlsx_export_lands_like_csv(tmp_path):
    import pandas as pd

    export = tmp_path / "export.xlsx"
    pd.DataFrame(
        [
            {
                "id_avis": "b1",
                "id_fiche": "700002",
                "plateforme": "Booking",
                "date": "2026-10-05T18:00:00",
                "note": "8.5",
                "echelle": "10",
                "langue": "en",
                "titre": "Great",
                "texte": "Lovely stay",
                "auteur": "Ann B.",
            }
        ]
    ).to_excel(export, index=False)
    batch = land_export_file(LandingZone(tmp_path / "landing"), export)
    landed = json.loads((batch.path / "reviews.ndjson").read_text())
    assert batch.manifest["record_count"] == 1 and (batch.path / "export.xlsx").exists()
    assert landed["platform"] == "Booking" and landed["rating"] == "8.5" and "author_name" not in landed


def test_an_xlsx_export_over_the_archive_limits_is_refused_before_it_is_read(tmp_path):
    import zipfile

    from tests.integration.defs.fluxvision.test_landing import workbook_bytes

    export = tmp_path / "export.xlsx"
    export.write_bytes(workbook_bytes(padding=30 * 2**20))
    with pytest.raises(SourceError, match="refused: .*compression ratio"):
        land_export_file(LandingZone(tmp_path / "landing"), export)
    assert zipfile.is_zipfile(export)  # a real workbook, swollen


def test_ratings_land_when_they_change_and_a_return_to_an_earlier_state_is_a_new_snapshot(httpserver, tmp_path):
    """A, A, B, A: the second A is no change (no new snapshot); the last A follows B, so it lands."""
    zone = LandingZone(tmp_path)
    path, query = RATINGS_PATH, "ids=700001&fairguestGroup=82"
    for rating in (8.4, 8.4, 7.9, 8.4):
        httpserver.expect_ordered_request(path, query_string=query).respond_with_json(
            {"700001": {"weighted_rating": rating, "weighted_rating_is_valid": True}}
        )
    landed = [land_ratings(client(httpserver), zone, [700001]) for _ in range(4)]
    assert [b.is_new for b in landed] == [True, False, True, True]
    history = [
        json.loads((zone.batch_folder(m) / "ratings.ndjson").read_text())["weighted_rating"]
        for m in zone.manifests("fairguest_ratings")
    ]
    assert history == [8.4, 7.9, 8.4]
