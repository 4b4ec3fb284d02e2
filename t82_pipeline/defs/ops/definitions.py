import dagster as dg

from t82_pipeline.defs.ops.alerts import late_source_alert, run_failure_alert, source_failure_alert

defs = dg.Definitions(sensors=[run_failure_alert, source_failure_alert, late_source_alert])
