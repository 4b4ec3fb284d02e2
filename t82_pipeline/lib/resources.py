"""Dagster resources shared by every domain."""

from __future__ import annotations

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
    """A folder where deliveries are dropped (files are read, never moved or changed)."""

    path: str

    def files(self, pattern: str) -> list[Path]:
        return sorted(Path(self.path).glob(pattern))
