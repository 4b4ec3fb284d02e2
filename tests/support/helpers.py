"""Running nights with the project's own Definitions on test settings, and reading the result."""

import json

import dagster as dg

from t82_pipeline.lib.in_process import Runs, run_job
from t82_pipeline.lib.warehouse import WarehouseLocation
from tests.conftest import REPO

SIT_LANDING = [dg.AssetKey(["landing", n]) for n in ("apidae_api_objects", "apidae_export_objects", "tif_xml_objects")]
OFFERS = [dg.AssetKey(["marts", "offers"])]


def night(
    settings,
    instance: dg.DagsterInstance | None = None,
    job: str = "nightly",
    after: Runs | None = None,
    select: list[dg.AssetKey] | None = None,
    upto: list[dg.AssetKey] | None = None,
) -> Runs:
    """A job (the nightly by default) and what automation builds after it, as production runs
    them, in this process; the same instance, and the night ``after`` which this one comes,
    carry the history from one night to the next. ``upto``: the automation builds these
    assets and what they read, nothing after them (a test that reads one model)."""
    from t82_pipeline.definitions import build_definitions

    defs = build_definitions(settings)
    within = dg.AssetSelection.assets(*upto).upstream().resolve(defs.get_repository_def().asset_graph) if upto else None
    runs = Runs(cursor=after.cursor) if after else None
    return run_job(defs, instance or dg.DagsterInstance.ephemeral(), job, runs=runs, select=select, within=within)


def materialize(
    settings, selection: dg.AssetSelection, instance: dg.DagsterInstance | None = None
) -> dg.ExecuteInProcessResult:
    """These assets built in one run with the project's Definitions, as "Materialize" in the UI."""
    from t82_pipeline.definitions import build_definitions

    defs = build_definitions(settings)
    keys = list(selection.resolve(defs.get_repository_def().asset_graph))
    return defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), asset_selection=keys, raise_on_error=False
    )


def query(settings, sql: str, params: list | None = None) -> list[tuple]:
    with WarehouseLocation.of(settings).connect() as con:
        return con.execute(sql, params).fetchall() if params else con.sql(sql).fetchall()


def query_dicts(settings, sql: str) -> list[dict]:
    with WarehouseLocation.of(settings).connect() as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def check_results(result: dg.ExecuteInProcessResult | Runs) -> dict[str, bool]:
    """check key → passed, the last evaluation of each in the run(s)."""
    return {
        f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}": e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


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
