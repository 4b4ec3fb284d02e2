import dagster as dg

from t82_pipeline.defs.serving.assets import ot_marts, ot_marts_are_sound, served_marts_are_keyed
from t82_pipeline.defs.serving.resources import build_resources
from t82_pipeline.lib.settings import get_settings

defs = dg.Definitions(
    assets=[ot_marts],
    asset_checks=[ot_marts_are_sound, served_marts_are_keyed],
    resources=build_resources(get_settings()),
)
