"""A DATAtourisme flux download (the ZIP a diffuser flux produces) lands with the fields the
coverage check compares, whatever year of the flux wrote its objects."""

import json
import zipfile

from t82_pipeline.defs.opendata.coverage import land_download
from t82_pipeline.lib.landing import LandingZone
from tests.conftest import FIXTURES


def test_real_datatourisme_objects_land_from_a_flux_zip(tmp_path):
    samples = sorted((FIXTURES / "datatourisme").glob("*.json"))
    flux = tmp_path / "flux.zip"
    with zipfile.ZipFile(flux, "w") as z:
        index = []
        for sample in samples:
            rel = f"{sample.name[3]}/{sample.name[3:5]}/{sample.name}"  # relative to objects/, as the flux writes it
            z.write(sample, f"objects/{rel}")
            index.append({"label": "x", "lastUpdateDatatourisme": "2023-11-09T04:23:14.307Z", "file": rel})
        z.writestr("index.json", json.dumps(index))
    batch = land_download(LandingZone(tmp_path / "landing"), flux)
    rows = {r["identifier"]: r for r in map(json.loads, (batch.path / "objects.ndjson").read_text().splitlines())}
    assert len(rows) == 10
    assert rows["HOTCEN0370000065"]["insee_code"] == "37179"  # hasAddressCity as a list (2020 flux)
    assert rows["DEGLAR034V51N5DK"]["insee_code"] == "34161"  # hasAddressCity as an object (2023 flux)
    assert rows["DEGLAR034V51N5DK"]["publishers"] == ["Hérault Tourisme"]
    assert rows["5478136"]["last_update"] == "2023-08-16"
