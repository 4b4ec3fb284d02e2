import json
import os
import shutil
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dbt import dbt_assets

from t82_pipeline.defs.dbt.project import dbt_project, prepared_manifest
from t82_pipeline.defs.dbt.resources import T82DbtCliResource
from t82_pipeline.defs.dbt.selection import plan_build, record_build
from t82_pipeline.defs.dbt.translator import T82DbtTranslator
from t82_pipeline.lib.resources import WAREHOUSE_POOL  # dbt is the only writer of the warehouse

KEPT_RUN_FOLDERS = 20  # dbt's logs and artifacts of the last runs, for debugging


class DbtBuildConfig(dg.Config):
    as_of_date: str | None = None  # quality freshness reference; None = today
    full_refresh: bool = False
    full_build: bool = False  # build every selected node, not only what new batches touch
    # GDPR erasure: on a DuckLake, drop every snapshot but the new one, and the files they used.
    purge_history: bool = False


@dbt_assets(
    manifest=prepared_manifest(),
    project=dbt_project(),
    dagster_dbt_translator=T82DbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def t82_dbt_models(context: dg.AssetExecutionContext, dbt: T82DbtCliResource, config: DbtBuildConfig):
    # Cautious: a subset (e.g. the Flux Vision refresh) runs only tests whose every parent it
    # builds, not a seed's tests that also read models outside the subset.
    dbt_vars = {"as_of_date": config.as_of_date, "purge_history": config.purge_history}
    args = ["build", "--indirect-selection", "cautious", "--vars", json.dumps(dbt_vars)]
    if config.full_refresh:
        args.append("--full-refresh")
    manifest = _manifest()
    translator = T82DbtTranslator()
    key_of = {uid: translator.get_asset_key(n) for uid, n in manifest["nodes"].items() if n["resource_type"] != "test"}
    selected = {uid for uid, key in key_of.items() if key in context.selected_asset_keys}
    plan = (
        plan_build(
            manifest,
            Path(dbt.landing_dir),
            Path(dbt.build_record_path),
            Path(dbt.warehouse_marker),
            config.full_build or config.full_refresh,
        )
        if dbt.build_record_path
        else None
    )
    kept = [uid for uid in plan.excluded if uid in selected] if plan else []
    if plan:
        context.log.info(
            f"[dbt] {'full build' if plan.full else 'selective build'}: {plan.reason}; {len(kept)} model(s) kept as they are"
        )
    if kept:
        args += ["--exclude", " ".join(manifest["nodes"][uid]["name"] for uid in kept)]  # one value: dbt splits it
    # Models kept tonight are reported first, as they stand (their last good state): what reads
    # them (the models built tonight, serving, the feed, reports) runs as usual.
    for uid in kept:
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key_of[uid]),
            metadata={"rebuilt": False, "kept_because": plan.reason},
        )
    invocation = dbt.cli(args, context=context)
    yield from invocation.stream()
    if plan and invocation.is_successful():
        record_build(Path(dbt.build_record_path), Path(dbt.warehouse_marker), manifest, plan, selected - set(kept))
    keep_parse_cache(invocation.target_path, context.log)


@cache
def _manifest() -> dict:
    return json.loads(Path(prepared_manifest()).read_text(encoding="utf-8"))


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
