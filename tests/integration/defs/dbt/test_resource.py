"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process adapter, and
still runs dbt (the nightly and dbt tests elsewhere build the warehouse through it)."""

import re
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource

from t82_pipeline.defs.dbt.project import dbt_project
from t82_pipeline.defs.dbt.resources import T82DbtCliResource


def test_overrides_hooks_dagster_dbt_still_has():
    # If dagster-dbt renames them, the overrides silently stop saving anything: fail here instead.
    for hook in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hook in vars(DbtCliResource), f"dagster-dbt no longer has {hook}"


def test_version_is_the_executables_without_asking_it():
    executable = Path(sys.executable).parent / "dbt"
    resource = T82DbtCliResource(project_dir=dbt_project(), dbt_executable=str(executable))
    reported = subprocess.run([str(executable), "--version"], capture_output=True, text=True, check=True).stdout
    assert str(resource._cli_version) == re.search(r"installed: (\d+\.\d+\.\d+)", reported).group(1)
    assert resource._initialize_dbt_core_adapter(["build"]) is None
