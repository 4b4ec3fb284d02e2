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
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import Landed, LandedBatch
from t82_pipeline.lib.landing_assets import api_landing, drop_folder_landing

GROUP = "sit"
# Which landed exports Apidae was told were consumed: one file per batch, beside (never inside) the
# immutable batches.
CONFIRMATIONS = "apidae_export_confirmations"


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


def _pull_apidae(context: dg.AssetExecutionContext) -> Landed:
    apidae: ApidaeResource = context.resources.apidae
    zone = context.resources.landing.zone()
    reason = _needs_full_snapshot(zone, ApidaePullConfig(**(context.op_config or {})), apidae)
    with apidae.client() as client:
        if reason:
            context.log.info(f"[apidae] full snapshot: {reason}")
            batch = land_api_snapshot(client, zone)
        else:
            batch = land_api_delta(client, zone, landed_state(zone))
    if batch is None:
        context.log.info("[apidae] delta: nothing changed since the last batch")
    manifest = batch.manifest if batch else {}
    return Landed(
        [batch] if batch else [],
        {
            "pull": "full" if reason else "delta",
            "num_found": manifest.get("num_found"),
            "deleted": manifest.get("deleted_count", 0),
            "source_url": apidae.base_url,
        },
    )


apidae_api_objects = api_landing(
    "apidae_api_objects",
    group=GROUP,
    source="apidae",
    pull=_pull_apidae,
    resources=["apidae"],
    config_schema=ApidaePullConfig,
    kinds={"python", "json"},
    description=(
        "The Apidae project's objects from recherche/list-objets-touristiques, landed unchanged as NDJSON with "
        "a manifest. Most nights a delta: the project listed with ids and modification dates only, new and "
        "changed objects fetched by id, vanished ids recorded as deleted. A full snapshot when the last is "
        "T82_APIDAE_FULL_SNAPSHOT_DAYS old, or on request (run config full_snapshot). Same payload → no new batch."
    ),
)


def _land_export(context: dg.AssetExecutionContext, path: Path, notes: dict[str, list[str]]) -> LandedBatch:
    """Lands an export ZIP, then confirms its consumption once (a failed confirmation is retried by
    the next run, the ZIP being still in the drop folder; it never stops the landing). A URL that
    is not Apidae's confirmation is refused once, and recorded so: never fetched, never tried again."""
    zone = context.resources.landing.zone()
    batch = land_export_zip(zone, path)
    confirmation = read_notification(path).get("urlConfirmation")
    confirmed = zone.root / CONFIRMATIONS / batch.batch_id
    refused = confirmed.with_name(confirmed.name + ".refused")
    if confirmation and not confirmed.exists() and not refused.exists():
        try:
            context.resources.apidae.confirm_export(confirmation)
        except ConfirmationRefused as exc:
            context.log.error(f"{exc} (export landed; the confirmation is not sent)")
            notes[REFUSED].append(f"{path.name}: {exc.problem}")
            refused.parent.mkdir(parents=True, exist_ok=True)
            refused.write_text(exc.problem, encoding="utf-8")
        except SourceError as exc:
            context.log.warning(f"{exc} (export landed; the confirmation is retried next run)")
            notes[PENDING].append(f"{path.name}: {exc.problem}")
        else:
            confirmed.parent.mkdir(parents=True, exist_ok=True)
            confirmed.write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
    return batch


PENDING, REFUSED = "confirmations_pending", "confirmations_refused"
apidae_export_objects = drop_folder_landing(
    "apidae_export_objects",
    group=GROUP,
    folder="apidae_export_drop",
    patterns=["*.zip"],
    land=_land_export,
    notes=(PENDING, REFUSED),
    # No dependency on the API pull: a pull that lands nothing (or fails) yields no output, and
    # Dagster would skip this step. Staging orders versions by modification date, then landing.
    resources=["apidae"],
    kinds={"python", "json"},
    description=(
        "Apidae export ZIPs found in the export drop folder (T82_APIDAE_EXPORT_DROP_DIR): the ZIP is kept "
        "as received, its objects, communes, references and deletions as NDJSON. Full (reinitialisation) "
        "or differential per the notification sidecar `<zip>.json`; consumption confirmed when it gives "
        "urlConfirmation."
    ),
)

tif_xml_objects = drop_folder_landing(
    "tif_xml_objects",
    group=GROUP,
    folder="tif_drop",
    patterns=["*.xml"],
    land=lambda context, path, _: land_xml_file(context.resources.landing.zone(), path),
    kinds={"python", "xml"},
    description=(
        "Constellation XML exports (TourInFrance v3) found in T82_TIF_DROP_DIR, landed unchanged and "
        "mapped to NDJSON by the declarative mapping mappings/tif_v3.yaml. Records without id are quarantined."
    ),
)
