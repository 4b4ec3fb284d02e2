"""The dbt domain's Dagster definitions, with its resources built from the given settings."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.defs.dbt.assets import t82_dbt_models
from t82_pipeline.defs.dbt.resources import build_resources
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(assets=[t82_dbt_models], resources=build_resources(settings))
