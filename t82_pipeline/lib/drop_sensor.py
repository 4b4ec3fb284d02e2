"""One sensor mechanism for the drop folders: when a file appears (or is replaced) and has
settled, one run of the landing job lands every new file. The nightly lands the drop folders
too: while a run that lands them is queued or going the sensor waits, and a file that was already
there, settled, when the last such run started is that run's, not news (no second run for it)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg

UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def signature(path: Path) -> str:
    """A file as the sensor remembers it: name, size and modification time (a replaced file is new)."""
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _landing_runs(instance: dg.DagsterInstance, jobs: Sequence[str]) -> tuple[bool, float]:
    """Whether a run of ``jobs`` is queued or going, and when the last successful one started."""
    going, last_start = False, 0.0
    for job in jobs:
        going = going or bool(instance.get_run_records(dg.RunsFilter(job_name=job, statuses=UNFINISHED), limit=1))
        done = instance.get_run_records(dg.RunsFilter(job_name=job, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1)
        if done and done[0].start_time:
            last_start = max(last_start, done[0].start_time)
    return going, last_start


def drop_folder_sensor(
    name: str,
    job: dg.UnresolvedAssetJobDefinition,
    folders: Mapping[str, Sequence[str]],
    also_landed_by: Sequence[str] = ("nightly",),
) -> dg.SensorDefinition:
    """``folders``: drop folder resource key → file patterns; ``also_landed_by``: the other jobs
    that land these folders. The cursor holds the signatures of the files already asked for."""

    @dg.sensor(
        name=name,
        job=job,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        required_resource_keys=set(folders),
        description=f"Lands the files dropped in {', '.join(folders)} once they settled, all in one run.",
    )
    def _sensor(context, **_resources):  # direct invocation (tests) passes the resources too
        going, last_start = _landing_runs(context.instance, [job.name, *also_landed_by])
        if going:
            return dg.SensorResult(skip_reason="a run that lands these folders is queued or going")
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        fresh: set[str] = set()
        present: set[str] = set()
        for resource_key, patterns in folders.items():
            folder = getattr(context.resources, resource_key)
            found = [p for pattern in patterns for p in folder.files(pattern) if not p.is_symlink()]
            ready, _ = folder.settled(found)  # a copy in progress waits for the next tick
            present |= {signature(p) for p in ready}
            # Settled before the last landing run started: that run saw it.
            news = [p for p in ready if p.stat().st_mtime > last_start - folder.settle_seconds]
            fresh |= {signature(p) for p in news} - seen
        if not fresh:
            return dg.SensorResult(skip_reason="no new settled file in the drop folders")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=max(fresh), tags={"t82/new_files": str(len(fresh))})],
            cursor=json.dumps(sorted((seen & present) | fresh)),  # files gone are forgotten
        )

    return _sensor
