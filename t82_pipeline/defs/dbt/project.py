"""The one DbtProject. Its manifest is prepared at install/dev time (`make install` runs
`dagster-dbt project prepare-and-package`), never parsed at import."""

from __future__ import annotations

from functools import cache

from dagster_dbt import DbtProject

from t82_pipeline.lib.settings import REPO_ROOT, get_settings


@cache
def dbt_project() -> DbtProject:
    get_settings()  # exports T82_WAREHOUSE_PATH / T82_LANDING_DIR for the dbt subprocess
    project = DbtProject(project_dir=REPO_ROOT / "dbt_project", profiles_dir=REPO_ROOT / "dbt_project")
    project.prepare_if_dev()
    return project


# Module-level name for `dagster-dbt project prepare-and-package --file`.
project = dbt_project()
