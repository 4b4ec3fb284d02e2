"""Landing assets, written once for every source: a drop folder's and an API pull's.

A landing asset materializes when it lands a new batch, and what reads it then updates (Dagster's
automation). A run that finds nothing new records an observation saying so; a pull that fails
records its failed check (``source_pull_succeeded``) and an observation: neither rebuilds
anything downstream, and the last good landing stays what the warehouse is built from."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.drop import drop_check_spec, land_drop_folder
from t82_pipeline.lib.landing import Landed, LandedBatch
from t82_pipeline.lib.source_pull import pull_check_spec, pull_or_keep_last

OWNERS = ["team:data"]


# The checks a source adds, given its new batches (none: nothing new, or the pull failed).
BatchChecks = Callable[[dg.AssetExecutionContext, list[LandedBatch]], list[dg.AssetCheckResult]]


def _batch_metadata(landed: Landed) -> dict:
    new = landed.new
    return {
        "new_batches": len(new),
        "batch_ids": ", ".join(b.batch_id for b in new) or "none",
        "rows": sum(b.manifest.get("record_count", 0) for b in new),
        "quarantined": sum(b.manifest.get("quarantined", 0) for b in new),
    }


def _record(
    context: dg.AssetExecutionContext, landed: Landed, checks: BatchChecks | None
) -> Iterator[dg.MaterializeResult | dg.AssetObservation | dg.AssetCheckResult]:
    metadata = {**_batch_metadata(landed), **landed.metadata}
    for batch in landed.new:
        for q in batch.quarantined:
            context.log.warning(f"[{batch.source}] quarantined {q['record']}: {q['reason']}")
    if landed.new:
        yield dg.MaterializeResult(metadata=metadata)
    else:
        yield dg.AssetObservation(asset_key=context.asset_key, metadata={**metadata, "nothing_new": True})
    yield from landed.check_results
    if checks is not None:
        yield from checks(context, landed.new)


def _landing_asset(
    key: dg.AssetKey,
    group: str,
    kinds: set[str],
    description: str,
    resources: set[str],
    check_specs: list[dg.AssetCheckSpec],
    **extra,
):
    """What every landing asset declares: it may record no output (nothing new), needs the
    landing zone, and owns its checks."""
    return dg.asset(
        key=key,
        group_name=group,
        owners=OWNERS,
        kinds=kinds,
        description=description,
        output_required=False,
        required_resource_keys={"landing", *resources},
        check_specs=check_specs,
        **extra,
    )


def drop_folder_landing(
    name: str,
    *,
    group: str,
    folder: str,
    patterns: Sequence[str],
    land: Callable[[dg.AssetExecutionContext, Path, dict[str, list[str]]], LandedBatch],
    description: str,
    kinds: set[str],
    resources: Sequence[str] = (),
    check_specs: Sequence[dg.AssetCheckSpec] = (),
    checks: BatchChecks | None = None,
    notes: Sequence[str] = (),
    deps: Sequence[dg.AssetKey] = (),
) -> dg.AssetsDefinition:
    """Lands every settled file of the drop folder resource ``folder`` with ``land``; a file that
    raises is rejected by name (check ``all_drop_files_loaded``) and the others land. ``land`` may
    add lines to the ``notes`` it is handed, reported as metadata (one entry per name)."""
    key = dg.AssetKey(["landing", name])

    @_landing_asset(
        key, group, kinds, description, {folder, *resources}, [drop_check_spec(key.path), *check_specs], deps=deps
    )
    def _landing(context):
        said: dict[str, list[str]] = {name: [] for name in notes}
        drop = land_drop_folder(context, getattr(context.resources, folder), patterns, lambda p: land(context, p, said))
        metadata = {**drop.metadata, **{name: "\n".join(lines) or "none" for name, lines in said.items()}}
        yield from _record(context, Landed(drop.batches, metadata, [drop.check]), checks)

    return _landing


def api_landing(
    name: str,
    *,
    group: str,
    source: str,
    pull: Callable[[dg.AssetExecutionContext], Landed],
    description: str,
    kinds: set[str],
    resources: Sequence[str] = (),
    check_specs: Sequence[dg.AssetCheckSpec] = (),
    checks: BatchChecks | None = None,
    config_schema: type[dg.Config] | None = None,
) -> dg.AssetsDefinition:
    """Pulls a source's API with ``pull``; a pull that fails after its retries is recorded (check
    ``source_pull_succeeded``) and the night goes on with the last good landing."""
    key = dg.AssetKey(["landing", name])

    @_landing_asset(
        key,
        group,
        kinds,
        description,
        set(resources),
        [pull_check_spec(key.path), *check_specs],
        config_schema=config_schema.to_config_schema() if config_schema else None,
    )
    def _landing(context):
        yield from _record(context, pull_or_keep_last(context, source, pull), checks)

    return _landing
