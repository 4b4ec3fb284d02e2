"""Great Expectations checks on landed Apidae batches (blocking: bad batches stop the build)."""

import dagster as dg
import pandas as pd

from t82_pipeline.defs.sit.assets import apidae_api_objects, tif_xml_objects
from t82_pipeline.lib.quality import query_frame, validate_frame
from t82_pipeline.lib.resources import LandingResource
from t82_pipeline.lib.settings import REPO_ROOT

OFFER_TYPES_SEED = REPO_ROOT / "dbt_project" / "seeds" / "offer_types.csv"

KNOWN_TYPES = [
    "ACTIVITE",
    "COMMERCE_ET_SERVICE",
    "DEGUSTATION",
    "DOMAINE_SKIABLE",
    "EQUIPEMENT",
    "FETE_ET_MANIFESTATION",
    "HEBERGEMENT_COLLECTIF",
    "HEBERGEMENT_LOCATIF",
    "HOTELLERIE",
    "HOTELLERIE_PLEIN_AIR",
    "PATRIMOINE_CULTUREL",
    "PATRIMOINE_NATUREL",
    "RESTAURATION",
    "SEJOUR_PACKAGE",
    "STRUCTURE",
    "TERRITOIRE",
]
# Tarn-et-Garonne, lon/lat with a small margin; records of 82 must fall inside.
BBOX_82 = {"lon_min": 0.70, "lon_max": 2.05, "lat_min": 43.74, "lat_max": 44.43}
# A few swapped or stray points are expected (they are requalified); more means a broken feed.
MIN_SHARE_INSIDE = 0.95


def validate_inside_82(in_82, suite_name: str):
    """Most coordinates of the records said to be in Tarn-et-Garonne fall in its bounding box."""
    import great_expectations.expectations as gxe  # imported only where a check runs

    return validate_frame(
        in_82,
        suite_name,
        [
            gxe.ExpectColumnValuesToBeBetween(
                column="lon", min_value=BBOX_82["lon_min"], max_value=BBOX_82["lon_max"], mostly=MIN_SHARE_INSIDE
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="lat", min_value=BBOX_82["lat_min"], max_value=BBOX_82["lat_max"], mostly=MIN_SHARE_INSIDE
            ),
        ],
    )


def latest_batch_frame(landing: LandingResource, kind: str) -> tuple[str, pd.DataFrame]:
    manifests = [m for m in landing.zone().manifests("apidae") if m.get("kind") == kind]
    if not manifests:
        return "", pd.DataFrame(columns=["id", "type", "insee_code", "lon", "lat"])
    manifest = manifests[-1]
    path = next(landing.zone().root.glob(f"apidae/*/{manifest['batch_id']}/objects.ndjson"))
    frame = query_frame(
        f"""
        select id, type,
               localisation.adresse.commune.code as insee_code,
               localisation.geolocalisation.geoJson.coordinates[1] as lon,
               localisation.geolocalisation.geoJson.coordinates[2] as lat
        from read_json('{path}', format='newline_delimited', columns={{
            id: 'BIGINT', type: 'VARCHAR',
            localisation: 'STRUCT(adresse STRUCT(commune STRUCT(code VARCHAR)),
                                  geolocalisation STRUCT(geoJson STRUCT(coordinates DOUBLE[])))'}})
        """
    )
    return manifest["batch_id"], frame


@dg.asset_check(
    asset=apidae_api_objects,
    blocking=True,
    description=(
        "Great Expectations on the latest landed Apidae API batch: ids present and unique, types in the "
        "known list, coordinates of 82 records inside the département's bounding box."
    ),
)
def apidae_api_batch_is_valid(landing: LandingResource) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    batch_id, df = latest_batch_frame(landing, "api")
    in_82 = df[df["insee_code"].fillna("").str.startswith("82") & df["lon"].notna()]
    summary = validate_frame(
        df,
        "apidae_api_batch",
        [
            gxe.ExpectColumnValuesToNotBeNull(column="id"),
            gxe.ExpectColumnValuesToBeUnique(column="id"),
            gxe.ExpectColumnValuesToBeInSet(column="type", value_set=KNOWN_TYPES),
        ],
    )
    geo = validate_inside_82(in_82, "apidae_api_batch_geo")
    return dg.AssetCheckResult(
        passed=summary.success and geo.success,
        metadata={
            "batch_id": batch_id,
            "rows": len(df),
            "rows_in_82": len(in_82),
            **summary.as_metadata(),
            "geo_failures": "\n".join(geo.failures) or "none",
        },
    )


def known_tif_codes() -> list[str]:
    """TIF classification codes that seeds/offer_types.csv maps (one list for dbt and checks)."""
    frame = pd.read_csv(OFFER_TYPES_SEED, dtype=str)
    return frame.loc[frame["source"] == "tif", "source_type"].tolist()


@dg.asset_check(
    asset=tif_xml_objects,
    blocking=True,
    description=(
        "Great Expectations on the latest landed XML (TIF) batch: ids present and unique, classification "
        "codes mapped in seeds/offer_types.csv, coordinates of 82 records inside the département."
    ),
)
def tif_batch_is_valid(landing: LandingResource) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    manifests = landing.zone().manifests("tif")
    if not manifests:
        return dg.AssetCheckResult(passed=True, metadata={"batch_id": "none landed yet"})
    batch_id = manifests[-1]["batch_id"]
    path = next(landing.zone().root.glob(f"tif/*/{batch_id}/objects.ndjson"))
    df = query_frame(f"""
        select dc_identifier as id, classification_code as code, commune_insee as insee_code,
               try_cast(longitude as double) as lon, try_cast(latitude as double) as lat
        from read_json('{path}', format='newline_delimited', columns={{dc_identifier: 'VARCHAR',
            classification_code: 'VARCHAR', commune_insee: 'VARCHAR', longitude: 'VARCHAR', latitude: 'VARCHAR'}})""")
    in_82 = df[df["insee_code"].fillna("").str.startswith("82") & df["lon"].notna()]
    summary = validate_frame(
        df,
        "tif_batch",
        [
            gxe.ExpectColumnValuesToNotBeNull(column="id"),
            gxe.ExpectColumnValuesToBeUnique(column="id"),
            gxe.ExpectColumnValuesToBeInSet(column="code", value_set=known_tif_codes(), mostly=0.95),
        ],
    )
    geo = validate_inside_82(in_82, "tif_batch_geo")
    return dg.AssetCheckResult(
        passed=summary.success and geo.success,
        metadata={
            "batch_id": batch_id,
            "rows": len(df),
            **summary.as_metadata(),
            "geo_failures": "\n".join(geo.failures) or "none",
        },
    )
