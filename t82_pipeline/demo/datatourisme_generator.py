"""A DATAtourisme flux download for the département, in the layout of the real flux ZIP:
records that Apidae's own connector already publishes (URI prefix /13/), some of them stale,
a few present twice."""

from __future__ import annotations

import json
import random
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from t82_pipeline.defs.opendata.ontology import REFERENCE
from t82_pipeline.demo.sit_generator import SEED

APIDAE_PUBLISHER = "Apidae Tourisme Scic SA - source : Apidae Tourisme"


def _object(obj: dict, last_update: str, rng: random.Random) -> dict:
    uid = str(uuid.UUID(int=rng.getrandbits(128)))
    commune = obj["localisation"]["adresse"]["commune"]
    return {
        "@id": f"https://data.datatourisme.fr/13/{uid}",
        "dc:identifier": str(obj["id"]),
        "@type": ["PointOfInterest"],
        "rdfs:label": {"fr": [obj["nom"]["libelleFr"]]},
        "isLocatedAt": [
            {
                "@type": ["Place"],
                "schema:address": [
                    {
                        "@type": ["schema:PostalAddress"],
                        "schema:postalCode": commune["codePostal"],
                        "schema:addressLocality": commune["nom"],
                        "hasAddressCity": {"@type": ["City"], "insee": commune["code"]},
                    }
                ],
            }
        ],
        "hasBeenPublishedBy": [{"@type": ["foaf:Agent"], "schema:legalName": APIDAE_PUBLISHER}],
        "lastUpdate": last_update,
    }


def generate_download(path: Path, apidae_objects: list[dict], seed: int = SEED) -> dict:
    rng = random.Random(seed + 3)
    published = [o for o in apidae_objects if o["state"] == "PUBLISHED"]
    through_apidae = rng.sample(published, len(published) * 3 // 10)
    entries, stale, duplicated = [], 0, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i, obj in enumerate(through_apidae):
            modified = datetime.strptime(obj["gestion"]["dateModification"][:10], "%Y-%m-%d")
            if i % 20 == 0:  # the connector lags: DATAtourisme holds an older version
                modified -= timedelta(days=45)
                stale += 1
            copies = 2 if i % 97 == 0 else 1  # the same record twice under two URIs
            duplicated += copies - 1
            for _ in range(copies):
                record = _object(obj, modified.date().isoformat(), rng)
                uid = record["@id"].rsplit("/", 1)[-1]
                rel = f"{uid[0]}/{uid[:2]}/13-{uid}.json"  # the index names files relative to objects/
                z.writestr(f"objects/{rel}", json.dumps(record, ensure_ascii=False))
                entries.append(
                    {
                        "label": record["rdfs:label"]["fr"][0],
                        "lastUpdateDatatourisme": f"{record['lastUpdate']}T04:00:00.000Z",
                        "file": rel,
                    }
                )
        z.writestr("index.json", json.dumps(entries, ensure_ascii=False))
        z.write(REFERENCE / "context.jsonld", "context.jsonld")
    return {"through_apidae": len(through_apidae), "stale": stale, "duplicated": duplicated}
