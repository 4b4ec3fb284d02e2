"""The one DbtProject. Its manifest is prepared by the install step (`make install` runs
`dagster-dbt project prepare-and-package`), never parsed when the code location loads: under
`dagster dev`, dagster-dbt's prepare_if_dev would run `dbt parse` through whatever `dbt` is on
PATH at every load (34 s), and fail without the virtualenv on PATH."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from t82_pipeline.lib.settings import DBT_PROJECT_DIR, get_settings


@cache
def dbt_project() -> DbtProject:
    get_settings()  # exports T82_WAREHOUSE_PATH / T82_LANDING_DIR for the dbt subprocess
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepared_manifest() -> Path:
    """The manifest the dbt assets are built from, or an error saying which command makes it."""
    manifest = dbt_project().manifest_path
    if not manifest.exists():
        raise FileNotFoundError(
            f"dbt manifest not found at {manifest}: run `make install`, or after changing dbt "
            "models `.venv/bin/dagster-dbt project prepare-and-package --file "
            "t82_pipeline/defs/dbt/project.py`"
        )
    return manifest


# Module-level name for `dagster-dbt project prepare-and-package --file`.
project = dbt_project()
