"""Property-based tests: random corruption of the real samples (bytes flipped, cut, inserted,
removed) fed to every parser yields landed rows or quarantine entries, or a SourceError naming the
file — never another exception — and never changes a batch landed before."""

import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from t82_pipeline.defs.fairguest.landing import land_export_file as land_fairguest_export
from t82_pipeline.defs.fluxvision.landing import land_delivery
from t82_pipeline.defs.nurtik.landing import land_export_file as land_nurtik_export
from t82_pipeline.defs.sit.apidae_client import ApidaeClient
from t82_pipeline.defs.sit.apidae_landing import land_api_snapshot, land_export_zip
from t82_pipeline.defs.sit.tif import land_xml_file
from t82_pipeline.demo.fluxvision_generator import ZONES, Delivery, write_delivery
from t82_pipeline.demo.nurtik_generator import EXPORT_HEADER
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandingZone
from tests.conftest import FIXTURES

CASES = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
APIDAE = FIXTURES / "apidae"


@st.composite
def corrupted(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if kind == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif out:
            del out[at : at + draw(st.integers(1, 64))]
    return bytes(out)


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and ".tmp-" not in str(p)
    }


def lands_or_names_the_file(land, good: bytes, bad: bytes, name: str) -> None:
    """Lands ``good``, then ``bad`` under the same name: the second lands, or raises SourceError;
    the first batch stays byte for byte as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        zone = LandingZone(root / "landing")
        (root / "in").mkdir()
        path = root / "in" / name
        path.write_bytes(good)
        land(zone, path)
        before = snapshot(root / "landing")
        path.write_bytes(bad)
        try:
            land(zone, path)
        except SourceError as exc:
            assert exc.source and exc.problem
        after = snapshot(root / "landing")
        assert {k: v for k, v in after.items() if k in before} == before


def _delivery() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_delivery(Path(tmp), Delivery(2025, 4, 1493230), zones=(ZONES[0],)).read_bytes()


DELIVERY_ZIP = _delivery()
with zipfile.ZipFile(io.BytesIO(DELIVERY_ZIP)) as _z:
    DELIVERY_CSV = _z.read(next(n for n in _z.namelist() if n.endswith(".csv") and "Nuitee" in n))
EXPORT_ZIP = (APIDAE / "hotentic_apidae-engine-rails__export_zip_5xFETE.zip").read_bytes()
TIF_XML = (FIXTURES / "tourinfrance" / "caravelis-aveyron-5-oi.xml").read_bytes()
API_PAGE = (APIDAE / "GeotrekCE_Geotrek-admin__list_479743.json").read_bytes()
# The back-office export's layout, as the demo generator writes it (t82_pipeline/demo/fairguest_generator.py).
FAIRGUEST_CSV = (
    "id_avis;id_fiche;plateforme;date;note;echelle;langue;titre;texte;auteur\n"
    "google-700001-1;700001;google;2026-10-01T10:00:00+00:00;4.0;5;fr;Bien;Très calme;Zoé Q.\n"
    "booking-700001-2;700001;booking;2026-10-02T01:37:00+00:00;8.5;10;fr;Calme;Petit-déjeuner copieux;Marc\n"
).encode()
NURTIK_CSV = (
    ";".join(EXPORT_HEADER) + "\n"
    "x-1;anne@exemple.fr;Anne;Martin;;82000;FR;05/11/2025 10:00;05/11/2026 10:00;inscrit;05/11/2025 10:00;formulaire:12;velo\n"
    "x-2;paul@exemple.fr;Paul;;;31000;FR;01/02/2026 09:00;01/02/2026 09:00;desinscrit;;;\n"
).encode("utf-8")


class PagesFromFile(ApidaeClient):
    """The real client, its HTTP replaced by a file: the page as a gateway handed it over."""

    def __init__(self, path: Path):
        super().__init__(base_url="http://sample", api_key="k", project_id="1", session=None, page_size=200, retries=0)
        self.path = path

    def fetch_body(self, first: int) -> bytes:
        return self.path.read_bytes()


# (parser, a real-layout sample, its file name)
PARSERS = {
    "flux_vision_zip": (lambda zone, p: land_delivery(zone, p), DELIVERY_ZIP, "B4 2025_1493230.zip"),
    "flux_vision_loose_csv": (
        lambda zone, p: land_delivery(zone, p),
        DELIVERY_CSV,
        "Nuitee_2025B4_GMONTAUBAN0.csv",
    ),
    "apidae_api_page": (lambda zone, p: land_api_snapshot(PagesFromFile(p), zone), API_PAGE, "page.json"),
    "apidae_export_zip": (land_export_zip, EXPORT_ZIP, "export.zip"),
    "tif_xml": (land_xml_file, TIF_XML, "constellation.xml"),
    "fairguest_export": (land_fairguest_export, FAIRGUEST_CSV, "avis.csv"),
    "nurtik_export": (lambda zone, p: land_nurtik_export(zone, p, "secret"), NURTIK_CSV, "contacts.csv"),
}


@pytest.mark.parametrize("parser", sorted(PARSERS))
@CASES
@given(data=st.data())
def test_a_corrupted_sample_lands_or_is_rejected_by_name(parser, data):
    land, sample, name = PARSERS[parser]
    lands_or_names_the_file(land, sample, data.draw(corrupted(sample)), name)


def test_the_samples_themselves_land():
    """The properties above start from payloads that really land."""
    with tempfile.TemporaryDirectory() as tmp:
        zone, folder = LandingZone(Path(tmp) / "landing"), Path(tmp)
        (folder / "page.json").write_bytes(API_PAGE)
        assert land_api_snapshot(PagesFromFile(folder / "page.json"), zone).manifest["record_count"] == 1
        (folder / "contacts.csv").write_bytes(NURTIK_CSV)
        assert land_nurtik_export(zone, folder / "contacts.csv", "secret").manifest["record_count"] == 2
        (folder / "avis.csv").write_bytes(FAIRGUEST_CSV)
        assert land_fairguest_export(zone, folder / "avis.csv").manifest["record_count"] == 2
