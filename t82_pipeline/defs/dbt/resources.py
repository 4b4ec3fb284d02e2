"""dagster-dbt's CLI resource without two start-up costs t82 never uses.

Before each `dbt` command, DbtCliResource runs `dbt --version` in a subprocess (≈4 s: it imports
dbt-core) and builds a dbt adapter inside Dagster's process (≈3 s: it parses every macro). The
adapter only serves `fetch_column_metadata()` / `fetch_row_counts()`, which t82 does not call,
and the version is that of the dbt-core installed next to this interpreter. Both are private
hooks of dagster-dbt (pinned in pyproject.toml); tests/defs/dbt/test_resource.py notices if
they move.
"""

import sys
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

from dagster_dbt import DbtCliResource
from packaging.version import Version

from t82_pipeline.defs.dbt.project import dbt_project
from t82_pipeline.lib.settings import Settings


class T82DbtCliResource(DbtCliResource):
    """Runs the dbt executable of this virtualenv, whose version is the installed dbt-core's."""

    as_of_date: str = ""  # T82_AS_OF_DATE: a fixed date for models that read today's (tests, demos)

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ANN001, ANN202 - dagster-dbt's signature
        # None is what dagster-dbt passes on when it cannot build the adapter: dbt still runs,
        # only the column-metadata/row-count helpers would be unavailable.
        return None


def build_resources(s: Settings) -> dict[str, DbtCliResource]:
    return {
        # The dbt next to this interpreter: works without an activated venv.
        "dbt": T82DbtCliResource(
            project_dir=dbt_project(),
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
            as_of_date=s.as_of_date,
        ),
    }
