"""Deliveries arrive irregularly: a sensor lands every new settled file of the drop folder in one
run; what reads them updates by Dagster's automation once they landed."""

import dagster as dg

from t82_pipeline.defs.fluxvision.assets import LANDING_KEY
from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS
from t82_pipeline.lib.drop_sensor import drop_folder_sensor

fluxvision_delivery_job = dg.define_asset_job(
    "fluxvision_delivery",
    selection=[LANDING_KEY],
    description="Lands the Flux Vision deliveries dropped since the last run (each file once).",
)

fluxvision_drop_sensor = drop_folder_sensor(
    "fluxvision_drop_sensor", fluxvision_delivery_job, {"fluxvision_drop": DELIVERY_PATTERNS}
)
