"""Flux Vision's resources: where the observatory is written."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.lib.resources import drop_folder
from t82_pipeline.lib.settings import Settings


class FluxVisionReportsTarget(dg.ConfigurableResource):
    """Where the observatory goes (the marts are read through ``warehouse``; each rendering
    process opens its own read-only connection to the same file)."""

    output_dir: str


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "fluxvision_drop": drop_folder(s, s.fluxvision_drop_dir),
        "fluxvision_reports": FluxVisionReportsTarget(output_dir=str(s.reports_dir / "fluxvision")),
    }
