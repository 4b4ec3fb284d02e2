"""Running the asset graph the way the nightly job does, on test settings."""

import dagster as dg
import duckdb

from t82_pipeline.defs.dbt.definitions import defs as dbt_defs
from t82_pipeline.defs.fairguest.definitions import defs as fairguest_defs
from t82_pipeline.defs.opendata.definitions import defs as opendata_defs
from t82_pipeline.defs.serving.definitions import defs as serving_defs
from t82_pipeline.defs.sit.definitions import defs as sit_defs
from t82_pipeline.resources import build_resources
from tests.conftest import AS_OF_DATE


def run_graph(settings, with_fairguest: bool = False, **resource_overrides) -> dg.ExecuteInProcessResult:
    """The nightly graph. Fairguest landing only when the test generated its data; provider
    reports never (they send e-mails: tests run them on purpose)."""
    resources = {**build_resources(settings), **resource_overrides}
    fairguest = [a for a in fairguest_defs.assets if a.key.path[0] == "landing"] if with_fairguest else []
    return dg.materialize(
        [*sit_defs.assets, *sit_defs.asset_checks, *fairguest, *dbt_defs.assets, *opendata_defs.assets,
         *opendata_defs.asset_checks, *serving_defs.assets, *serving_defs.asset_checks],
        resources=resources,
        run_config={"ops": {"t82_dbt_models": {"config": {"as_of_date": AS_OF_DATE}}}},
        raise_on_error=False,
    )


def query(settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.sql(sql).fetchall()


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {
        f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}":
            e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
