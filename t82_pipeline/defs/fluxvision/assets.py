"""Flux Vision deliveries → landing, one dynamic partition per delivered file."""

import dagster as dg

from t82_pipeline.defs.fluxvision.checks import validate_parsed
from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS, PARSED, delivery_key, land_delivery
from t82_pipeline.lib.freshness import freshness_policy
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.resources import DropFolderResource, LandingResource

GROUP = "fluxvision"
OWNERS = ["team:data"]
DELIVERIES = dg.DynamicPartitionsDefinition(name="fluxvision_deliveries")
LANDING_KEY = dg.AssetKey(["landing", "fluxvision_deliveries"])
ALL_TABLES_LOADED = "all_delivery_tables_loaded"
ROWS_VALID = "delivery_rows_are_valid"


def find_delivery(folder: DropFolderResource, partition: str):
    for pattern in DELIVERY_PATTERNS:
        for path in folder.files(pattern):
            if delivery_key(path) == partition:
                return path
    return None


@dg.asset(
    key=LANDING_KEY,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "csv"},
    partitions_def=DELIVERIES,
    freshness_policy=freshness_policy("landing/fluxvision_deliveries"),
    check_specs=[
        dg.AssetCheckSpec(
            ALL_TABLES_LOADED,
            asset=LANDING_KEY,
            description="Every table of the delivery passed the checks (else: file, line, reason)",
        ),
        dg.AssetCheckSpec(
            ROWS_VALID,
            asset=LANDING_KEY,
            description="Great Expectations on the loaded rows: known families, no missing key, "
            "volumes ≥ 0, every day inside the delivered period",
        ),
    ],
    description=(
        "One Orange Flux Vision Tourisme delivery dropped in T82_FLUXVISION_DROP_DIR (ZIP of zone folders, "
        "or a loose CSV/XLSX table): kept as received, its tables checked and normalised to Parquet. "
        "A bad table is quarantined with its file, line and reason; the others load."
    ),
)
def fluxvision_deliveries(
    context: dg.AssetExecutionContext, landing: LandingResource, fluxvision_drop: DropFolderResource
) -> dg.MaterializeResult:
    partition = context.partition_key
    path = find_delivery(fluxvision_drop, partition)
    if path is None:
        raise dg.Failure(f"[fluxvision] delivery {partition!r} is no longer in {fluxvision_drop.path}")
    try:
        batch = land_delivery(landing.zone(), path, partition)
    except SourceError as exc:
        raise dg.Failure(str(exc)) from exc
    rejected = [f"{q['record']}: {q['reason']}" for q in batch.quarantined]
    for line in rejected:
        context.log.error(f"[fluxvision] quarantined {line}")
    manifest = batch.manifest
    quality = validate_parsed(str(batch.path / PARSED))
    return dg.MaterializeResult(
        metadata={
            "file": dg.MetadataValue.path(str(path)),
            "batch_id": batch.batch_id,
            "new_batch": batch.is_new,
            "rows": manifest["record_count"],
            "tables_loaded": len(manifest["tables_loaded"]),
            "tables_rejected": len(rejected),
            "rejected": dg.MetadataValue.md("\n".join(f"- {r}" for r in rejected) or "none"),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=ALL_TABLES_LOADED,
                passed=not rejected,
                severity=dg.AssetCheckSeverity.ERROR,
                description="Every table loaded"
                if not rejected
                else f"{len(rejected)} table(s) quarantined:\n" + "\n".join(rejected),
                metadata={"rejected": len(rejected)},
            ),
            dg.AssetCheckResult(
                check_name=ROWS_VALID,
                passed=quality.success,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata=quality.as_metadata(),
            ),
        ],
    )
