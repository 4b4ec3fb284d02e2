"""Serving's resource: where the OT-facing marts go."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.resources import secret
from t82_pipeline.lib.settings import DBT_MANIFEST_PATH, Settings

# The per-OT record counts of the last publish, which the next one compares with.
LAST_COUNTS = ".last_published_counts.json"


class ServingTarget(dg.ConfigurableResource):
    """Where OT-facing marts go: per-OT files always; PostgreSQL too when ``pg_dsn`` is set. The
    marts are read through the ``warehouse`` resource (read-only)."""

    folder: str
    manifest_path: str
    pg_dsn: str = ""
    max_overnight_drop: float = 0.2  # an OT losing more than this share of its records blocks the publish

    def last_counts(self) -> dict[str, int]:
        path = Path(self.folder) / LAST_COUNTS
        return json.loads(path.read_text()) if path.exists() else {}


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "serving": ServingTarget(
            folder=str(s.serving_dir),
            manifest_path=str(DBT_MANIFEST_PATH),
            pg_dsn=secret("T82_SERVING_PG_DSN", s.serving_pg_dsn),
            max_overnight_drop=s.serving_max_overnight_drop,
        ),
    }
