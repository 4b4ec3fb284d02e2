"""The drop-folder contract on real folders: whatever one file raises is that file's rejection;
symbolic links are refused; a file still being copied is left for the next run."""

import shutil
import threading
import time

import dagster as dg

from t82_pipeline.defs.sit.tif import land_xml_file
from t82_pipeline.lib.drop import land_drop_folder
from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.resources import DropFolderResource
from tests.conftest import FIXTURES

REAL_XML = FIXTURES / "tourinfrance" / "caravelis-aveyron-5-oi.xml"


def land(tmp_path, folder: DropFolderResource, land_one=None):
    zone = LandingZone(tmp_path / "landing")
    result = land_drop_folder(
        dg.build_asset_context(), folder, ["*.xml"], land_one or (lambda p: land_xml_file(zone, p))
    )
    metadata = {k: getattr(v, "value", v) for k, v in result.metadata.items()}
    return metadata, result.check_results[0]


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
    data = REAL_XML.read_bytes()
    target = drop / "copie.xml"

    def copy_slowly():
        with open(target, "wb") as out:
            for start in range(0, len(data), len(data) // 10 + 1):
                out.write(data[start : start + len(data) // 10 + 1])
                out.flush()
                time.sleep(0.1)

    writer = threading.Thread(target=copy_slowly)
    writer.start()
    time.sleep(0.15)
    folder = DropFolderResource(path=str(drop), settle_seconds=0.3)
    metadata, _ = land(tmp_path, folder)
    writer.join()
    assert metadata["new_batches"] == 0 and metadata["still_being_written"] == 1
    metadata, check = land(tmp_path, folder)
    assert metadata["new_batches"] == 1 and check.passed
