"""Picks up files dropped in the SIT drop folders (Apidae export ZIPs, Constellation XML)."""

import dagster as dg

from t82_pipeline.lib.drop_sensor import drop_folder_sensor

sit_drop_job = dg.define_asset_job(
    "sit_drop_job",
    selection=dg.AssetSelection.assets(["landing", "apidae_export_objects"], ["landing", "tif_xml_objects"]),
    description="Lands dropped SIT files; what reads them updates by Dagster's automation.",
)

sit_drop_folder_sensor = drop_folder_sensor(
    "sit_drop_folder_sensor", sit_drop_job, {"apidae_export_drop": ["*.zip"], "tif_drop": ["*.xml"]}
)
