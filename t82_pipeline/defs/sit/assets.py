"""SIT records (Apidae API + export ZIPs, Constellation XML) → immutable landing."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.sit.apidae_landing import (
    land_api_delta,
    land_api_snapshot,
    land_export_zip,
    landed_state,
    read_notification,
)
from t82_pipeline.defs.sit.resources import ApidaeResource, ConfirmationRefused
from t82_pipeline.defs.sit.tif import land_xml_file
from t82_pipeline.lib.drop import drop_check_spec, land_drop_folder
from t82_pipeline.lib.freshness import freshness_policy
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandedBatch
from t82_pipeline.lib.resources import DropFolderResource, LandingResource
from t82_pipeline.lib.source_pull import pull_check_spec, pull_or_keep_last

GROUP = "sit"
# Which landed exports Apidae was told were consumed: one file per batch, beside (never inside) the
# immutable batches.
CONFIRMATIONS = "apidae_export_confirmations"
OWNERS = ["team:data"]


def _batch_metadata(batch: LandedBatch) -> dict:
    return {
        "batch_id": batch.batch_id,
        "new_batch": batch.is_new,
        "rows": batch.manifest.get("record_count", 0),
        "quarantined": batch.manifest.get("quarantined", 0),
        "path": dg.MetadataValue.path(str(batch.path)),
    }


class ApidaePullConfig(dg.Config):
    full_snapshot: bool = False  # page the whole project tonight, whatever the last snapshot's age


def _needs_full_snapshot(zone, config: ApidaePullConfig, apidae: ApidaeResource) -> str | None:
    """Why tonight takes a full snapshot (None: the delta is enough)."""
    if config.full_snapshot:
        return "asked in the run config"
    fulls = [m for m in zone.manifests("apidae") if m.get("mode") == "full" and m.get("kind") == "api"]
    if not fulls:
        return "no full snapshot landed yet"
    age = datetime.now(UTC) - datetime.fromisoformat(fulls[-1]["received_at"])
    if age >= timedelta(days=apidae.full_snapshot_days):
        return f"the last one is {age.days} day(s) old (T82_APIDAE_FULL_SNAPSHOT_DAYS={apidae.full_snapshot_days})"
    return None


@dg.asset(
    key=["landing", "apidae_api_objects"],
    group_name=GROUP,
    freshness_policy=freshness_policy("landing/apidae_api_objects"),
    owners=OWNERS,
    kinds={"python", "json"},
    check_specs=[pull_check_spec(["landing", "apidae_api_objects"])],
    description=(
        "The Apidae project's objects from recherche/list-objets-touristiques, landed unchanged as NDJSON with "
        "a manifest. Most nights a delta: the project listed with ids and modification dates only, new and "
        "changed objects fetched by id, vanished ids recorded as deleted. A full snapshot when the last is "
        "T82_APIDAE_FULL_SNAPSHOT_DAYS old, or on request (run config full_snapshot). Same payload → no new batch."
    ),
)
def apidae_api_objects(
    context: dg.AssetExecutionContext, config: ApidaePullConfig, apidae: ApidaeResource, landing: LandingResource
) -> dg.MaterializeResult:
    zone = landing.zone()

    def pull() -> dg.MaterializeResult:
        reason = _needs_full_snapshot(zone, config, apidae)
        with apidae.client() as client:
            if reason:
                context.log.info(f"[apidae] full snapshot: {reason}")
                batch = land_api_snapshot(client, zone)
            else:
                batch = land_api_delta(client, zone, landed_state(zone))
        if batch is None:
            context.log.info("[apidae] delta: nothing changed since the last batch")
            return dg.MaterializeResult(metadata={"pull": "delta", "new_batch": False, "rows": 0})
        for q in batch.quarantined:
            context.log.warning(f"[apidae] quarantined {q['record']}: {q['reason']}")
        return dg.MaterializeResult(
            metadata={
                **_batch_metadata(batch),
                "pull": "full" if reason else "delta",
                "num_found": batch.manifest.get("num_found"),
                "deleted": batch.manifest.get("deleted_count", 0),
                "source_url": apidae.base_url,
            }
        )

    return pull_or_keep_last(context, "apidae", pull)


@dg.asset(
    key=["landing", "apidae_export_objects"],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "json"},
    # Exports are applied on top of the API snapshot taken in the same run.
    deps=[apidae_api_objects],
    check_specs=[drop_check_spec(["landing", "apidae_export_objects"])],
    description=(
        "Apidae export ZIPs found in the export drop folder (T82_APIDAE_EXPORT_DROP_DIR): the ZIP is kept "
        "as received, its objects, communes, references and deletions as NDJSON. Full (reinitialisation) "
        "or differential per the notification sidecar `<zip>.json`; consumption confirmed when it gives "
        "urlConfirmation."
    ),
)
def apidae_export_objects(
    context: dg.AssetExecutionContext,
    apidae: ApidaeResource,
    landing: LandingResource,
    apidae_export_drop: DropFolderResource,
) -> dg.MaterializeResult:
    zone = landing.zone()
    pending, refused = [], []

    def land(path: Path) -> LandedBatch:
        batch = land_export_zip(zone, path)
        confirmation = read_notification(path).get("urlConfirmation")
        # Confirmed once, after the batch is safely landed; a failed confirmation is retried by the
        # next run (the ZIP is still in the drop folder) and never stops the landing. One that is
        # not Apidae's is refused once, and recorded so: never fetched, never tried again.
        confirmed = zone.root / CONFIRMATIONS / batch.batch_id
        done = confirmed.with_name(confirmed.name + ".refused")
        if confirmation and not confirmed.exists() and not done.exists():
            try:
                apidae.confirm_export(confirmation)
            except ConfirmationRefused as exc:
                context.log.error(f"{exc} (export landed; the confirmation is not sent)")
                refused.append(f"{path.name}: {exc.problem}")
                done.parent.mkdir(parents=True, exist_ok=True)
                done.write_text(exc.problem, encoding="utf-8")
            except SourceError as exc:
                context.log.warning(f"{exc} (export landed; the confirmation is retried next run)")
                pending.append(f"{path.name}: {exc.problem}")
            else:
                confirmed.parent.mkdir(parents=True, exist_ok=True)
                confirmed.write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
        return batch

    result = land_drop_folder(context, apidae_export_drop, ["*.zip"], land)
    return dg.MaterializeResult(
        metadata={
            **result.metadata,
            "confirmations_pending": "\n".join(pending) or "none",
            "confirmations_refused": "\n".join(refused) or "none",
        },
        check_results=result.check_results,
    )


@dg.asset(
    key=["landing", "tif_xml_objects"],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "xml"},
    check_specs=[drop_check_spec(["landing", "tif_xml_objects"])],
    description=(
        "Constellation XML exports (TourInFrance v3) found in T82_TIF_DROP_DIR, landed unchanged and "
        "mapped to NDJSON by the declarative mapping mappings/tif_v3.yaml. Records without id are quarantined."
    ),
)
def tif_xml_objects(
    context: dg.AssetExecutionContext, landing: LandingResource, tif_drop: DropFolderResource
) -> dg.MaterializeResult:
    zone = landing.zone()
    return land_drop_folder(context, tif_drop, ["*.xml"], lambda p: land_xml_file(zone, p))
