"""Picks up files dropped in the SIT drop folders (Apidae export ZIPs, Constellation XML)."""

import json

import dagster as dg

from t82_pipeline.lib.resources import DropFolderResource

# Not the provider reports: they go out on their own monthly schedule, not when a file is dropped.
SIT_DROPPED = dg.AssetSelection.assets(
    ["landing", "apidae_export_objects"], ["landing", "tif_xml_objects"]
).downstream() - dg.AssetSelection.key_prefixes("reports")
sit_drop_job = dg.define_asset_job(
    "sit_drop_job",
    # With the models those need from other sources, rebuilt from their last landing: on a first
    # run (files dropped before any nightly) they do not exist yet. No other source is pulled.
    selection=SIT_DROPPED | (SIT_DROPPED.upstream() - dg.AssetSelection.key_prefixes("landing")),
    description="Lands dropped SIT files and rebuilds what depends on them.",
)


@dg.sensor(job=sit_drop_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def sit_drop_folder_sensor(
    context: dg.SensorEvaluationContext, apidae_export_drop: DropFolderResource, tif_drop: DropFolderResource
) -> dg.SensorResult:
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    files = apidae_export_drop.files("*.zip") + tif_drop.files("*.xml")
    fresh = {f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files} - seen
    if not fresh:
        return dg.SensorResult(skip_reason="no new file in the drop folders")
    # One run handles every new file: landing is idempotent, so a file seen twice is a no-op.
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=sorted(fresh)[-1], tags={"t82/new_files": str(len(fresh))})],
        cursor=json.dumps(sorted(seen | fresh)),
    )
