import dagster as dg

from t82_pipeline.defs.opendata.assets import datatourisme_feed

defs = dg.Definitions(assets=[datatourisme_feed])
