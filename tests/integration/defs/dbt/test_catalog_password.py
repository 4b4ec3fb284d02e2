"""dbt on a DuckLake whose catalog cannot be opened: the failure reaches dbt's output, its log
and Dagster's event log (hence the UI) without the catalog's password, whatever its form."""

import time

import dagster as dg

from tests.conftest import AS_OF_DATE, REPO
from tests.support.env import isolated_settings

PASSWORD = "hunter two-6d1f"


def test_a_failed_ducklake_build_never_shows_the_catalog_password(tmp_path):
    from t82_pipeline.defs.dbt import resources as dbt_resources
    from t82_pipeline.defs.dbt.assets import t82_dbt_models

    catalog = f"postgres:host=127.0.0.1 port=1 dbname=lake user=t82 password='{PASSWORD}' connect_timeout=2"
    started = time.time()
    with isolated_settings(tmp_path / "data", T82_WAREHOUSE="ducklake", T82_DUCKLAKE_CATALOG=catalog) as settings:
        instance = dg.DagsterInstance.ephemeral()
        result = dg.materialize(
            [t82_dbt_models],
            selection=dg.AssetSelection.keys(dg.AssetKey(["reference", "communes_82"])),
            resources=dbt_resources.build_resources(settings),
            run_config={"ops": {"t82_dbt_models": {"config": {"as_of_date": AS_OF_DATE}}}},
            instance=instance,
            raise_on_error=False,
        )
        assert not result.success
        events = "\n".join(str(e) for e in instance.all_logs(result.run_id))
    logs = [p for p in (REPO / "dbt_project" / "target").glob("*/dbt.log") if p.stat().st_mtime >= started]
    assert logs and "Unable to connect" in events + "".join(p.read_text() for p in logs)
    for text in [events, *(p.read_text(errors="replace") for p in logs)]:
        assert PASSWORD not in text and "hunter two" not in text and "two-6d1f" not in text
