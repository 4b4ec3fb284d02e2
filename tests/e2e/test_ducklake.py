"""A first night on a DuckLake (T82_WAREHOUSE=ducklake: catalog in a real PostgreSQL, data as
Parquet): the same graph, the same automation, the marts, the feed and the OTs' files built,
every dbt model's checks run in its run, readers that no longer queue behind dbt, and a later
night's incremental merge."""

import json
from pathlib import Path

import dagster as dg
import pytest

from t82_pipeline.lib.settings import DUCKLAKE
from tests.support.env import warehouse_env
from tests.support.helpers import check_results, query

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def lake_departement(tmp_path_factory):
    from tests.support.departement import build_departement

    with warehouse_env(DUCKLAKE) as env:
        yield build_departement(tmp_path_factory.mktemp("lake"), **env)


def test_the_night_builds_every_mart_on_the_lake(lake_departement):
    s = lake_departement.settings
    assert s.warehouse_backend == DUCKLAKE and lake_departement.runs.success
    assert query(s, "select count(distinct ot_code) from marts.ot_offer_quality") == [(10,)]
    assert query(s, "select count(*) from marts.offers")[0][0] > 500
    assert query(s, "select count(distinct ot_code) from marts.fluxvision_daily_presences") == [(10,)]
    # The data is Parquet under the lake's data path; no DuckDB warehouse file was made.
    assert any(p.suffix == ".parquet" for p in Path(s.ducklake_data_path).rglob("*"))
    assert not s.warehouse_path.exists()


def test_publish_assets_and_checks_ran_on_the_lake(lake_departement):
    s, runs = lake_departement.settings, lake_departement.runs
    index = json.loads((s.opendata_dir / "current" / "index.json").read_text())
    assert len(index) > 100
    assert sorted(p.name for p in s.serving_dir.iterdir() if p.is_dir() and not p.name.startswith(".")) == sorted(
        c for (c,) in query(s, "select ot_code from reference.tourist_offices_82")
    )
    checks = check_results(runs)
    assert checks["marts/ot_offer_quality:ot_marts_are_sound"] is True
    assert checks["marts/offers:unique_offers_offer_key"] is True


def test_a_later_night_merges_its_new_reviews_into_the_lake(lake_departement):
    """The incremental model on the lake (delete+insert on DuckLake): tonight's Fairguest batch
    is merged, nothing held is lost. Last in the module: it changes the département."""
    s = lake_departement.settings
    path = s.samples_dir / "fairguest" / "reviews.ndjson"
    reviews = [json.loads(line) for line in path.read_text().splitlines()]
    latest = max(reviews, key=lambda r: r["published_at"])
    new = {**latest, "review_id": "lake-night-review", "published_at": latest["published_at"][:10] + "T23:59:59"}
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(new, ensure_ascii=False) + "\n")
    merged = "select count(*), count(*) filter (where review_id = 'lake-night-review') from intermediate.int_fairguest_reviews_merged"
    [(before, _)] = query(s, merged)
    # The staging view lists the landed files when built: it is rebuilt with tonight's batch.
    tonight = [
        dg.AssetKey(["landing", "fairguest_api"]),
        dg.AssetKey(["staging", "stg_fairguest__reviews"]),
        dg.AssetKey(["intermediate", "int_fairguest_reviews_merged"]),
    ]
    assert lake_departement.materialize(tonight).success
    assert query(s, merged) == [(before + 1, 1)]
