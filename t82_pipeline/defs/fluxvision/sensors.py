"""Deliveries arrive irregularly: a sensor lands each new file as a partition, and once no
delivery is left to land, one refresh rebuilds the Flux Vision marts, reports and serving."""

import json

import dagster as dg

from t82_pipeline.defs.fluxvision.assets import DELIVERIES, LANDING_KEY
from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS, delivery_key
from t82_pipeline.lib.resources import DropFolderResource

fluxvision_delivery_job = dg.define_asset_job(
    "fluxvision_delivery",
    selection=[LANDING_KEY],
    partitions_def=DELIVERIES,
    description="Lands one Flux Vision delivery (partition = dropped file).",
)

fluxvision_refresh_job = dg.define_asset_job(
    "fluxvision_refresh",
    # The territory reference too (seeds and int_communes_located, a second or two): the refresh
    # must not depend on a nightly run before it.
    selection=dg.AssetSelection.assets(LANDING_KEY).downstream(include_self=False)
    | dg.AssetSelection.groups("reference"),
    description="Rebuilds what depends on the landed Flux Vision deliveries: marts, per-OT reports, serving.",
)


@dg.sensor(job=fluxvision_delivery_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def fluxvision_drop_sensor(context: dg.SensorEvaluationContext, fluxvision_drop: DropFolderResource) -> dg.SensorResult:
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    found = [p for pattern in DELIVERY_PATTERNS for p in fluxvision_drop.files(pattern) if not p.is_symlink()]
    ready, _ = fluxvision_drop.settled(found)  # the drop folders' one rule: a copy in progress waits
    files = sorted(ready, key=lambda p: p.stat().st_mtime)
    fresh = [(p, f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}") for p in files]
    fresh = [(p, ident) for p, ident in fresh if ident not in seen]
    if not fresh:
        return dg.SensorResult(skip_reason="no new delivery in the drop folder")
    keys = [delivery_key(p) for p, _ in fresh]
    return dg.SensorResult(
        # A file replaced under the same name gets a new run key, and lands again (same bytes: no-op).
        run_requests=[
            dg.RunRequest(partition_key=key, run_key=ident) for key, (_, ident) in zip(keys, fresh, strict=True)
        ],
        dynamic_partitions_requests=[DELIVERIES.build_add_request(sorted(set(keys)))],
        cursor=json.dumps(sorted(seen | {ident for _, ident in fresh})),
    )


@dg.sensor(job=fluxvision_refresh_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def fluxvision_refresh_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    instance = context.instance
    pending = instance.get_runs_count(
        dg.RunsFilter(
            job_name=fluxvision_delivery_job.name,
            statuses=[
                dg.DagsterRunStatus.QUEUED,
                dg.DagsterRunStatus.NOT_STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
            ],
        )
    )
    if pending:
        return dg.SkipReason(f"{pending} delivery run(s) still landing; refreshing once they are done")
    records = instance.fetch_materializations(LANDING_KEY, limit=1).records
    latest = records[0].storage_id if records else 0
    if latest <= int(context.cursor or 0):
        return dg.SkipReason("no delivery landed since the last refresh")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"landed-{latest}")], cursor=str(latest))
