"""Landing every file of a drop folder: a bad file is reported by name and skipped, never fatal
(whatever it raises: a decoding error, broken JSON, a corrupt archive); the asset reports the
outcome through its ``all_drop_files_loaded`` check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandedBatch
from t82_pipeline.lib.resources import DropFolderResource

ALL_FILES_LOADED = "all_drop_files_loaded"


def drop_check_spec(asset_key: list[str]) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        ALL_FILES_LOADED,
        asset=asset_key,
        description=(
            "Every file in the drop folder loaded; else each refused file, with why (it stays out, the others load)."
        ),
    )


@dataclass
class DropOutcome:
    batches: list[LandedBatch]
    metadata: dict
    check: dg.AssetCheckResult


def land_drop_folder(
    context: dg.AssetExecutionContext,
    folder: DropFolderResource,
    patterns: Sequence[str],
    land: Callable[[Path], LandedBatch],
) -> DropOutcome:
    landed, rejected = [], []
    found = [p for pattern in patterns for p in folder.files(pattern)]
    for link in [p for p in found if p.is_symlink()]:  # could point anywhere on the machine
        rejected.append(f"{link.name}: a symbolic link, refused (drop the file itself)")
        context.log.error(f"[{folder.path}] {rejected[-1]}")
    ready, moving = folder.settled([p for p in found if not p.is_symlink()])
    for path in moving:
        context.log.warning(f"[{folder.path}] {path.name}: still being written, left for the next run")
    for path in ready:
        try:
            landed.append(land(path))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
            problem = exc.problem if isinstance(exc, SourceError) else f"{type(exc).__name__}: {str(exc)[:300]}"
            context.log.error(f"[{folder.path}] {path.name}: {problem}")
            rejected.append(f"{path.name}: {problem}")
    return DropOutcome(
        landed,
        {
            "folder": dg.MetadataValue.path(folder.path),
            "files_seen": len(found),
            "still_being_written": len(moving),
            "rejected_files": "\n".join(rejected) or "none",
        },
        dg.AssetCheckResult(
            check_name=ALL_FILES_LOADED,
            passed=not rejected,
            severity=dg.AssetCheckSeverity.ERROR,
            description="Every file of the drop folder landed" if not rejected else "Rejected:\n" + "\n".join(rejected),
            metadata={"rejected": len(rejected)},
        ),
    )
