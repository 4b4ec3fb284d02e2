"""The fluxvision domain's Dagster definitions, with its resources built from the given settings."""

import dagster as dg

from t82_pipeline.defs.fluxvision.assets import fluxvision_deliveries
from t82_pipeline.defs.fluxvision.report_assets import fluxvision_ot_reports
from t82_pipeline.defs.fluxvision.resources import build_resources
from t82_pipeline.defs.fluxvision.sensors import fluxvision_delivery_job, fluxvision_drop_sensor
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[fluxvision_deliveries, fluxvision_ot_reports],
        jobs=[fluxvision_delivery_job],
        sensors=[fluxvision_drop_sensor],
        resources=build_resources(settings),
    )
