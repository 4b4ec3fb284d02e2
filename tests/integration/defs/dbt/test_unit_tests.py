"""dbt's unit tests (a model's logic on fixed rows: incremental paths, deduplication, dates) run
here, not in the nights: a unit test of an incremental model reads `this`, which a first night
has not built yet (docs/testing.md). They need each model's relation, so the project is first
built empty."""

import json

from tests.support.dbt import run_dbt
from tests.support.env import isolated_settings


def test_every_dbt_unit_test_passes_including_the_incremental_paths(tmp_path):
    target = tmp_path / "dbt"
    with isolated_settings(tmp_path / "data"):
        run_dbt(["build", "--empty", "--exclude-resource-type", "unit_test", "test"], target)
        run_dbt(["test", "--select", "test_type:unit"], target)
    results = [
        r
        for r in json.loads((target / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("unit_test.")
    ]
    manifest = json.loads((target / "manifest.json").read_text())
    assert {r["unique_id"] for r in results} == set(manifest["unit_tests"])  # every one ran
    assert {r["unique_id"]: r["status"] for r in results if r["status"] != "pass"} == {}
    incremental = {
        r["unique_id"].rsplit(".", 1)[-1]
        for r in results
        if any(
            f".{model}." in r["unique_id"] for model in ("int_fairguest_reviews_merged", "int_apidae_objects_merged")
        )
    }
    assert incremental == {
        "a_first_build_keeps_one_version_of_each_review",
        "a_night_merges_its_new_batch_only",
        "a_review_landed_again_without_aspects_keeps_the_version_with_them",
        "a_first_build_keeps_the_latest_version_and_marks_later_deletions",
        "a_night_merges_its_new_batches_into_the_objects_they_touch",
        "a_batch_landed_again_changes_nothing",
        "a_new_full_snapshot_replaces_the_state",
    }
