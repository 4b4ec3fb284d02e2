"""The serving domain's Dagster definitions, with its resources built from the given settings."""

import dagster as dg

from t82_pipeline.defs.serving.assets import ot_marts, ot_marts_are_sound, served_marts_are_keyed
from t82_pipeline.defs.serving.resources import build_resources
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[ot_marts],
        asset_checks=[ot_marts_are_sound, served_marts_are_keyed],
        resources=build_resources(settings),
    )
