"""The nightly job pulls every source and drop folder into landing; Dagster's automation builds
what follows (lib/automation.py): the dbt models whose inputs landed something new, then the
feed, serving and the rest. Flux Vision deliveries and dropped SIT files also land as they come,
during the day (their sensors); GDPR jobs and the monthly provider reports have their own jobs."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.defs.nurtik.gdpr import SUPPRESSIONS_KEY
from t82_pipeline.lib.automation import NIGHTLY_CRON, TIMEZONE, automation_sensor
from t82_pipeline.lib.settings import Settings

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.key_prefixes("landing") - dg.AssetSelection.assets(SUPPRESSIONS_KEY),
    description="Pulls every source and drop folder into landing; what they feed is built by automation after.",
    # The region's pulls take minutes: an hour means a dead worker, settled by run monitoring.
    tags={"dagster/max_runtime": "3600"},
)

nightly_schedule = dg.ScheduleDefinition(
    job=nightly_job,
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(jobs=[nightly_job], schedules=[nightly_schedule], sensors=[automation_sensor()])
