"""One generated département, built once for the end-to-end tests: every source's sample data with
its planted defects and canary values, landed and built by the project's own Definitions the way
production does (the nightly, then what Dagster's automation asks for).
Read-only tests share it; a test that changes something works on a copy (``copy_departement``)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.in_process import Runs, run_job
from tests.conftest import AS_OF_DATE
from tests.support.env import isolated_settings

SIT_SCALE = 0.1  # ~740 Apidae objects: every OT and type present, fast enough for CI
NURTIK_CONTACTS = 3000
CONTACT_KEY_SECRET = "e2e-secret"
ENV = {"T82_CONTACT_KEY_SECRET": CONTACT_KEY_SECRET, "T82_AS_OF_DATE": AS_OF_DATE}

# Canary values: planted once, searched for everywhere they must never be.
FEED_CANARY_EMAIL = "canary.prive.t82@gmail.com"
FEED_CANARY_PHONE = "06 99 88 77 66"
FEED_CONTROL_TEXT = "Visite\x07 guidée <b>du</b> moulin"
REVIEW_CANARY_AUTHOR = "Zébulon Canari"
CONTACT_CANARY = {
    "email": "zebulon.canari@exemple-canari.fr",
    "first_name": "Zébulon",
    "last_name": "Canari-Témoin",
    "phone": "+33 6 00 11 22 33",
    "postcode": "82999",
}
# Flux Vision: a delivery, the next one, a re-issue of the first; a copy; loose tables.
UNKNOWN_CATEGORY = "Touriste d'affaires"


@dataclass
class Departement:
    root: Path
    settings: object
    instance: dg.DagsterInstance
    runs: Runs  # the first night's
    stats: dict = field(default_factory=dict)
    planted: dict = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def definitions(self) -> dg.Definitions:
        from t82_pipeline.definitions import build_definitions

        return build_definitions(self.settings)

    def run(self, job: str = "nightly", run_config: dict | None = None) -> Runs:
        """Another run of ``job`` and what automation builds after it (env set for dbt)."""
        with isolated_settings(self.data, **self.env):
            return run_job(self.definitions(), self.instance, job, run_config=run_config)

    def materialize(self, keys: list[dg.AssetKey]) -> dg.ExecuteInProcessResult:
        """These assets built now, with their checks, as from the UI (env set for dbt)."""
        with isolated_settings(self.data, **self.env):
            job = self.definitions().resolve_implicit_global_asset_job_def()
            return job.execute_in_process(instance=self.instance, asset_selection=keys, raise_on_error=False)

    @property
    def env(self) -> dict:
        return {**ENV, **self.planted.get("env", {})}


def _instance(root: Path) -> dg.DagsterInstance:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.local_temp(str(home))


def _plant_feed_canaries(settings) -> dict:
    """A private individual's contacts on a gîte, control characters and HTML on a site (records
    Apidae's connector does not already publish, so they reach our feed)."""
    import zipfile

    path = settings.samples_dir / "apidae" / "objects.ndjson"
    objects = [json.loads(line) for line in path.read_text().splitlines()]
    with zipfile.ZipFile(settings.datatourisme_drop_dir / "flux-82.zip") as z:
        elsewhere = {
            json.loads(z.read(f"objects/{e['file']}"))["dc:identifier"] for e in json.loads(z.read("index.json"))
        }

    def candidate(obj_type: str, extra=lambda o: True) -> dict:
        return next(
            o
            for o in objects
            if o["type"] == obj_type
            and o["state"] == "PUBLISHED"
            and "geolocalisation" in o["localisation"]
            and str(o["id"]) not in elsewhere
            and extra(o)
        )

    gite = candidate("HEBERGEMENT_LOCATIF")
    gite["informations"]["moyensCommunication"] = [
        {"type": {"id": 204}, "coordonnees": {"fr": FEED_CANARY_EMAIL}},
        {"type": {"id": 201}, "coordonnees": {"fr": FEED_CANARY_PHONE}},
    ]
    site = candidate(
        "PATRIMOINE_CULTUREL", lambda o: o["localisation"]["geolocalisation"]["geoJson"]["coordinates"][0] < 3
    )
    site["presentation"] = {"descriptifCourt": {"libelleFr": FEED_CONTROL_TEXT}}
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects))
    return {"gite": gite, "site": site}


def _plant_review_canary(settings) -> list[dict]:
    path = settings.samples_dir / "fairguest" / "reviews.ndjson"
    reviews = [json.loads(line) for line in path.read_text().splitlines()]
    reviews[0]["author_name"] = REVIEW_CANARY_AUTHOR
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reviews))
    return reviews


def _plant_contact_canary(settings) -> None:
    contacts = settings.samples_dir / "nurtik" / "contacts.ndjson"
    lines = contacts.read_text(encoding="utf-8").splitlines()
    canary = json.loads(lines[0])
    canary.update(
        CONTACT_CANARY,
        contact_id="c-canari",
        interests=[{"interest_code": "velo", "source": "form", "set_at": canary["created_at"]}],
    )
    contacts.write_text("\n".join([*lines, json.dumps(canary, ensure_ascii=False)]) + "\n", encoding="utf-8")


def flux_vision_deliveries():
    from t82_pipeline.demo.fluxvision_generator import Delivery

    return [Delivery(2025, 4, 1493230), Delivery(2025, 5, 1501149), Delivery(2025, 4, 14429248, reissue=True)]


def _drop_flux_vision(settings) -> None:
    from t82_pipeline.demo.fluxvision_generator import write_delivery

    drop = settings.fluxvision_drop_dir
    paths = [write_delivery(drop, d) for d in flux_vision_deliveries()]
    # The same delivery dropped again under another name, and a loose table with a category this
    # platform does not know yet; Geolife profiles, which the demo's deliveries do not hold.
    (drop / "B5 2025_1501149 (copie).zip").write_bytes(paths[1].read_bytes())
    (drop / "Nuitee_2025B5_LOMAGNE0.csv").write_text(
        "Date;ZoneObservation;Provenance;CategorieVisiteur;Volume\n"
        f"2025-09-02;Lomagne Tarn-et-Garonnaise;NonLocal;{UNKNOWN_CATEGORY};42\n",
        encoding="utf-8",
    )
    (drop / "Nuitee_Geolife_2025B5_LOMAGNE0.csv").write_text(
        "Date;ZoneObservation;Provenance;CategorieVisiteur;Geolife;Volume\n"
        "2025-09-02;Lomagne Tarn-et-Garonnaise;NonLocal;Touriste;Urbain dense;120\n"
        "2025-09-02;Lomagne Tarn-et-Garonnaise;NonLocal;Touriste;Rural;80\n",
        encoding="utf-8",
    )


def build_departement(root: Path, **env: str) -> Departement:
    """Generates the département under ``root`` and runs its first night (every drop folder too)."""
    from t82_pipeline.definitions import build_definitions
    from t82_pipeline.demo.generate import generate_sit
    from t82_pipeline.demo.nurtik_generator import generate_nurtik

    with isolated_settings(root / "data", **ENV, **env) as settings:
        stats = generate_sit(
            settings.samples_dir,
            settings.apidae_export_drop_dir,
            settings.tif_drop_dir,
            scale=SIT_SCALE,
            datatourisme_drop=settings.datatourisme_drop_dir,
            fairguest_drop=settings.fairguest_drop_dir,
        )
        planted = {**_plant_feed_canaries(settings), "reviews": _plant_review_canary(settings), "env": env}
        generate_nurtik(settings.samples_dir / "nurtik", settings.nurtik_drop_dir, count=NURTIK_CONTACTS)
        _plant_contact_canary(settings)
        _drop_flux_vision(settings)
        instance = _instance(root)
        defs = build_definitions(settings)
        runs = run_job(defs, instance, "nightly")
        return Departement(root, settings, instance, runs, stats, planted)


def copy_departement(source: Departement, root: Path) -> Departement:
    """A copy (data, landing, warehouse, Dagster's storage) that a test may change."""
    shutil.copytree(source.root, root, symlinks=True, dirs_exist_ok=True)
    with isolated_settings(root / "data", **source.env) as settings:
        return Departement(root, settings, _instance(root), Runs(), source.stats, source.planted)
