"""Dagster resources shared by every domain."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from t82_pipeline.lib.landing import LandingZone


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
