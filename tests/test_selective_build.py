"""dbt builds what changed: a night where only Fairguest received something new rebuilds the
Fairguest models and the models that read today's date, keeps every Apidae, XML and Nurtik
model as it stands, and still publishes serving from the last good state of all of them."""

import json

import pytest

from t82_pipeline.demo.generate import generate_sit
from tests.support.env import isolated_settings
from tests.support.helpers import query, run_graph

pytestmark = pytest.mark.slow
NEW_REVIEW_ID = "selective-night-review"


def dbt_events(result) -> dict[str, dict]:
    """asset key → metadata of what the dbt step reported tonight."""
    return {m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("t82_dbt_models")}


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    with isolated_settings(tmp_path_factory.mktemp("selective") / "data") as settings:
        generate_sit(settings.samples_dir, settings.apidae_export_drop_dir, settings.tif_drop_dir, scale=0.05,
                     fairguest_drop=settings.fairguest_drop_dir)  # fmt: skip
        first = run_graph(settings, with_fairguest=True)
        reviews_path = settings.samples_dir / "fairguest" / "reviews.ndjson"
        reviews = [json.loads(line) for line in reviews_path.read_text().splitlines()]
        latest = max(reviews, key=lambda r: r["published_at"])
        new = {**latest, "review_id": NEW_REVIEW_ID, "published_at": latest["published_at"][:10] + "T23:59:59"}
        with reviews_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(new, ensure_ascii=False) + "\n")
        second = run_graph(settings, with_fairguest=True)
        yield settings, first, second


def test_the_first_night_builds_everything(nights):
    _, first, _ = nights
    assert first.success
    assert not [k for k, m in dbt_events(first).items() if "rebuilt" in m]


def test_a_fairguest_only_night_keeps_the_apidae_and_nurtik_models(nights):
    settings, _, second = nights
    assert second.success
    events = dbt_events(second)
    kept = {k for k, m in events.items() if m.get("rebuilt") is not None and not m["rebuilt"].value}
    rebuilt = set(events) - kept
    sit_and_nurtik = [k for k in events if any(s in k for s in ("apidae", "tif", "offers", "nurtik"))]
    staging_and_intermediate = [k for k in sit_and_nurtik if k.startswith(("staging/", "intermediate/"))]
    assert staging_and_intermediate and set(staging_and_intermediate) <= kept
    # Rebuilt on a Fairguest night: Fairguest's models, and those reading today's date.
    assert {"staging/stg_fairguest__reviews", "marts/fairguest_provider_summary", "marts/ot_ereputation"} <= rebuilt
    assert "marts/offer_quality_scores" in rebuilt  # freshness is measured against today
    assert all(not k.startswith("staging/stg_apidae") for k in rebuilt)
    # The new review reached the warehouse, and serving published from every last good state.
    assert query(
        settings,
        f"select count(*) from intermediate.int_fairguest_reviews_deduplicated where review_id = '{NEW_REVIEW_ID}'",
    ) == [(1,)]
    serving = second.asset_materializations_for_node("serving__ot_marts")
    assert serving, "serving ran tonight"
    assert query(settings, "select count(*) from marts.offers")[0][0] > 0
