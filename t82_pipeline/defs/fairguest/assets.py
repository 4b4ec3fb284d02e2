import dagster as dg

from t82_pipeline.defs.fairguest.landing import (
    PLATFORM_SCALES,
    land_establishments,
    land_export_file,
    land_ratings,
    land_reviews_api,
)
from t82_pipeline.defs.fairguest.resources import FairguestResource
from t82_pipeline.lib.batch_checks import ndjson_check
from t82_pipeline.lib.drop import drop_check_spec, land_drop_folder
from t82_pipeline.lib.freshness import freshness_policy
from t82_pipeline.lib.resources import DropFolderResource, LandingResource
from t82_pipeline.lib.source_pull import pull_check_spec, pull_or_keep_last

GROUP = "fairguest"
REVIEWS_VALID = "reviews_batch_is_valid"


def reviews_batch_check(path) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    return ndjson_check(
        REVIEWS_VALID,
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


OWNERS = ["team:data"]


@dg.asset(
    key=["landing", "fairguest_api"],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "json"},
    freshness_policy=freshness_policy("landing/fairguest_api"),
    check_specs=[
        pull_check_spec(["landing", "fairguest_api"]),
        dg.AssetCheckSpec(
            "no_review_quarantined",
            asset=["landing", "fairguest_api"],
            description="No review of the new batch was quarantined (else: which, and why)",
        ),
        dg.AssetCheckSpec(
            REVIEWS_VALID, asset=["landing", "fairguest_api"], description="Great Expectations on the new reviews batch"
        ),
    ],
    description=(
        "Fairguest establishments (snapshot), ratings /10 (one snapshot per poll, kept as history) and "
        "reviews since the last landed one (incremental), as NDJSON. Bad reviews are quarantined."
    ),
)
def fairguest_api(
    context: dg.AssetExecutionContext, fairguest: FairguestResource, landing: LandingResource
) -> dg.MaterializeResult:
    return pull_or_keep_last(context, "fairguest", lambda: _pull_fairguest(context, fairguest, landing))


def _pull_fairguest(
    context: dg.AssetExecutionContext, fairguest: FairguestResource, landing: LandingResource
) -> dg.MaterializeResult:
    zone = landing.zone()
    with fairguest.client() as client:
        establishments = land_establishments(client, zone)
        sheet_ids = [e["sheet_id"] for e in client.establishments()]
        ratings = land_ratings(client, zone, sheet_ids)
        reviews = land_reviews_api(client, zone)
    for q in reviews.quarantined if reviews.is_new else []:
        context.log.warning(f"[fairguest] quarantined {q['record']}: {q['reason']}")
    quarantined = reviews.manifest.get("quarantined", 0) if reviews.is_new else 0
    return dg.MaterializeResult(
        metadata={
            "establishments": establishments.manifest["record_count"],
            "ratings": ratings.manifest["record_count"],
            "new_reviews": reviews.manifest["record_count"] if reviews.is_new else 0,
            "quarantined_reviews": quarantined,
            "reviews_since": str(reviews.manifest.get("request", {}).get("since")),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="no_review_quarantined",
                passed=quarantined == 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"quarantined": quarantined},
            ),
            reviews_batch_check(reviews.path / "reviews.ndjson" if reviews.is_new else None),
        ],
    )


@dg.asset(
    key=["landing", "fairguest_exports"],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "csv"},
    check_specs=[drop_check_spec(["landing", "fairguest_exports"])],
    description=(
        "Fairguest back-office review exports (CSV or XLSX) dropped in T82_FAIRGUEST_DROP_DIR: kept as "
        "received, rows normalised to the API's review shape; bad rows quarantined with their line."
    ),
)
def fairguest_exports(
    context: dg.AssetExecutionContext, landing: LandingResource, fairguest_drop: DropFolderResource
) -> dg.MaterializeResult:
    zone = landing.zone()
    return land_drop_folder(context, fairguest_drop, ["*.csv", "*.xlsx"], lambda p: land_export_file(zone, p))
