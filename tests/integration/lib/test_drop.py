"""The drop-folder contract on real folders: whatever one file raises is that file's rejection;
symbolic links are refused; a file still being copied is left for the next run."""

import shutil

import dagster as dg

from t82_pipeline.defs.sit.tif import land_xml_file
from t82_pipeline.lib.drop import land_drop_folder
from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.resources import DropFolderResource
from tests.conftest import FIXTURES
from tests.support.drop import copied_slowly

REAL_XML = FIXTURES / "tourinfrance" / "caravelis-aveyron-5-oi.xml"


def land(tmp_path, folder: DropFolderResource, land_one=None):
    zone = LandingZone(tmp_path / "landing")
    outcome = land_drop_folder(
        dg.build_asset_context(), folder, ["*.xml"], land_one or (lambda p: land_xml_file(zone, p))
    )
    metadata = {k: getattr(v, "value", v) for k, v in outcome.metadata.items()}
    return {**metadata, "new_batches": len(outcome.batches)}, outcome.check


def test_any_error_of_one_file_rejects_that_file_only(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(REAL_XML, drop / "a-good.xml")
    (drop / "b-latin1.xml").write_bytes("<listeOI>Montauban é</listeOI>".encode("latin-1"))
    zone = LandingZone(tmp_path / "landing")

    def land_one(path):
        path.read_text(encoding="utf-8")  # raises UnicodeDecodeError on the bad file
        return land_xml_file(zone, path)

    metadata, check = land(tmp_path, DropFolderResource(path=str(drop), settle_seconds=0), land_one)
    assert metadata["new_batches"] == 1
    assert "b-latin1.xml: UnicodeDecodeError" in metadata["rejected_files"]
    assert not check.passed


def test_a_symbolic_link_is_refused(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    outside = tmp_path / "elsewhere.xml"
    shutil.copy(REAL_XML, outside)
    (drop / "link.xml").symlink_to(outside)
    metadata, check = land(tmp_path, DropFolderResource(path=str(drop), settle_seconds=0))
    assert metadata["new_batches"] == 0 and "link.xml: a symbolic link, refused" in metadata["rejected_files"]
    assert not check.passed


def test_a_file_still_being_copied_waits_for_the_next_run(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    folder = DropFolderResource(path=str(drop), settle_seconds=0.3)
    with copied_slowly(REAL_XML.read_bytes(), drop / "copie.xml"):
        metadata, _ = land(tmp_path, folder)
    assert metadata["new_batches"] == 0 and metadata["still_being_written"] == 1
    metadata, check = land(tmp_path, folder)
    assert metadata["new_batches"] == 1 and check.passed


def test_the_flux_vision_drop_waits_for_a_delivery_to_settle(tmp_path):
    from t82_pipeline.defs.fluxvision.sensors import fluxvision_drop_sensor

    drop = tmp_path / "drop"
    drop.mkdir()
    folder = DropFolderResource(path=str(drop), settle_seconds=0.3)
    instance = dg.DagsterInstance.ephemeral()
    with copied_slowly(b"x" * 200_000, drop / "B4 2025_1.zip"):
        early = fluxvision_drop_sensor(dg.build_sensor_context(instance, resources={"fluxvision_drop": folder}))
    assert not early.run_requests
    later = fluxvision_drop_sensor(dg.build_sensor_context(instance, resources={"fluxvision_drop": folder}))
    assert len(later.run_requests) == 1  # the whole delivery lands in one run


def test_an_erasure_request_still_being_written_waits_for_the_next_run(tmp_path):
    from t82_pipeline.defs.nurtik.gdpr import request_files

    drop = tmp_path / "restricted"
    drop.mkdir()
    folder = DropFolderResource(path=str(drop), settle_seconds=0.3)
    with copied_slowly(b"alice@example.org\n" * 2000, drop / "demandes.txt"):
        assert request_files(folder) == ([], 1)
    assert request_files(folder) == ([drop / "demandes.txt"], 0)
