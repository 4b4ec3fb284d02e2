"""Every real sample (API list responses, export objects, export ZIP, TIF XML) goes through the
real assets and dbt into the unified offers model."""

import json
import shutil
import zipfile

import dagster as dg
import pytest

from t82_pipeline.defs.sit.apidae_client import SEARCH_PATH
from tests.conftest import FIXTURES
from tests.support.apidae_samples import API_KEY, APIDAE, paging_handler, sample_objects
from tests.support.helpers import OFFERS, SIT_LANDING, check_results, night, query

REAL_ZIP = APIDAE / "hotentic_apidae-engine-rails__export_zip_5xFETE.zip"
EXPORT_OBJECTS = sorted(APIDAE.glob("hotentic_apidae-engine-rails__export_*.json"))


def build_export_zip(path, confirmation_url: str) -> list[int]:
    """The real export-style objects in the real ZIP layout (reference files from the real ZIP)."""
    objects = []
    for sample in EXPORT_OBJECTS:
        content = json.loads(sample.read_text())
        objects += content if isinstance(content, list) else [content]
    with zipfile.ZipFile(REAL_ZIP) as real, zipfile.ZipFile(path, "w") as z:
        z.writestr("objets_modifies/objets_modifies-1.json", json.dumps(objects))
        for name in ("communes.json", "elements_reference.json", "selections.json", "objets_supprimes.json"):
            z.writestr(name, real.read(name))
    path.with_name(path.name + ".json").write_text(
        json.dumps({"reinitialisation": "false", "urlConfirmation": confirmation_url})
    )
    return [o["id"] for o in objects]


@pytest.fixture
def samples_env(t82_settings, httpserver, monkeypatch):
    from t82_pipeline.lib.settings import Settings

    httpserver.expect_request(SEARCH_PATH, method="POST").respond_with_handler(paging_handler(sample_objects()))
    httpserver.expect_request("/api/v002/export/confirmation").respond_with_data("OK")
    monkeypatch.setenv("T82_APIDAE_BASE_URL", httpserver.url_for("").rstrip("/"))
    monkeypatch.setenv("T82_APIDAE_API_KEY", API_KEY)
    settings = Settings.from_env()
    settings.apidae_export_drop_dir.mkdir(parents=True)
    settings.tif_drop_dir.mkdir(parents=True)
    shutil.copy(REAL_ZIP, settings.apidae_export_drop_dir / "0-real-export.zip")
    built_ids = build_export_zip(
        settings.apidae_export_drop_dir / "1-objects.zip", httpserver.url_for("/api/v002/export/confirmation?hash=abc")
    )
    shutil.copy(FIXTURES / "tourinfrance" / "caravelis-aveyron-5-oi.xml", settings.tif_drop_dir)
    return settings, built_ids


def test_all_real_samples_reach_the_unified_offers_model(samples_env, httpserver):
    settings, built_ids = samples_env
    result = night(settings, select=SIT_LANDING, upto=OFFERS)  # the SIT's sources and what offers reads
    assert result.success
    assert all(check_results(result).values()), check_results(result)

    offers = {
        row[0]: row[1:]
        for row in query(
            settings, "select offer_key, source_type, insee_code, ot_code, coordinates_status from marts.offers"
        )
    }
    api_ids = [o["id"] for o in sample_objects()]
    with zipfile.ZipFile(REAL_ZIP) as z:
        zip_ids = [
            o["id"]
            for n in z.namelist()
            if n.startswith("objets_modifies/") and n.endswith(".json")
            for o in json.loads(z.read(n))
        ]
    expected = {f"apidae:{i}" for i in api_ids + zip_ids + built_ids} | {
        "tif:TFO024499558523",
        "tif:TFO023905990469",
        "tif:TFO024413651003",
        "tif:TFO16017196097",
        "tif:TFO080043817713",
    }
    assert expected <= set(offers), expected - set(offers)
    assert len(expected) == 20

    # API objects carry their INSEE code; the Aveyron TIF record too; none is in Tarn-et-Garonne.
    assert offers["apidae:479743"][:2] == ("COMMERCE_ET_SERVICE", "05038")
    assert offers["tif:TFO024499558523"] == ("02.01.14", "12089", None, "outside_82")
    assert all(row[2] is None for row in offers.values())

    confirmations = [r for r, _ in httpserver.log if r.path == "/api/v002/export/confirmation"]
    assert len(confirmations) == 1 and confirmations[0].args["hash"] == "abc"


def test_a_broken_drop_file_is_reported_and_the_others_load(samples_env):
    settings, _ = samples_env
    (settings.tif_drop_dir / "cassé.xml").write_text("<listeOI><OIs>")
    result = night(settings, select=SIT_LANDING, upto=OFFERS)
    checks = check_results(result)
    assert checks["landing/tif_xml_objects:all_drop_files_loaded"] is False
    assert checks["landing/apidae_export_objects:all_drop_files_loaded"] is True
    tif = query(settings, "select count(*) from marts.offers where source = 'tif'")
    assert tif == [(5,)]


def test_source_down_keeps_the_last_good_warehouse(samples_env, httpserver):
    settings, _ = samples_env
    instance = dg.DagsterInstance.ephemeral()
    first = night(settings, instance, select=SIT_LANDING, upto=OFFERS)
    assert first.success
    before = query(settings, "select * from marts.offers order by offer_key")

    httpserver.clear()
    httpserver.expect_request(SEARCH_PATH).respond_with_data("Service indisponible", status=503)
    second = night(settings, instance, after=first, select=SIT_LANDING, upto=OFFERS)
    assert second.success  # the night goes on with Apidae's last good landing
    [failure] = [
        e.asset_check_evaluation_data
        for e in second.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "source_pull_succeeded"
        and not e.asset_check_evaluation_data.passed
    ]
    assert "[apidae]" in failure.description and "503" in failure.description
    assert query(settings, "select * from marts.offers order by offer_key") == before
