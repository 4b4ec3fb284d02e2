"""Assembles t82's Definitions from the domain folders under defs/."""

from __future__ import annotations

import dagster as dg

# Modules, not their `defs`: Dagster's loader allows one Definitions object at module scope.
from t82_pipeline.defs import nightly
from t82_pipeline.defs.dbt import definitions as dbt
from t82_pipeline.defs.fairguest import definitions as fairguest
from t82_pipeline.defs.fluxvision import definitions as fluxvision
from t82_pipeline.defs.nurtik import definitions as nurtik
from t82_pipeline.defs.opendata import definitions as opendata
from t82_pipeline.defs.ops import definitions as ops
from t82_pipeline.defs.serving import definitions as serving
from t82_pipeline.defs.sit import definitions as sit
from t82_pipeline.resources import build_resources

defs = dg.Definitions.merge(
    sit.defs,
    dbt.defs,
    fairguest.defs,
    fluxvision.defs,
    nurtik.defs,
    opendata.defs,
    serving.defs,
    ops.defs,
    nightly.defs,
    dg.Definitions(resources=build_resources()),
)
