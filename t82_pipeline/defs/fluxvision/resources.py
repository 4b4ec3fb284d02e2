"""Flux Vision's resources: where the observatory is written."""

from __future__ import annotations

import dagster as dg


class FluxVisionReportsTarget(dg.ConfigurableResource):
    """Where the observatory goes (the marts are read through ``warehouse``; each rendering
    process opens its own read-only connection to the same file)."""

    output_dir: str
