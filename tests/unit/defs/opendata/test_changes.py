"""A night's feed costs what changed: which rows are built again, and what the previous feed
remembers of the others."""

from t82_pipeline.defs.opendata.changes import changed_keys
from t82_pipeline.defs.opendata.feed import Feed, PreviousFeed, publish


def test_new_and_changed_rows_are_built_the_others_are_not():
    previous = {"apidae:1": {"digest": "a"}, "apidae:2": {"digest": "b"}, "apidae:3": {"digest": "c"}}
    tonight = {"apidae:1": "a", "apidae:2": "B", "apidae:4": "d"}  # 3 left the marts
    assert changed_keys(tonight, previous) == ["apidae:2", "apidae:4"]


def test_a_feed_built_by_another_version_is_built_again_whole(tmp_path):
    rows = {"apidae:2": {"digest": "b", "held_back": "coordonnées manquantes ou invalides"}}
    publish(Feed(builder="v1", rows=rows, agenda="ag"), tmp_path, "policy")
    same = PreviousFeed.of(tmp_path, "v1")
    assert (same.rows, same.agenda) == (rows, "ag")
    # Other code, ontology or base URI: nothing is carried over.
    assert PreviousFeed.of(tmp_path, "v2").rows == {}
