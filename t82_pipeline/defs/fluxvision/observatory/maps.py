"""The shapes the observatory's maps draw (t82_pipeline/reference/geo): French départements and
regions simplified for a page (DuckDB spatial), the world as delivered (TopoJSON, Natural Earth)."""

from __future__ import annotations

import json
from functools import cache

import duckdb

from t82_pipeline.lib.duckdb_extensions import SPATIAL, load_extension
from t82_pipeline.reference.seeds import GEO_DIR

FILES = {"departement": "departements-simplifie.geojson", "region": "regions-simplifie.geojson"}
TOLERANCE_DEGREES = 0.02  # about 2 km: invisible on a map of France a few hundred pixels wide


@cache
def france_shapes(kind: str) -> dict:
    """A GeoJSON FeatureCollection whose features carry ``code`` and ``name``."""
    with duckdb.connect() as con:
        load_extension(con, SPATIAL)
        rows = con.execute(
            """select code, nom, st_asgeojson(st_reduceprecision(st_simplifypreservetopology(geom, $tolerance), 0.001))
            from st_read($path) order by code""",
            {"path": str(GEO_DIR / FILES[kind]), "tolerance": TOLERANCE_DEGREES},
        ).fetchall()
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": json.loads(geometry)}
            for code, name, geometry in rows
        ],
    }


@cache
def world_topology() -> dict:
    return json.loads((GEO_DIR / "world-countries-110m.topojson.json").read_text(encoding="utf-8"))
