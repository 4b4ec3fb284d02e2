"""The code location loads, and its asset graph does not change by accident."""

import json
import time

import dagster as dg

from t82_pipeline.definitions import defs
from t82_pipeline.defs.sit.sensors import sit_drop_folder_sensor
from t82_pipeline.lib.resources import DropFolderResource


def test_asset_graph_snapshot(snapshot):
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    assert {
        "assets": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
        "checks": sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys),
        "jobs": sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__")),
        "schedules": sorted((s.name, s.cron_schedule) for s in repo.schedule_defs),
        "sensors": sorted(s.name for s in repo.sensor_defs),
    } == snapshot


def test_lineage_runs_from_landing_to_marts():
    graph = defs.get_repository_def().asset_graph
    upstream = graph.get(dg.AssetKey(["marts", "ot_offer_quality"])).parent_keys
    assert dg.AssetKey(["marts", "offer_quality_scores"]) in upstream
    ancestors = dg.AssetSelection.assets(["marts", "offers"]).upstream().resolve(graph)
    assert {
        dg.AssetKey(["landing", "apidae_api_objects"]),
        dg.AssetKey(["landing", "apidae_export_objects"]),
        dg.AssetKey(["landing", "tif_xml_objects"]),
        dg.AssetKey(["reference", "communes_82"]),
    } <= ancestors


def job_assets(name: str) -> set[str]:
    return {k.to_user_string() for k in defs.resolve_job_def(name).asset_layer.asset_graph.executable_asset_keys}


def test_the_nightly_job_lands_the_sources_and_automation_builds_the_rest():
    """The night pulls every source and drop folder; what reads a landing that changed follows
    (lib/automation.py). Erasure requests land when one is dropped; reports are monthly."""
    assert job_assets("nightly") == {
        "landing/fluxvision_deliveries",
        "landing/apidae_api_objects",
        "landing/apidae_export_objects",
        "landing/tif_xml_objects",
        "landing/datatourisme_download",
        "landing/fairguest_api",
        "landing/fairguest_exports",
        "landing/nurtik_api",
        "landing/nurtik_exports",
    }
    graph = defs.get_repository_def().asset_graph
    automated = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).automation_condition}
    assert {"marts/offers", "publish/datatourisme_feed", "serving/ot_marts", "marts/fluxvision_monthly"} <= automated
    assert not {k for k in automated if k.startswith(("landing/", "reports/fairguest"))}


def test_a_dropped_sit_file_lands_only_the_sit_drop_folders():
    assert job_assets("sit_drop_job") == {"landing/apidae_export_objects", "landing/tif_xml_objects"}


def test_every_asset_is_described_grouped_and_owned():
    graph = defs.get_repository_def().asset_graph
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and node.group_name and node.owners, key.to_user_string()


DOMAINS = {"sit", "fairguest", "fluxvision", "nurtik", "opendata", "serving", "reference"}
LAYERS = {"landing", "staging", "intermediate", "marts", "reference", "publish", "reports", "serving"}


def test_groups_are_domains_and_keys_start_with_their_layer():
    graph = defs.get_repository_def().asset_graph
    keys = graph.get_all_asset_keys()
    assert {graph.get(k).group_name for k in keys} == DOMAINS
    assert {k.path[0] for k in keys} <= LAYERS and all(len(k.path) == 2 for k in keys)
    fairguest = {k.to_user_string() for k in keys if graph.get(k).group_name == "fairguest"}
    assert {
        "landing/fairguest_api",
        "staging/stg_fairguest__reviews",
        "marts/ot_ereputation",
        "reports/fairguest_provider_reports",
    } <= fairguest


def test_every_check_says_what_it_checks_and_seeds_show_no_sql():
    graph = defs.get_repository_def().asset_graph
    undescribed = [str(k) for k in graph.asset_check_keys if not graph.get_check_spec(k).description]
    assert not undescribed
    [unique] = [k for k in graph.asset_check_keys if k.name == "unique_offers_offer_key"]
    assert graph.get_check_spec(unique).description == "`offer_key` is unique: no two rows share a value."
    assert "Raw SQL" not in graph.get(dg.AssetKey(["reference", "communes_82"])).description


def test_personal_data_models_are_tagged():
    graph = defs.get_repository_def().asset_graph
    assert "personal_data" in graph.get(dg.AssetKey(["staging", "stg_nurtik__contacts"])).tags
    assert "personal_data" not in graph.get(dg.AssetKey(["marts", "ot_newsletter_audience"])).tags


def test_every_job_runs_in_one_process():
    """Under the daemon a step in its own process re-imports the code location (10–35 s)."""
    assert {j.executor_def.name for j in defs.get_repository_def().get_all_jobs()} == {"in_process"}


def test_dbt_is_the_only_warehouse_writer_and_uses_the_pool():
    graph = defs.get_repository_def().asset_graph
    assert graph.get(dg.AssetKey(["marts", "offers"])).pools == {"duckdb_warehouse"}


POOLS_SCRIPT = (
    "import json\n"
    "from t82_pipeline.definitions import defs\n"
    "graph = defs.get_repository_def().asset_graph\n"
    "print(json.dumps({k.to_user_string(): graph.assets_def_for_key(k).op.pool\n"
    "                  for k in graph.get_all_asset_keys() if graph.get(k).is_executable}))\n"
)


def asset_pools(tmp_path, **env) -> dict[str, str | None]:
    """The pool of each asset's op, as a fresh code location with that environment gives it."""
    import subprocess
    import sys

    from t82_pipeline.lib.settings import REPO_ROOT

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "T82_DATA_DIR": str(tmp_path), **env}
    done = subprocess.run(
        [sys.executable, "-c", POOLS_SCRIPT], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_what_reads_the_warehouse_queues_in_its_pool():
    """While a run's dbt writes, DuckDB refuses even readers: serving, the feed and their checks
    (same op) wait their turn; the night's landings never touch the warehouse and never wait."""
    graph = defs.get_repository_def().asset_graph  # this process: the DuckDB file (the default)
    pools = {
        k.to_user_string(): graph.assets_def_for_key(k).op.pool
        for k in graph.get_all_asset_keys()
        if graph.get(k).is_executable
    }
    for reader in ("serving/ot_marts", "publish/datatourisme_feed", "marts/offers"):
        assert pools[reader] == "duckdb_warehouse", reader
    assert {pools[k] for k in job_assets("nightly")} == {None}


def test_on_a_ducklake_only_dbt_queues_in_the_warehouse_pool(tmp_path):
    """DuckLake readers see the last commit while dbt writes: they no longer wait for it."""
    pools = asset_pools(
        tmp_path,
        T82_WAREHOUSE="ducklake",
        T82_DUCKLAKE_CATALOG="postgres:host=127.0.0.1 port=1 dbname=lake",  # never opened to load
    )
    assert pools.pop("marts/offers") == "duckdb_warehouse"
    assert "serving/ot_marts" in pools
    assert {pools[k] for k in pools if not k.startswith(("marts/", "staging/", "intermediate/", "reference/"))} == {
        None
    }


def sit_drop_tick(instance, resources, cursor=None) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, resources=resources, cursor=cursor) as context:
        return sit_drop_folder_sensor(context)


@dg.op
def _lands():
    pass


@dg.job(name="nightly")
def _a_nightly():
    _lands()


def test_the_drop_sensor_requests_one_run_per_new_file_set_and_none_for_the_nightlys(tmp_path):
    """A file the nightly already saw is no news; while a nightly is queued or going, the sensor waits."""
    drop_zip, drop_xml = tmp_path / "zip", tmp_path / "xml"
    drop_zip.mkdir()
    drop_xml.mkdir()
    resources = {
        "apidae_export_drop": DropFolderResource(path=str(drop_zip), settle_seconds=0),
        "tif_drop": DropFolderResource(path=str(drop_xml), settle_seconds=0),
    }
    with dg.instance_for_test() as instance:
        assert sit_drop_tick(instance, resources).run_requests == []
        (drop_zip / "export-1.zip").write_bytes(b"zip")
        result = sit_drop_tick(instance, resources)
        assert len(result.run_requests) == 1
        assert sit_drop_tick(instance, resources, result.cursor).run_requests == []  # already asked for

        (drop_xml / "constellation.xml").write_bytes(b"<listeOI/>")
        going = instance.add_run(dg.DagsterRun(job_name="nightly", status=dg.DagsterRunStatus.STARTED))
        assert sit_drop_tick(instance, resources, result.cursor).skip_reason.skip_message.startswith("a run that lands")
        instance.delete_run(going.run_id)
        time.sleep(0.05)  # the nightly starts after the file settled: it lands it
        _a_nightly.execute_in_process(instance=instance)
        assert sit_drop_tick(instance, resources, result.cursor).run_requests == []


def test_code_location_loads_as_the_ui_loads_it():
    """`dagster dev` / the webserver load the workspace through Dagster's own loader."""
    import subprocess
    import sys
    from pathlib import Path

    from t82_pipeline.lib.settings import REPO_ROOT

    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_code_location_loads_under_dagster_dev_without_the_venv_on_path_and_without_parsing_dbt(tmp_path):
    """`dagster dev` sets DAGSTER_IS_DEV_CLI; the venv need not be activated; dbt is never parsed."""
    import subprocess
    import sys

    from t82_pipeline.defs.dbt.project import dbt_project
    from t82_pipeline.lib.settings import REPO_ROOT

    manifest = dbt_project().manifest_path
    before = manifest.stat().st_mtime_ns
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DAGSTER_IS_DEV_CLI": "1", "T82_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "import t82_pipeline.definitions"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert manifest.stat().st_mtime_ns == before  # not re-parsed, not rewritten


def test_no_automated_asset_drags_its_checks_alone_into_a_run():
    """Dagster adds a check that must run with its asset to an automation run's check selection,
    which then holds only those checks: the dbt tests of the models in the same run would not
    run. Automated assets keep their checks optional (subsettable, or separate check ops)."""
    graph = defs.get_repository_def().asset_graph
    for key in graph.get_all_asset_keys():
        if graph.get(key).automation_condition is not None:
            companions = graph.get_execution_set_asset_and_check_keys(key)
            assert not [c for c in companions if isinstance(c, dg.AssetCheckKey)], key.to_user_string()
