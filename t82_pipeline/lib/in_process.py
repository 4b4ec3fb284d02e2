"""Nights in one process, as production's daemon runs them: a job (the nightly, a drop folder's),
then every run Dagster's automation asks for, until it asks for nothing. The tests and the
benchmark run them this way (the same jobs, the same automation conditions, one process);
production and ``t82 demo`` run them with dagster-daemon."""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

NIGHTLY = "nightly"


@dataclass
class Runs:
    """The runs of a night, in order, and the automation's cursor for the next evaluation."""

    results: list[dg.ExecuteInProcessResult] = field(default_factory=list)
    cursor: object = None

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def materialized(self) -> set[dg.AssetKey]:
        return {
            e.asset_key
            for r in self.results
            for e in r.all_events
            if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        }

    @property
    def all_events(self) -> list[dg.DagsterEvent]:
        return [e for r in self.results for e in r.all_events]


def automate(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    runs: Runs | None = None,
    rounds: int = 6,
    within: set[dg.AssetKey] | None = None,
) -> Runs:
    """Evaluates the automation conditions and runs what they request, until nothing is requested
    (``within``: only those of these assets, for a test that reads a few models)."""
    runs = runs or Runs()
    job = defs.resolve_implicit_global_asset_job_def()
    for _ in range(rounds):
        evaluation = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=runs.cursor)
        runs.cursor = evaluation.cursor
        requested = sorted(
            {r.key for r in evaluation.results if isinstance(r.key, dg.AssetKey) and r.true_subset.size > 0},
            key=lambda k: k.to_user_string(),
        )
        if within is not None:
            requested = [k for k in requested if k in within]
        if not requested:
            return runs
        runs.results.append(job.execute_in_process(instance=instance, asset_selection=requested, raise_on_error=False))
    raise RuntimeError(f"automation still requests runs after {rounds} rounds: a loop?")


def run_job(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job_name: str = NIGHTLY,
    runs: Runs | None = None,
    run_config: dict | None = None,
    select: list[dg.AssetKey] | None = None,
    within: set[dg.AssetKey] | None = None,
) -> Runs:
    """A job (the nightly by default; ``select``: only these of its assets), then what the
    automation builds after it (``within``: only those of these assets)."""
    runs = runs or Runs()
    if runs.cursor is None:  # the automation's first look: what exists before tonight
        runs.cursor = dg.evaluate_automation_conditions(defs=defs, instance=instance).cursor
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance, run_config=run_config, asset_selection=select, raise_on_error=False
    )
    runs.results.append(result)
    return automate(defs, instance, runs, within=within)
