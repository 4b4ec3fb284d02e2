from __future__ import annotations

import dagster as dg

from t82_pipeline.defs.dbt.assets import t82_dbt_models

defs = dg.Definitions(assets=[t82_dbt_models])
