"""The sit domain's Dagster definitions, with its resources built from the given settings."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.defs.sit.assets import apidae_api_objects, apidae_export_objects, tif_xml_objects
from t82_pipeline.defs.sit.checks import apidae_api_batch_is_valid, tif_batch_is_valid
from t82_pipeline.defs.sit.resources import build_resources
from t82_pipeline.defs.sit.sensors import sit_drop_folder_sensor, sit_drop_job
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[apidae_api_objects, apidae_export_objects, tif_xml_objects],
        asset_checks=[apidae_api_batch_is_valid, tif_batch_is_valid],
        jobs=[sit_drop_job],
        sensors=[sit_drop_folder_sensor],
        resources=build_resources(settings),
    )
