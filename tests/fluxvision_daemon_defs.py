"""Code location for the Flux Vision daemon test: the Flux Vision domain and dbt, nothing else
(the production refresh also republishes serving, which needs the nightly's marts)."""

import dagster as dg

# Modules, not their `defs`: the loader allows one Definitions object at module scope.
from t82_pipeline.defs.dbt import definitions as dbt
from t82_pipeline.defs.fluxvision import definitions as fluxvision
from t82_pipeline.resources import build_resources

defs = dg.Definitions.merge(dbt.defs, fluxvision.defs, dg.Definitions(resources=build_resources()))
