"""The ops domain's Dagster definitions, with its resources built from the given settings."""

import dagster as dg

from t82_pipeline.defs.ops.alerts import late_source_alert, run_failure_alert, source_failure_alert
from t82_pipeline.defs.ops.resources import build_resources
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        sensors=[run_failure_alert, source_failure_alert, late_source_alert], resources=build_resources(settings)
    )
