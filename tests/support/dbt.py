"""The project's dbt, run as the nights run it (a subprocess on the settings' environment), for
the tests that build a few models without Dagster."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

DBT = Path(sys.executable).parent / "dbt"


def run_dbt(args: list[str], target: Path) -> None:
    """``dbt <args>`` on the project, with its own target folder: the project's manifest is read
    by the tests running beside it."""
    subprocess.run(
        [str(DBT), *args, "--quiet"],
        cwd=REPO / "dbt_project",
        check=True,
        env={**os.environ, "DBT_PROFILES_DIR": str(REPO / "dbt_project"), "DBT_TARGET_PATH": str(target)},
    )
