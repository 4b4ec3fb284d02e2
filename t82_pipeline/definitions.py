"""Assembles t82's Definitions from the domain folders under defs/."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.defs.dbt.definitions import defs as dbt_defs
from t82_pipeline.defs.nightly import defs as nightly_defs
from t82_pipeline.defs.sit.definitions import defs as sit_defs
from t82_pipeline.resources import build_resources

defs = dg.Definitions.merge(
    sit_defs,
    dbt_defs,
    nightly_defs,
    dg.Definitions(resources=build_resources()),
)
