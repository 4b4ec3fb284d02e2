"""The fairguest domain's Dagster definitions, with its resources built from the given settings."""

import dagster as dg

from t82_pipeline.defs.fairguest.assets import fairguest_api, fairguest_exports
from t82_pipeline.defs.fairguest.report_assets import (
    fairguest_provider_reports,
    fairguest_reports_job,
    fairguest_reports_schedule,
)
from t82_pipeline.defs.fairguest.resources import build_resources
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[fairguest_api, fairguest_exports, fairguest_provider_reports],
        jobs=[fairguest_reports_job],
        schedules=[fairguest_reports_schedule],
        resources=build_resources(settings),
    )
