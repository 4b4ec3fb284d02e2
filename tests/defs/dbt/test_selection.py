"""What a night builds (defs/dbt/selection.py), on a small manifest of the project's shape."""

import json

import pytest

from t82_pipeline.defs.dbt.selection import node_checksums, plan_build, record_build


def node(name, parents=(), macros=(), kind="model"):
    return {"name": name, "resource_type": kind, "checksum": {"checksum": name},
            "depends_on": {"nodes": list(parents), "macros": list(macros)}}  # fmt: skip


MANIFEST = {
    "sources": {
        "source.t82.apidae.objects": {"source_name": "apidae"},
        "source.t82.fairguest.api": {"source_name": "fairguest"},
    },
    "nodes": {
        "model.t82.stg_apidae": node("stg_apidae", ["source.t82.apidae.objects"]),
        "model.t82.stg_fairguest": node("stg_fairguest", ["source.t82.fairguest.api"]),
        "model.t82.offers": node("offers", ["model.t82.stg_apidae"]),
        "model.t82.linked": node("linked", ["model.t82.offers", "model.t82.stg_fairguest"]),
        "model.t82.quality": node("quality", ["model.t82.offers"], ["macro.t82.as_of_date"]),
        "model.t82.ot_quality": node("ot_quality", ["model.t82.quality"]),
        "seed.t82.communes": node("communes", kind="seed"),
    },
    "macros": {},
}


def land(root, folder, batch_id):
    path = root / folder / "2026-12-01" / batch_id
    path.mkdir(parents=True)
    (path / "manifest.json").write_text("{}")


@pytest.fixture
def night(tmp_path):
    warehouse = tmp_path / "t82.duckdb"
    warehouse.write_bytes(b"")
    landing, record = tmp_path / "landing", tmp_path / "dbt_built_batches.json"
    land(landing, "apidae", "20261201T020000-a")
    land(landing, "fairguest_reviews", "20261201T020000-f")
    first = plan_build(MANIFEST, landing, record, warehouse)
    assert first.full and first.reason == "first build"
    record_build(record, warehouse, MANIFEST, first, set(MANIFEST["nodes"]))
    return landing, record, warehouse


def test_only_what_a_new_batch_touches_is_built_plus_what_reads_today(night):
    landing, record, warehouse = night
    land(landing, "fairguest_reviews", "20261202T020000-f")
    plan = plan_build(MANIFEST, landing, record, warehouse)
    assert not plan.full and plan.changed_sources == {"fairguest"}
    # linked reads both sources: built; quality reads today's date: built, with what follows it.
    assert plan.excluded == ["model.t82.stg_apidae", "model.t82.offers", "seed.t82.communes"]  # parents first


def test_nothing_new_keeps_everything_but_the_daily_models(night):
    landing, record, warehouse = night
    plan = plan_build(MANIFEST, landing, record, warehouse)
    assert plan.reason == "no new batch since the last build"
    assert set(plan.excluded) == {
        "model.t82.stg_apidae",
        "model.t82.offers",
        "model.t82.stg_fairguest",
        "model.t82.linked",
        "seed.t82.communes",
    }


def test_a_node_whose_code_changed_is_built_with_what_follows_it(night):
    landing, record, warehouse = night
    changed = json.loads(json.dumps(MANIFEST))
    changed["nodes"]["model.t82.offers"]["checksum"]["checksum"] = "edited"
    assert node_checksums(changed)["model.t82.offers"] != node_checksums(MANIFEST)["model.t82.offers"]
    plan = plan_build(changed, landing, record, warehouse)
    assert not plan.full and "1 node(s) whose code changed" in plan.reason
    assert plan.excluded == ["model.t82.stg_apidae", "model.t82.stg_fairguest", "seed.t82.communes"]
    # A macro a model calls counts as its code.
    with_macro = json.loads(json.dumps(MANIFEST))
    with_macro["macros"] = {"macro.t82.label_key": {"macro_sql": "lower(x)", "depends_on": {"macros": []}}}
    with_macro["nodes"]["model.t82.stg_apidae"]["depends_on"]["macros"] = ["macro.t82.label_key"]
    assert "model.t82.stg_apidae" not in plan_build(with_macro, landing, record, warehouse).excluded


def test_a_new_warehouse_or_a_request_rebuilds_everything(night):
    landing, record, warehouse = night
    assert plan_build(MANIFEST, landing, record, warehouse, force_full=True).full
    other = warehouse.with_name("other.duckdb")
    other.write_bytes(b"")
    assert plan_build(MANIFEST, landing, record, other).reason == "the warehouse is new or was removed"
    warehouse.unlink()
    assert plan_build(MANIFEST, landing, record, warehouse).reason == "the warehouse is new or was removed"


def test_a_subset_run_vouches_only_for_the_sources_it_built(night):
    landing, record, warehouse = night
    land(landing, "apidae", "20261202T020000-a")
    land(landing, "fairguest_reviews", "20261202T020000-f")
    plan = plan_build(MANIFEST, landing, record, warehouse)
    record_build(record, warehouse, MANIFEST, plan, {"model.t82.stg_fairguest"})
    # linked (downstream of fairguest) was not built: fairguest is not up to date either.
    assert plan_build(MANIFEST, landing, record, warehouse).changed_sources == {"apidae", "fairguest"}
