"""The nurtik domain's Dagster definitions, with its resources built from the given settings."""

import dagster as dg

from t82_pipeline.defs.nurtik.assets import nurtik_api, nurtik_exports
from t82_pipeline.defs.nurtik.gdpr import (
    nurtik_erasure_job,
    nurtik_retention_job,
    nurtik_retention_schedule,
    nurtik_suppressions,
)
from t82_pipeline.defs.nurtik.resources import build_resources
from t82_pipeline.defs.nurtik.segments import nurtik_segment_exports
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[nurtik_api, nurtik_exports, nurtik_suppressions, nurtik_segment_exports],
        jobs=[nurtik_erasure_job, nurtik_retention_job],
        schedules=[nurtik_retention_schedule],
        resources=build_resources(settings),
    )
