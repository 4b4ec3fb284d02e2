"""Running the asset graph the way the nightly job does, on test settings."""

import json

import dagster as dg

from t82_pipeline.defs.dbt.definitions import defs as dbt_defs
from t82_pipeline.defs.fairguest.definitions import defs as fairguest_defs
from t82_pipeline.defs.opendata.definitions import defs as opendata_defs
from t82_pipeline.defs.serving.definitions import defs as serving_defs
from t82_pipeline.defs.sit.definitions import defs as sit_defs
from t82_pipeline.lib.warehouse import WarehouseLocation
from tests.conftest import AS_OF_DATE, REPO


def build_resources(settings) -> dict:
    """Every domain's resources, as the code location gets them, but on these settings."""
    from t82_pipeline.defs.dbt import resources as dbt
    from t82_pipeline.defs.fairguest import resources as fairguest
    from t82_pipeline.defs.fluxvision import resources as fluxvision
    from t82_pipeline.defs.nurtik import resources as nurtik
    from t82_pipeline.defs.opendata import resources as opendata
    from t82_pipeline.defs.ops import resources as ops
    from t82_pipeline.defs.serving import resources as serving
    from t82_pipeline.defs.sit import resources as sit
    from t82_pipeline.lib import resources as shared

    domains = (shared, sit, dbt, fairguest, fluxvision, nurtik, opendata, serving, ops)
    return {key: resource for domain in domains for key, resource in domain.build_resources(settings).items()}


def run_graph(
    settings,
    with_fairguest: bool = False,
    instance: dg.DagsterInstance | None = None,
    with_nurtik: bool = False,
    **resource_overrides,
) -> dg.ExecuteInProcessResult:
    """The nightly graph. Fairguest and Nurtik landing only when the test generated their data;
    provider reports and GDPR jobs never (tests run them on purpose)."""
    from t82_pipeline.defs.nurtik.definitions import defs as nurtik_defs
    from t82_pipeline.defs.nurtik.gdpr import SUPPRESSIONS_KEY

    resources = {**build_resources(settings), **resource_overrides}
    fairguest = [a for a in fairguest_defs.assets if a.key.path[0] == "landing"] if with_fairguest else []
    nurtik = [a for a in nurtik_defs.assets if a.key != SUPPRESSIONS_KEY] if with_nurtik else []
    return dg.materialize(
        [
            *sit_defs.assets,
            *sit_defs.asset_checks,
            *fairguest,
            *nurtik,
            *dbt_defs.assets,
            *opendata_defs.assets,
            *opendata_defs.asset_checks,
            *serving_defs.assets,
            *serving_defs.asset_checks,
        ],
        resources=resources,
        run_config={"ops": {"t82_dbt_models": {"config": {"as_of_date": AS_OF_DATE}}}},
        instance=instance,
        raise_on_error=False,
    )


def query(settings, sql: str) -> list[tuple]:
    with WarehouseLocation.of(settings).connect() as con:
        return con.sql(sql).fetchall()


def query_dicts(settings, sql: str) -> list[dict]:
    with WarehouseLocation.of(settings).connect() as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {
        f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}": e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def run_fluxvision(
    settings, instance: dg.DagsterInstance
) -> tuple[list[dg.ExecuteInProcessResult], dg.ExecuteInProcessResult]:
    """What the Flux Vision sensors do: every file of the drop folder landed as its own partition
    (oldest first), then one refresh of the marts and reports."""
    from t82_pipeline.defs.fluxvision.assets import DELIVERIES, LANDING_KEY
    from t82_pipeline.defs.fluxvision.definitions import defs as fluxvision_defs
    from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS, delivery_key

    resources = build_resources(settings)
    drop = settings.fluxvision_drop_dir
    keys = [
        delivery_key(p)
        for p in sorted((p for pat in DELIVERY_PATTERNS for p in drop.glob(pat)), key=lambda p: p.stat().st_mtime)
    ]
    instance.add_dynamic_partitions(
        DELIVERIES.name, [k for k in keys if not instance.has_dynamic_partition(DELIVERIES.name, k)]
    )
    landing = [a for a in fluxvision_defs.assets if a.key == LANDING_KEY]
    landed = [
        dg.materialize(landing, partition_key=k, instance=instance, resources=resources, raise_on_error=False)
        for k in keys
    ]
    refresh = dg.materialize(
        [*dbt_defs.assets, *fluxvision_defs.assets],
        instance=instance,
        resources=resources,
        raise_on_error=False,
        selection=dg.AssetSelection.assets(LANDING_KEY).downstream(include_self=False)
        | dg.AssetSelection.groups("reference"),
    )
    return landed, refresh


def run_nurtik(
    settings, instance: dg.DagsterInstance, suppression_config: dict | None = None
) -> dg.ExecuteInProcessResult:
    """Nurtik landing (or a GDPR job when ``suppression_config`` is given), then everything
    downstream of it: dbt models and segment exports."""
    from t82_pipeline.defs.nurtik.definitions import defs as nurtik_defs

    resources = build_resources(settings)
    if suppression_config is None:
        start = dg.AssetSelection.assets(["landing", "nurtik_api"], ["landing", "nurtik_exports"])
        run_config = {}
    else:
        start = dg.AssetSelection.assets(["landing", "nurtik_suppressions"])
        run_config = {"landing__nurtik_suppressions": {"config": suppression_config}}
    return dg.materialize(
        [*dbt_defs.assets, *nurtik_defs.assets],
        instance=instance,
        resources=resources,
        raise_on_error=False,
        selection=start.downstream()
        | dg.AssetSelection.groups("reference")
        | dg.AssetSelection.assets(["staging", "stg_nurtik__suppressions"]),
        run_config={"ops": {**run_config, "t82_dbt_models": {"config": {"as_of_date": AS_OF_DATE}}}},
    )


def undeclared_columns(settings) -> list[str]:
    """Columns a built model outputs and its YAML does not declare (or the reverse), for every
    model present in the warehouse: each declares exactly what it outputs."""
    manifest = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text())
    with WarehouseLocation.of(settings).connect() as con:
        built: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database()"
        ).fetchall():
            built.setdefault((schema, table), []).append(column)
    problems = []
    for node in manifest["nodes"].values():
        output = built.get((node["schema"], node["alias"]))
        if node["resource_type"] != "model" or output is None:
            continue
        declared = set(node["columns"])
        problems += [f"{node['name']}.{c} declared, not output" for c in declared - set(output)]
        problems += [f"{node['name']}.{c} output, not declared" for c in set(output) - declared]
    return sorted(problems)
