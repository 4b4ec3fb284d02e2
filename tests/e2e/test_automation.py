"""Nights cost what changed, the Dagster way: a landing asset materializes only when it landed
something new, and Dagster's automation builds what follows it and nothing else (the same
conditions the daemon evaluates in production; tests/e2e/test_demo_on_the_daemon.py runs them
there). Every dbt model built is tested in the same run, on the first night and on a partial one."""

import json

import dagster as dg

from t82_pipeline.defs.dbt.assets import dbt_models, t82_dbt_models
from t82_pipeline.defs.dbt.project import prepared_manifest
from t82_pipeline.lib.in_process import Runs, automate
from tests.support.env import isolated_settings
from tests.support.helpers import query

NEW_REVIEW_ID = "automation-night-review"
# Built whatever changed on a night: they read today's date (quality freshness, retention) and
# follow the nightly's cron, not their inputs; in these tests no cron tick passes.
LAYERS_BELOW_LANDING = ("staging", "intermediate", "marts", "publish", "serving", "reports")


def downstream_of(defs: dg.Definitions, *landing: str) -> set[dg.AssetKey]:
    graph = defs.get_repository_def().asset_graph
    selection = dg.AssetSelection.assets(*(dg.AssetKey(["landing", name]) for name in landing)).downstream()
    return selection.resolve(graph)


def built_below_landing(runs) -> set[dg.AssetKey]:
    return {k for k in runs.materialized if k.path[0] in LAYERS_BELOW_LANDING}


def test_the_first_night_builds_everything_in_one_run_after_the_landing(departement):
    nightly, *automated = departement.runs.results
    assert nightly.dagster_run.job_name == "nightly" and departement.runs.success
    [built] = [r for r in automated if r.dagster_run.job_name == "__ASSET_JOB"][:1]
    keys = {e.asset_key for e in built.all_events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION}
    assert dg.AssetKey(["marts", "offers"]) in keys and dg.AssetKey(["serving", "ot_marts"]) in keys


def test_a_night_with_nothing_new_builds_nothing(departement_copy):
    night = departement_copy.run()
    assert night.success
    assert built_below_landing(night) == set()
    # The landing assets say so: an observation each, no materialization.
    [nightly] = night.results
    observed = {e.asset_key for e in nightly.all_events if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION}
    assert dg.AssetKey(["landing", "apidae_api_objects"]) in observed
    assert not [k for k in night.materialized if k.path[0] == "landing"]


def test_a_fairguest_only_night_builds_fairguest_and_what_follows_only(departement_copy):
    copy = departement_copy
    reviews_path = copy.settings.samples_dir / "fairguest" / "reviews.ndjson"
    reviews = [json.loads(line) for line in reviews_path.read_text().splitlines()]
    latest = max(reviews, key=lambda r: r["published_at"])
    new = {**latest, "review_id": NEW_REVIEW_ID, "published_at": latest["published_at"][:10] + "T23:59:59"}
    with reviews_path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(new, ensure_ascii=False) + "\n")
    merged = "select count(*), count(distinct batch_id) from intermediate.int_fairguest_reviews_merged"
    [(reviews_before, batches_before)] = query(copy.settings, merged)
    night = copy.run()
    assert night.success
    assert [k.to_user_string() for k in night.materialized if k.path[0] == "landing"] == ["landing/fairguest_api"]
    built = built_below_landing(night)
    fairguest = downstream_of(copy.definitions(), "fairguest_api")
    assert built <= fairguest, sorted(k.to_user_string() for k in built - fairguest)
    assert {
        dg.AssetKey(["staging", "stg_fairguest__reviews"]),
        dg.AssetKey(["marts", "fairguest_provider_summary"]),
        dg.AssetKey(["marts", "ot_ereputation"]),
        dg.AssetKey(["serving", "ot_marts"]),
    } <= built
    assert not [k for k in built if any(s in k.path[-1] for s in ("apidae", "tif", "nurtik", "fluxvision"))]
    assert query(
        copy.settings,
        f"select count(*) from intermediate.int_fairguest_reviews_deduplicated where review_id = '{NEW_REVIEW_ID}'",
    ) == [(1,)]
    # Incremental: tonight's batch merged into the reviews held, nothing else read again or lost.
    assert query(copy.settings, merged) == [(reviews_before + 1, batches_before + 1)]
    # A night that builds a part of the graph: every dbt model it built was checked in its run.
    assert unchecked_dbt_models(copy) == []


def test_a_model_whose_code_changed_is_built_again_with_what_follows_it_and_nothing_else(departement_copy):
    copy = departement_copy
    manifest = json.loads(prepared_manifest().read_text(encoding="utf-8"))
    changed = "model.t82.int_fairguest_reviews_deduplicated"
    manifest["nodes"][changed]["checksum"]["checksum"] = "its SQL was edited"  # what a new deploy brings
    defs = copy.definitions()
    with_new_code = dg.Definitions(
        assets=[a for a in defs.assets if a is not t82_dbt_models] + [dbt_models(manifest)],
        asset_checks=defs.asset_checks,
        jobs=defs.jobs,
        schedules=defs.schedules,
        sensors=defs.sensors,
        resources=defs.resources,
        executor=defs.executor,
    )
    before = dg.evaluate_automation_conditions(defs=defs, instance=copy.instance).cursor  # the code as deployed
    with isolated_settings(copy.data, **copy.env):  # dbt reads the copy's settings from its environment
        runs = automate(with_new_code, copy.instance, Runs(cursor=before))
    assert runs.success
    key = dg.AssetKey(["intermediate", "int_fairguest_reviews_deduplicated"])
    graph = with_new_code.get_repository_def().asset_graph
    follows = dg.AssetSelection.assets(key).downstream().resolve(graph)
    assert key in runs.materialized and runs.materialized <= follows
    assert dg.AssetKey(["marts", "fairguest_provider_summary"]) in runs.materialized


def test_a_model_built_alone_runs_its_tests_that_read_another_model(departement_copy):
    """What the daemon launches for a chain: its models and exactly their checks. A relationship
    test reading a model that is not rebuilt (Fairguest's summary against the SIT's offers) runs
    all the same; dbt's "buildable" selection alone would skip it."""
    key = dg.AssetKey(["marts", "fairguest_provider_summary"])
    with isolated_settings(departement_copy.data, **departement_copy.env):
        defs = departement_copy.definitions()
        checks = defs.get_repository_def().asset_graph.get_check_keys_for_assets({key})
        job = defs.resolve_implicit_global_asset_job_def().get_subset(
            asset_selection={key}, asset_check_selection=set(checks)
        )
        result = job.execute_in_process(instance=departement_copy.instance, raise_on_error=False)
    assert result.success
    evaluated = {e.check_name for e in result.get_asset_check_evaluations()}
    assert {c.name for c in checks} <= evaluated
    assert "relationships_fairguest_provider_summary_sit_offer_key__offer_key__ref_offers_" in evaluated


def checks_of(graph, key: dg.AssetKey) -> set[str]:
    return {c.name for c in graph.get_check_keys_for_assets({key})}


def unchecked_dbt_models(subject) -> list[str]:
    """In the event log: each materialization of a dbt model whose checks were not all evaluated
    in the run that built it (the UI would show a built model whose checks did not run)."""
    graph = subject.definitions().get_repository_def().asset_graph
    dbt_keys = set(t82_dbt_models.keys)
    unchecked = []
    for record in subject.instance.get_run_records():
        events = subject.instance.all_logs(record.dagster_run.run_id)
        built = {
            e.dagster_event.asset_key for e in events if e.dagster_event and e.dagster_event.is_step_materialization
        }
        evaluated = {
            (e.dagster_event.event_specific_data.asset_key, e.dagster_event.event_specific_data.check_name)
            for e in events
            if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        }
        for key in built & dbt_keys:
            unchecked += [f"{key.to_user_string()}:{c}" for c in checks_of(graph, key) if (key, c) not in evaluated]
    return unchecked


def test_every_dbt_model_built_on_the_first_night_is_checked_in_its_run(departement):
    assert unchecked_dbt_models(departement) == []
