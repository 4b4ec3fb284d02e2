"""Flux Vision deliveries → landing: every settled file of the drop folder, in one run."""

import dagster as dg

from t82_pipeline.defs.fluxvision.checks import validate_parsed
from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS, PARSED, land_delivery
from t82_pipeline.lib.landing import LandedBatch
from t82_pipeline.lib.landing_assets import drop_folder_landing

LANDING_KEY = dg.AssetKey(["landing", "fluxvision_deliveries"])
ALL_TABLES_LOADED = "all_delivery_tables_loaded"
ROWS_VALID = "delivery_rows_are_valid"


def delivery_checks(context: dg.AssetExecutionContext, new: list[LandedBatch]) -> list[dg.AssetCheckResult]:
    """Each new delivery's quarantined tables, and Great Expectations on its loaded rows."""
    rejected = [f"{q['record']}: {q['reason']}" for batch in new for q in batch.quarantined]
    for line in rejected:
        context.log.error(f"[fluxvision] quarantined {line}")
    summaries = [validate_parsed(str(batch.path / PARSED)) for batch in new]
    failures = [f for summary in summaries for f in summary.failures]
    return [
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
            passed=all(summary.success for summary in summaries),
            severity=dg.AssetCheckSeverity.ERROR,
            description="\n".join(failures) or ("every new delivery's rows are valid" if new else "no new delivery"),
            metadata={"deliveries_validated": len(new)},
        ),
    ]


fluxvision_deliveries = drop_folder_landing(
    "fluxvision_deliveries",
    group="fluxvision",
    folder="fluxvision_drop",
    patterns=DELIVERY_PATTERNS,
    land=lambda context, path, _: land_delivery(context.resources.landing.zone(), path),
    check_specs=[
        dg.AssetCheckSpec(
            ALL_TABLES_LOADED,
            asset=LANDING_KEY,
            description="Every table of the new deliveries passed the checks (else: file, line, reason)",
        ),
        dg.AssetCheckSpec(
            ROWS_VALID,
            asset=LANDING_KEY,
            description="Great Expectations on the loaded rows: known families, no missing key, "
            "volumes ≥ 0, every day inside the delivered period",
        ),
    ],
    checks=delivery_checks,
    kinds={"python", "csv"},
    description=(
        "Orange Flux Vision Tourisme deliveries dropped in T82_FLUXVISION_DROP_DIR (ZIP of zone folders, or "
        "loose CSV/XLSX tables), every settled one in one run: kept as received, tables checked and "
        "normalised to Parquet. A bad table is quarantined with its file, line and reason; the others load."
    ),
)
