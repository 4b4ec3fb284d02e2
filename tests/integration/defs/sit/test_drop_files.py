"""Export ZIPs and XML files → landing, on the real samples and on broken copies."""

import json
import shutil
import zipfile

import pytest

from t82_pipeline.defs.sit.apidae_landing import land_export_zip
from t82_pipeline.defs.sit.tif import land_xml_file
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandingZone
from tests.conftest import FIXTURES

REAL_ZIP = FIXTURES / "apidae" / "hotentic_apidae-engine-rails__export_zip_5xFETE.zip"
REAL_XML = FIXTURES / "tourinfrance" / "caravelis-aveyron-5-oi.xml"


def ndjson(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_real_export_zip_lands_objects_references_and_deletions(tmp_path):
    batch = land_export_zip(LandingZone(tmp_path / "landing"), REAL_ZIP)
    objects = ndjson(batch.path / "objects.ndjson")
    assert len(objects) == 5 and {o["type"] for o in objects} == {"FETE_ET_MANIFESTATION"}
    assert ndjson(batch.path / "deletions.ndjson") == [{"id": 123}]
    assert [c["code"] for c in ndjson(batch.path / "communes.ndjson")] == ["01001", "01002", "01004"]
    assert batch.manifest["mode"] == "differential"  # no notification: Apidae's default
    assert (batch.path / "export.zip").read_bytes() == REAL_ZIP.read_bytes()


def test_notification_sidecar_sets_full_mode(tmp_path):
    zip_path = tmp_path / "export.zip"
    shutil.copy(REAL_ZIP, zip_path)
    (tmp_path / "export.zip.json").write_text(json.dumps({"reinitialisation": "true", "projetId": "42"}))
    batch = land_export_zip(LandingZone(tmp_path / "landing"), zip_path)
    assert batch.manifest["mode"] == "full" and batch.manifest["request"]["projetId"] == "42"


def test_same_zip_twice_is_a_no_op(tmp_path):
    zone = LandingZone(tmp_path / "landing")
    assert land_export_zip(zone, REAL_ZIP).is_new
    assert not land_export_zip(zone, REAL_ZIP).is_new
    assert len(zone.manifests("apidae")) == 1


def test_zip_missing_a_reference_file_is_rejected_by_name(tmp_path):
    broken = tmp_path / "export-sans-communes.zip"
    with zipfile.ZipFile(REAL_ZIP) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            if item.filename != "communes.json":
                dst.writestr(item, src.read(item.filename))
    zone = LandingZone(tmp_path / "landing")
    with pytest.raises(
        SourceError, match=r"\[apidae\] export-sans-communes.zip: export is missing reference file\(s\): communes.json"
    ):
        land_export_zip(zone, broken)
    assert zone.manifests("apidae") == []


def test_corrupt_zip_is_rejected(tmp_path):
    broken = tmp_path / "truncated.zip"
    broken.write_bytes(REAL_ZIP.read_bytes()[:500])
    with pytest.raises(SourceError, match="truncated.zip: not a readable ZIP"):
        land_export_zip(LandingZone(tmp_path / "landing"), broken)


def test_real_tif_export_maps_every_record(tmp_path):
    batch = land_xml_file(LandingZone(tmp_path), REAL_XML)
    records = ndjson(batch.path / "objects.ndjson")
    assert [r["dc_identifier"] for r in records] == [
        "TFO024499558523",
        "TFO023905990469",
        "TFO024413651003",
        "TFO16017196097",
        "TFO080043817713",
    ]
    first = records[0]
    assert first["title_fr"] == 'Gîte d\'étape "Les Volets Bleus"'
    assert first["classification_code"] == "02.01.14"
    assert first["commune_insee"] == "12089" and first["postal_code"] == "12300"
    assert first["emails"] == ["contact@voletsbleusdecazeville.fr"]
    assert first["latitude"] == "44.56384647420258" and first["longitude"] == "2.249247714233391"
    assert first["periods"] == [{"start": "2014-04-01", "end": "2014-10-15"}]
    assert len(first["media"]) == 6 and first["media"][0]["credit"] == "Les Volets Bleus"


def test_xml_that_does_not_parse_is_rejected(tmp_path):
    broken = tmp_path / "export.xml"
    broken.write_text(REAL_XML.read_text()[:3000])
    with pytest.raises(SourceError, match=r"\[tif\] export.xml: XML does not parse"):
        land_xml_file(LandingZone(tmp_path / "landing"), broken)


def test_xml_record_without_id_is_quarantined_with_its_line(tmp_path):
    xml = tmp_path / "export.xml"
    xml.write_text(
        REAL_XML.read_text().replace(
            "<dc:identifier>TFO023905990469</dc:identifier>", "<dc:identifier></dc:identifier>"
        )
    )
    batch = land_xml_file(LandingZone(tmp_path / "landing"), xml)
    assert batch.manifest["record_count"] == 4
    [entry] = batch.quarantined
    assert entry["record"].startswith("export.xml record #2 (line ")
    assert entry["reason"] == "record has no 'dc_identifier'"
