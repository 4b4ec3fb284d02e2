import dagster as dg

from t82_pipeline.defs.fairguest.assets import fairguest_api, fairguest_exports

defs = dg.Definitions(assets=[fairguest_api, fairguest_exports])
