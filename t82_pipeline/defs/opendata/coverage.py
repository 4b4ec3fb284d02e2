"""A DATAtourisme flux download (ZIP: index.json + objects/**.json + context.jsonld) → landing,
with the few fields the coverage check needs extracted as NDJSON next to the raw ZIP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from t82_pipeline.lib.archive import READ_ERRORS, open_zip
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandedBatch, LandingZone

SOURCE = "datatourisme"


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def coverage_fields(obj: dict) -> dict:
    """What the coverage check compares; keys hold an object or a list depending on the flux year."""
    places = _as_list(obj.get("isLocatedAt"))
    addresses = [a for p in places for a in _as_list(p.get("schema:address"))]
    cities = [c for a in addresses for c in _as_list(a.get("hasAddressCity"))]
    return {
        "uri": obj.get("@id"),
        "identifier": str(obj["dc:identifier"]) if obj.get("dc:identifier") is not None else None,
        "label_fr": next(iter(obj.get("rdfs:label", {}).get("fr", [])), None),
        "insee_code": next((c.get("insee") for c in cities if c.get("insee")), None),
        "last_update": obj.get("lastUpdate"),
        "publishers": [
            p.get("schema:legalName") for p in _as_list(obj.get("hasBeenPublishedBy")) if isinstance(p, dict)
        ],
        "types": _as_list(obj.get("@type")),
    }


def land_download(zone: LandingZone, zip_path: Path) -> LandedBatch:
    with open_zip(zip_path, SOURCE) as archive:
        names = set(archive.namelist())
        if "index.json" not in names:
            raise SourceError(SOURCE, zip_path.name, "not a DATAtourisme flux: no index.json")
        try:
            index = json.loads(archive.read("index.json"))
        except (ValueError, *READ_ERRORS) as exc:
            raise SourceError(SOURCE, f"{zip_path.name}:index.json", f"unreadable: {exc}") from None
        if not isinstance(index, list) or not all(isinstance(e, dict) for e in index):
            raise SourceError(SOURCE, f"{zip_path.name}:index.json", "not a list of entries (schema changed?)")
        with zone.open_batch(SOURCE) as batch:
            batch.copy_file("download.zip", zip_path)

            def lines() -> Iterator[bytes]:
                for entry in index:
                    name = entry.get("file", "")
                    member = name if name in names else f"objects/{name}"
                    try:
                        obj = json.loads(archive.read(member))
                    except (KeyError, ValueError, *READ_ERRORS) as exc:
                        batch.quarantine(f"{zip_path.name}:{name}", f"object unreadable: {exc}")
                        continue
                    yield json.dumps(coverage_fields(obj), ensure_ascii=False).encode()

            entry = batch.add_lines("objects.ndjson", lines())
            return zone.commit(
                batch,
                payload_files=["download.zip"],
                metadata={
                    "kind": "download",
                    "mode": "full",
                    "request": {"file": zip_path.name},
                    "record_count": entry["rows"],
                },
            )
