"""Reference seeds built from libraries and official shapes rather than typed by hand:

- ``fluxvision_countries``: Flux Vision names countries in French capitals (``ROYAUME-UNI``);
  pycountry ships ISO 3166-1 with its French translations, so each label maps to an ISO code.
  Grouped labels (``AUTRES PAYS``…) stay their own row, without a code.
- ``french_areas``: départements and regions (code, name, region) from the IGN shapes, to map origins
  and to place a commune in its département and region (the open-data feed's address chain).
- ``commune_shapes_82``: the IGN commune shapes as GeoJSON text per INSEE code, for dbt's
  spatial checks (a SIT point inside its declared commune) and the territory maps.

``python -m t82_pipeline.reference.seeds`` rewrites them; a test keeps them in step.
"""

from __future__ import annotations

import csv
import gettext
import io
import json
from pathlib import Path

import duckdb
import pycountry

from t82_pipeline.lib.duckdb_extensions import SPATIAL, load_extension
from t82_pipeline.lib.text import label_key

GEO_DIR = Path(__file__).parent / "geo"
SEEDS_DIR = Path(__file__).parents[2] / "dbt_project" / "seeds"
# Labels Orange groups several places under (research note §3): kept, never forced onto one code.
GROUPED_LABELS = {
    "AUTRES PAYS": "Autres pays",
    "OCÉAN INDIEN (LA RÉUNION, MAYOTTE, TAAF)": "Océan Indien (La Réunion, Mayotte, TAAF)",
    "GUADELOUPE, MARTINIQUE": "Guadeloupe, Martinique",
    "AUTRES PAYS D'EUROPE": "Autres pays d'Europe",
    "AUTRES PAYS D'AMÉRIQUE": "Autres pays d'Amérique",
    "AUTRES PAYS D'ASIE": "Autres pays d'Asie",
    "AUTRES PAYS D'AFRIQUE": "Autres pays d'Afrique",
}


def _french_names(country, translate) -> list[str]:
    names = [translate(country.name)]
    for attr in ("common_name", "official_name"):
        if hasattr(country, attr):
            names.append(translate(getattr(country, attr)))
    # "Corée, République de" is also written "RÉPUBLIQUE DE CORÉE" and "CORÉE".
    for name in list(names):
        head, sep, tail = name.partition(", ")
        if sep:
            names += [head, f"{tail} {head}".replace("d' ", "d'")]
    return names


def country_rows() -> list[dict]:
    translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"]).gettext
    rows: dict[str, dict] = {}
    for label, display in GROUPED_LABELS.items():
        rows[label_key(label)] = {
            "label_key": label_key(label),
            "iso_alpha2": "",
            "iso_numeric": "",
            "country_name_fr": display,
            "is_group": "true",
        }
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        display = translate(getattr(country, "common_name", country.name))
        for name in _french_names(country, translate):
            key = label_key(name)
            if key and key not in rows:  # first spelling wins: common names before variants
                rows[key] = {
                    "label_key": key,
                    "iso_alpha2": country.alpha_2,
                    "iso_numeric": country.numeric,
                    "country_name_fr": display,
                    "is_group": "false",
                }
    return sorted(rows.values(), key=lambda r: r["label_key"])


def commune_shape_rows() -> list[dict]:
    shapes = json.loads((GEO_DIR / "communes-82.geojson").read_text(encoding="utf-8"))
    return sorted(
        (
            {
                "insee_code": f["properties"]["code"],
                "commune_name": f["properties"]["nom"],
                "geometry_geojson": json.dumps(f["geometry"], separators=(",", ":")),
            }
            for f in shapes["features"]
        ),
        key=lambda r: r["insee_code"],
    )


def _region_of_departements() -> dict[str, str]:
    """Each département's region: the region whose shape holds a point of the département's."""
    con = duckdb.connect()
    load_extension(con, SPATIAL)
    pairs = con.execute(
        """
        with departements as (select unnest(features) as f from read_json_auto(?)),
             regions as (select unnest(features) as f from read_json_auto(?))
        select d.f.properties.code, r.f.properties.code
        from departements as d join regions as r
          on st_within(st_pointonsurface(st_geomfromgeojson(to_json(d.f.geometry))),
                       st_geomfromgeojson(to_json(r.f.geometry)))""",
        [str(GEO_DIR / "departements-simplifie.geojson"), str(GEO_DIR / "regions-simplifie.geojson")],
    ).fetchall()
    return dict(pairs)


def french_area_rows() -> list[dict]:
    """Départements and regions of metropolitan France, by code, with the key of their name
    (Flux Vision names visitors' origins, never codes) and the region each belongs to."""
    regions = _region_of_departements()
    rows = []
    for kind, file in (("departement", "departements-simplifie.geojson"), ("region", "regions-simplifie.geojson")):
        for f in json.loads((GEO_DIR / file).read_text(encoding="utf-8"))["features"]:
            code, name = f["properties"]["code"], f["properties"]["nom"]
            rows.append({"area_kind": kind, "area_code": code, "area_name": name, "label_key": label_key(name),
                         "region_code": regions[code] if kind == "departement" else code})  # fmt: skip
    return sorted(rows, key=lambda r: (r["area_kind"], r["area_code"]))


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


SEEDS = {
    "fluxvision_countries": country_rows,
    "french_areas": french_area_rows,
    "commune_shapes_82": commune_shape_rows,
}


def main() -> None:
    for name, build in SEEDS.items():
        (SEEDS_DIR / f"{name}.csv").write_text(to_csv(build()), encoding="utf-8")
        print(f"wrote dbt_project/seeds/{name}.csv")


if __name__ == "__main__":
    main()
