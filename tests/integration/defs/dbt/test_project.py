"""The one DbtProject writes its manifest where serving reads it (lib/settings names the path, so
serving never imports the dbt domain)."""

from t82_pipeline.defs.dbt.project import dbt_project
from t82_pipeline.lib.settings import DBT_MANIFEST_PATH


def test_serving_reads_the_manifest_the_dbt_project_writes():
    assert dbt_project().manifest_path == DBT_MANIFEST_PATH
