"""The instance `make demo` and `make ui` use: the project's file, wherever DAGSTER_HOME is."""

import yaml

from t82_pipeline.demo.daemon import INSTANCE_FILE, prepare_dagster_home


def test_the_project_instance_queues_runs_and_limits_the_warehouse_pool():
    instance = yaml.safe_load(INSTANCE_FILE.read_text())
    assert instance["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert instance["concurrency"]["runs"]["max_concurrent_runs"] == 2
    assert instance["concurrency"]["pools"]["default_limit"] == 1


def test_another_home_gets_the_project_file_and_a_file_of_ones_own_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = prepare_dagster_home()
    assert (home / "dagster.yaml").read_text() == INSTANCE_FILE.read_text()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    prepare_dagster_home()
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
