"""The opendata domain's Dagster definitions, with its resources built from the given settings."""

import dagster as dg

from t82_pipeline.defs.opendata.assets import (
    datatourisme_download,
    datatourisme_feed,
    no_record_duplicated_in_datatourisme,
)
from t82_pipeline.defs.opendata.resources import build_resources
from t82_pipeline.lib.settings import Settings


def definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[datatourisme_download, datatourisme_feed],
        asset_checks=[no_record_duplicated_in_datatourisme],
        resources=build_resources(settings),
    )
