"""One sensor mechanism for the drop folders: when a file appears (or is replaced) and has
settled, one run of the landing job lands every new file. Landing is idempotent: a file the
nightly already landed lands nothing again, so nothing downstream rebuilds twice."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg


def signature(path: Path) -> str:
    """A file as the sensor remembers it: name, size and modification time (a replaced file is new)."""
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def drop_folder_sensor(
    name: str, job: dg.UnresolvedAssetJobDefinition, folders: Mapping[str, Sequence[str]]
) -> dg.SensorDefinition:
    """``folders``: drop folder resource key → file patterns. The sensor's cursor holds the
    signatures of the files it already asked to land."""

    @dg.sensor(
        name=name,
        job=job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        required_resource_keys=set(folders),
        description=f"Lands the files dropped in {', '.join(folders)} once they settled, all in one run.",
    )
    def _sensor(context, **_resources):  # direct invocation (tests) passes the resources too
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        fresh: set[str] = set()
        for resource_key, patterns in folders.items():
            folder = getattr(context.resources, resource_key)
            found = [p for pattern in patterns for p in folder.files(pattern) if not p.is_symlink()]
            ready, _ = folder.settled(found)  # a copy in progress waits for the next tick
            fresh |= {signature(p) for p in ready} - seen
        if not fresh:
            return dg.SensorResult(skip_reason="no new settled file in the drop folders")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=max(fresh), tags={"t82/new_files": str(len(fresh))})],
            cursor=json.dumps(sorted(seen | fresh)),
        )

    return _sensor
