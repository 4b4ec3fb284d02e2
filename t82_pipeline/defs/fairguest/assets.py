import dagster as dg

from t82_pipeline.defs.fairguest.landing import (
    PLATFORM_SCALES,
    land_establishments,
    land_export_file,
    land_ratings,
    land_reviews_api,
)
from t82_pipeline.defs.fairguest.resources import FairguestResource
from t82_pipeline.lib.batch_checks import NewRecordChecks, ndjson_check
from t82_pipeline.lib.landing import Landed
from t82_pipeline.lib.landing_assets import api_landing, drop_folder_landing

GROUP = "fairguest"
REVIEWS = "fairguest_reviews"


def reviews_batch_check(path) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    return ndjson_check(
        REVIEW_CHECKS.suite_check,
        path,
        {
            "review_id": "VARCHAR",
            "sheet_id": "BIGINT",
            "platform": "VARCHAR",
            "rating": "DOUBLE",
            "rating_scale": "DOUBLE",
            "published_at": "TIMESTAMPTZ",
        },
        "review_id, sheet_id, lower(platform) as platform, rating / rating_scale * 10 as rating_10, published_at",
        [
            gxe.ExpectColumnValuesToBeUnique(column="review_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="sheet_id"),
            gxe.ExpectColumnValuesToBeInSet(column="platform", value_set=sorted(PLATFORM_SCALES)),
            gxe.ExpectColumnValuesToBeBetween(column="rating_10", min_value=0, max_value=10),
            gxe.ExpectColumnValuesToNotBeNull(column="published_at"),
        ],
    )


REVIEW_CHECKS = NewRecordChecks("fairguest_api", REVIEWS, "reviews.ndjson", "review", reviews_batch_check)


def _pull_fairguest(context: dg.AssetExecutionContext) -> Landed:
    fairguest: FairguestResource = context.resources.fairguest
    zone = context.resources.landing.zone()
    with fairguest.client() as client:
        establishments = land_establishments(client, zone)
        sheet_ids = [e["sheet_id"] for e in client.establishments()]
        ratings = land_ratings(client, zone, sheet_ids)
        reviews = land_reviews_api(client, zone)
    return Landed([b for b in (establishments, ratings, reviews) if b], {"new_reviews": reviews is not None})


fairguest_api = api_landing(
    "fairguest_api",
    group=GROUP,
    source="fairguest",
    pull=_pull_fairguest,
    resources=["fairguest"],
    check_specs=REVIEW_CHECKS.specs(),
    checks=REVIEW_CHECKS,
    kinds={"python", "json"},
    description=(
        "Fairguest establishments (snapshot), ratings /10 (one snapshot per poll, kept as history) and "
        "reviews since the last landed one (incremental), as NDJSON. Bad reviews are quarantined."
    ),
)

fairguest_exports = drop_folder_landing(
    "fairguest_exports",
    group=GROUP,
    folder="fairguest_drop",
    patterns=["*.csv", "*.xlsx"],
    land=lambda context, path, _: land_export_file(context.resources.landing.zone(), path),
    kinds={"python", "csv"},
    description=(
        "Fairguest back-office review exports (CSV or XLSX) dropped in T82_FAIRGUEST_DROP_DIR: kept as "
        "received, rows normalised to the API's review shape; bad rows quarantined with their line."
    ),
)
