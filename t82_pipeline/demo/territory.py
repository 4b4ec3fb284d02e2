"""Reference territory for the generators, read from the dbt seeds (one copy of the data)."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from functools import cache

from t82_pipeline.lib.settings import REPO_ROOT

SEEDS = REPO_ROOT / "dbt_project" / "seeds"

# Bigger tourist towns get more records.
COMMUNE_WEIGHTS = {"82121": 25, "82112": 18, "82033": 8, "82037": 6, "82155": 6, "82186": 4, "82094": 4}


@dataclass(frozen=True)
class Commune:
    insee_code: str
    name: str
    postal_code: str
    epci_siren: str
    apidae_id: int


@cache
def communes() -> tuple[Commune, ...]:
    with open(SEEDS / "communes_82.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return tuple(
        Commune(r["insee_code"], r["commune_name"], r["postal_code"], r["epci_siren"], 30000 + i)
        for i, r in enumerate(rows)
    )


@cache
def tourist_offices() -> tuple[dict, ...]:
    with open(SEEDS / "tourist_offices_82.csv", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@cache
def _commune_polygons() -> dict[str, list[list[list[tuple[float, float]]]]]:
    """INSEE code → polygons (rings of lon/lat points), from the seed of IGN commune shapes."""
    with open(SEEDS / "commune_shapes_82.csv", encoding="utf-8") as f:
        shapes = {r["insee_code"]: json.loads(r["geometry_geojson"]) for r in csv.DictReader(f)}
    return {code: [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] for code, g in shapes.items()}


def _inside(lon: float, lat: float, rings: list) -> bool:
    """Even-odd ray casting over every ring (holes included)."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def point_in_commune(rng: random.Random, insee_code: str) -> tuple[float, float]:
    """A random point (lon, lat) inside the commune's real outline: records sit where they say."""
    polygons = _commune_polygons()[insee_code]
    points = [p for polygon in polygons for p in polygon[0]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    for _ in range(1000):
        lon, lat = rng.uniform(min(lons), max(lons)), rng.uniform(min(lats), max(lats))
        if any(_inside(lon, lat, polygon) for polygon in polygons):
            return round(lon, 6), round(lat, 6)
    raise ValueError(f"no point found inside commune {insee_code}")
