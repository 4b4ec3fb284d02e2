"""What `t82 demo` prints of each run the daemon ran: one line per step (what it produced, how
long, its outcome); Dagster's full event log goes to a file, and a failure says which step, why,
and where that is."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import dagster as dg

# Metadata that tells, in one figure, what a step produced (first found wins).
VOLUME_KEYS = (
    "rows",
    "new_batches",
    "new_reviews",
    "contacts",
    "reports_written",
    "pages_written",
    "sent",
    "files_rows_per_ot",
    "people_rows",
    "published",
)


def _value(entry: object) -> object:
    return getattr(entry, "value", entry)


def _volume(materializations: list[dg.AssetMaterialization]) -> str:
    parts = [f"{len(materializations)} asset{'s' if len(materializations) != 1 else ''}"] if materializations else []
    for key in VOLUME_KEYS:
        values = [_value(m.metadata[key]) for m in materializations if key in m.metadata]
        numbers = [sum(v.values()) if isinstance(v, dict) else v for v in values]
        numbers = [n for n in numbers if isinstance(n, int | float) and not isinstance(n, bool)]
        if numbers:
            parts.append(f"{key.replace('_', ' ')} {int(sum(numbers))}")
            break
    failed_pulls = [
        _value(m.metadata["error"]) for m in materializations if _value(m.metadata.get("pull_status")) == "failed"
    ]
    if failed_pulls:
        parts.append("source failed, last good state kept")
    return ", ".join(parts)


def step_lines(events: Iterable[dg.DagsterEvent]) -> tuple[list[str], list[str]]:
    """The step lines, and the errors of failed steps."""
    order: list[str] = []
    outcome: dict[str, str] = {}
    seconds: dict[str, float] = {}
    produced: dict[str, list] = {}
    warned: dict[str, int] = {}
    errors: list[str] = []
    for event in events:
        step = event.step_key
        if not step:
            continue
        if step not in order:
            order.append(step)
        kind = event.event_type_value
        if kind == "STEP_SUCCESS":
            outcome[step], seconds[step] = "ok", event.event_specific_data.duration_ms / 1000
        elif kind == "STEP_FAILURE":
            outcome[step] = "FAILED"
            error = event.event_specific_data.error
            while error.cause is not None:
                error = error.cause
            errors.append(f"{step}: {error.message.strip()}")
        elif kind == "STEP_SKIPPED":
            outcome[step] = "skipped"
        elif kind == "ASSET_MATERIALIZATION":
            produced.setdefault(step, []).append(event.event_specific_data.materialization)
        elif kind == "ASSET_CHECK_EVALUATION" and not event.asset_check_evaluation_data.passed:
            warned[step] = warned.get(step, 0) + 1
    lines = []
    for step in order:
        what = _volume(produced.get(step, []))
        if warned.get(step):
            what += f"{', ' if what else ''}{warned[step]} check(s) failed"
        took = f"{seconds[step]:6.1f} s" if step in seconds else ""
        lines.append(f"  {outcome.get(step, '?'):8} {step:48.48} {what:52.52} {took}")
    return lines, errors


def run_title(run: dg.DagsterRun) -> str:
    """The job, its partition, and what launched it (a sensor, a schedule, or `t82 demo` itself)."""
    partition = run.tags.get("dagster/partition")
    by = run.tags.get("dagster/sensor_name") or run.tags.get("dagster/schedule_name") or "t82 demo"
    return f"{run.job_name}{' ' + partition if partition else ''} (launched by {by})"


class RunReporter:
    """Prints each finished run's steps and appends its full event log to one file."""

    def __init__(self, log_dir: Path):
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"demo-{datetime.now():%Y%m%d-%H%M%S}.log"

    def report(self, run: dg.DagsterRun, instance: dg.DagsterInstance) -> bool:
        entries = instance.all_logs(run.run_id)
        self._write_log(run, entries)
        lines, errors = step_lines(e.dagster_event for e in entries if e.dagster_event)
        succeeded = run.status == dg.DagsterRunStatus.SUCCESS
        print(f"\n{run_title(run)} — {'ok' if succeeded else run.status.value} (run {run.run_id[:8]})")
        print("\n".join(lines))
        for error in errors:
            print(f"  error in {error}")
        if not succeeded:
            print(f"  full event log: {self.log_path}")
        return succeeded

    def _write_log(self, run: dg.DagsterRun, entries) -> None:
        with open(self.log_path, "a", encoding="utf-8") as out:
            out.write(f"===== {run_title(run)} run {run.run_id}\n")
            for entry in entries:
                stamp = datetime.fromtimestamp(entry.timestamp).isoformat(timespec="seconds")
                kind = entry.dagster_event.event_type_value if entry.dagster_event else "LOG"
                out.write(
                    f"{stamp} {logging.getLevelName(entry.level):>7} {entry.step_key or '-'} {kind} "
                    f"{entry.user_message}\n"
                )
