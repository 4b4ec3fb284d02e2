"""The dbt project as Dagster assets. Which models a run builds is Dagster's choice (the
automation of lib/automation.py, or a selection in the UI): dagster-dbt turns it into
``dbt build --select``. Every model built is tested in the same run (its checks)."""

import json
import os
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
from dagster_dbt import dbt_assets

from t82_pipeline.defs.dbt.project import dbt_project, prepared_manifest
from t82_pipeline.defs.dbt.resources import T82DbtCliResource
from t82_pipeline.defs.dbt.translator import T82DbtTranslator
from t82_pipeline.lib.resources import WAREHOUSE_POOL  # dbt is the only writer of the warehouse

KEPT_RUN_FOLDERS = 20  # dbt's logs and artifacts of the last runs, for debugging


class DbtBuildConfig(dg.Config):
    as_of_date: str | None = None  # quality freshness reference; None: T82_AS_OF_DATE, else today
    # Rebuild incremental models whole (a landing rewritten by GDPR, or a fix to replay).
    full_refresh: bool = False
    # GDPR erasure: on a DuckLake, drop every snapshot but the new one, and the files they used.
    purge_history: bool = False


def tests_reading_other_models(manifest: Path | dict) -> frozenset[str]:
    """The tests that read a node besides the one they check (relationships: a mart's key against
    the SIT's offers, a seed against another seed)."""
    nodes = (json.loads(manifest.read_text(encoding="utf-8")) if isinstance(manifest, Path) else manifest)["nodes"]
    return frozenset(
        node["name"]
        for node in nodes.values()
        if node["resource_type"] == "test" and len(set(node["depends_on"]["nodes"])) > 1
    )


def dbt_models(manifest: Path | dict) -> dg.AssetsDefinition:
    """Every model, seed and test of a dbt manifest as assets and checks."""
    cross_model_tests = tests_reading_other_models(manifest)

    @dbt_assets(
        manifest=manifest, project=dbt_project(), dagster_dbt_translator=T82DbtTranslator(), pool=WAREHOUSE_POOL
    )
    def t82_dbt_models(context: dg.AssetExecutionContext, dbt: T82DbtCliResource, config: DbtBuildConfig):
        as_of = config.as_of_date or dbt.as_of_date or None
        if as_of is not None:
            date.fromisoformat(as_of)  # it reaches SQL: a date, or the run stops here
        dbt_vars = {"as_of_date": as_of, "purge_history": config.purge_history}
        # "buildable": a model's tests run with it, never the test of a model this run leaves alone.
        # Unit tests run in the test suite, not at night: an incremental model's reads `this`, which a
        # first night has not built yet (tests/integration/defs/dbt/test_unit_tests.py).
        args = ["build", "--indirect-selection", "buildable", "--exclude-resource-type", "unit_test"]
        args += ["--vars", json.dumps(dbt_vars)]
        # A test that also reads a model not rebuilt in this run (Fairguest's summary against the
        # SIT's offers, as they stand) is one of the checks Dagster asked for: "buildable" would
        # skip it, so it is selected by name.
        asked = sorted(k.name for k in context.selected_asset_check_keys if k.name in cross_model_tests)
        if asked:
            args += ["--select", " ".join(asked)]
        if config.full_refresh:
            args.append("--full-refresh")
        invocation = dbt.cli(args, context=context)
        yield from invocation.stream()
        keep_parse_cache(invocation.target_path, context.log)

    return t82_dbt_models


t82_dbt_models = dbt_models(prepared_manifest())


def keep_parse_cache(run_target: Path, log) -> None:
    """dagster-dbt gives each run its own target folder, seeded with the project's parse cache. A
    cache made at install time with another warehouse path or other vars is invalid at run time,
    and dbt re-parses the whole project every night (seconds). Keeping the last run's cache makes
    the next run's parse partial; old run folders are pruned."""
    target = Path(dbt_project().project_dir) / "target"
    try:
        fresh = run_target / "partial_parse.msgpack"
        if fresh.exists():
            tmp = target / f".partial_parse.{os.getpid()}.msgpack"
            shutil.copyfile(fresh, tmp)
            os.replace(tmp, target / "partial_parse.msgpack")
        runs = sorted(target.glob("t82_dbt_models-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in runs[KEPT_RUN_FOLDERS:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:  # a read-only image: runs still work, they just parse in full
        log.warning(f"dbt parse cache not kept: {exc}")
