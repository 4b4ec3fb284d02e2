"""Dagster resources shared by every domain."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.landing import LandingZone

# DuckDB lets one process write a file, and no other process open it meanwhile, even to read.
# The writer (dbt) and every asset that reads the warehouse share this pool (limit 1 in
# dagster.yaml), so runs started by schedules and sensors queue instead of failing on the lock.
WAREHOUSE_POOL = "duckdb_warehouse"


class LandingResource(dg.ConfigurableResource):
    """The immutable landing zone (T82_LANDING_DIR)."""

    root: str

    def zone(self) -> LandingZone:
        return LandingZone(Path(self.root))


class DropFolderResource(dg.ConfigurableResource):
    """A folder where deliveries are dropped (files are read, never moved or changed). Hidden
    files (uploads in progress, editors' temporary files) are not deliveries."""

    path: str
    # A file is landed once its size and modification time held still this long: a copy in
    # progress is left for the next run.
    settle_seconds: float = 1.0

    def files(self, pattern: str) -> list[Path]:
        return sorted(p for p in Path(self.path).glob(pattern) if not p.name.startswith("."))

    def settled(self, paths: list[Path]) -> tuple[list[Path], list[Path]]:
        """(files whose size and mtime held still, files still being written)."""

        def signature(path: Path) -> tuple[int, int] | None:
            try:
                st = path.stat()
            except FileNotFoundError:
                return None
            return st.st_size, st.st_mtime_ns

        before = {p: signature(p) for p in paths}
        if paths and self.settle_seconds > 0:
            time.sleep(self.settle_seconds)
        still = [p for p in paths if before[p] is not None and signature(p) == before[p]]
        return still, [p for p in paths if p not in still]
