"""The Great Expectations check on landed Apidae batches, with good and bad batches."""

import json

from t82_pipeline.defs.sit.checks import apidae_api_batch_is_valid
from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.resources import LandingResource


def land(tmp_path, objects, source="apidae", kind="api"):
    zone = LandingZone(tmp_path)
    with zone.open_batch(source) as batch:
        batch.add_lines("objects.ndjson", (json.dumps(o).encode() for o in objects))
        zone.commit(batch, payload_files=["objects.ndjson"], metadata={"kind": kind, "mode": "full"})
    return LandingResource(root=str(tmp_path))


def obj(i, type_="HOTELLERIE", lon=1.35, lat=44.01, insee="82121"):
    return {
        "id": i,
        "type": type_,
        "localisation": {
            "adresse": {"commune": {"code": insee}},
            "geolocalisation": {"geoJson": {"coordinates": [lon, lat]}},
        },
    }


def test_good_batch_passes(tmp_path):
    result = apidae_api_batch_is_valid(
        landing=land(tmp_path, [obj(1), obj(2), obj(3, insee="12089", lon=2.2, lat=44.5)])
    )
    assert result.passed


def test_unknown_type_and_points_outside_the_departement_fail(tmp_path):
    objects = [obj(i) for i in range(1, 10)] + [obj(10, type_="OVNI"), obj(11, lon=44.0, lat=1.3)]
    result = apidae_api_batch_is_valid(landing=land(tmp_path, objects))
    assert not result.passed
    assert "OVNI" in result.metadata["failures"].value
    assert "lon" in result.metadata["geo_failures"].value


def tif(i, code="02.01.14", lon="1.35", lat="44.01"):
    return {
        "dc_identifier": f"TFO{i}",
        "classification_code": code,
        "commune_insee": "82121",
        "longitude": lon,
        "latitude": lat,
    }


def test_tif_batch_with_known_codes_passes(tmp_path):
    from t82_pipeline.defs.sit.checks import tif_batch_is_valid

    assert tif_batch_is_valid(landing=land(tmp_path, [tif(i) for i in range(20)], source="tif", kind="xml")).passed


def test_tif_batch_with_unmapped_codes_and_duplicate_ids_fails(tmp_path):
    from t82_pipeline.defs.sit.checks import tif_batch_is_valid

    records = [tif(i, code="99.99.99") for i in range(5)] + [tif(1)]
    result = tif_batch_is_valid(landing=land(tmp_path, records, source="tif", kind="xml"))
    assert not result.passed
    failures = result.metadata["failures"].value
    assert "expect_column_values_to_be_in_set code: 5 unexpected" in failures
    assert "expect_column_values_to_be_unique id: 2 unexpected" in failures
