import dagster as dg

from t82_pipeline.defs.ops.alerts import late_source_alert, run_failure_alert, source_failure_alert
from t82_pipeline.defs.ops.resources import build_resources
from t82_pipeline.lib.settings import get_settings

defs = dg.Definitions(
    sensors=[run_failure_alert, source_failure_alert, late_source_alert], resources=build_resources(get_settings())
)
