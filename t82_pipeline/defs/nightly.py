"""The nightly job: every source pulled, then dbt builds staging → marts."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.defs.fluxvision.assets import LANDING_KEY as FLUXVISION_LANDING
from t82_pipeline.defs.nurtik.gdpr import SUPPRESSIONS_KEY

# Flux Vision changes only when a delivery lands (every two months): its dbt models and reports are
# rebuilt then, by the fluxvision_refresh job. Serving stays: it republishes whatever is built.
FLUXVISION = dg.AssetSelection.assets(FLUXVISION_LANDING).downstream() - dg.AssetSelection.key_prefixes("serving")

nightly_job = dg.define_asset_job(
    "nightly",
    # Provider reports go out on their own monthly schedule; GDPR erasure and retention are their
    # own jobs.
    selection=(
        dg.AssetSelection.all()
        - dg.AssetSelection.key_prefixes("reports")
        - dg.AssetSelection.assets(SUPPRESSIONS_KEY)
        - FLUXVISION
    ),
    description="Pulls every source into landing, then builds and tests the warehouse with dbt.",
    # 13× the département runs in minutes: an hour means a dead worker, settled by run monitoring.
    tags={"dagster/max_runtime": "3600"},
)

nightly_schedule = dg.ScheduleDefinition(
    job=nightly_job,
    cron_schedule="30 2 * * *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(jobs=[nightly_job], schedules=[nightly_schedule])
