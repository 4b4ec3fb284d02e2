
import json

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from t82_pipeline.defs.dbt.project import dbt_project
from t82_pipeline.defs.dbt.translator import T82DbtTranslator
from t82_pipeline.lib.resources import WAREHOUSE_POOL  # dbt is the only writer of the warehouse


class DbtBuildConfig(dg.Config):
    as_of_date: str | None = None  # quality freshness reference; None = today
    full_refresh: bool = False


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=T82DbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def t82_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    # Cautious: a subset (e.g. the Flux Vision refresh) runs only tests whose every parent it
    # builds, not a seed's tests that also read models outside the subset.
    args = ["build", "--indirect-selection", "cautious", "--vars", json.dumps({"as_of_date": config.as_of_date})]
    if config.full_refresh:
        args.append("--full-refresh")
    yield from dbt.cli(args, context=context).stream()
