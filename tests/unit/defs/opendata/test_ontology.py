"""The checker of the feed reads the real DATAtourisme objects with the same ontology (v2.4.3)."""

import json

import pytest

from t82_pipeline.defs.opendata.feed import record_problems
from t82_pipeline.defs.opendata.ontology import load_ontology, to_graph
from tests.conftest import FIXTURES


@pytest.mark.parametrize("sample", sorted((FIXTURES / "datatourisme").glob("*.json")), ids=lambda p: p.name[:11])
def test_real_datatourisme_objects_read_with_the_same_checker(sample):
    record = json.loads(sample.read_text())
    assert len(to_graph(record)) > 50
    problems = record_problems(record, load_ontology())
    # 2023 objects use terms added after ontology v2.4.3 (the version available here): reported, not hidden.
    assert all(
        p.startswith(("unknown property", "unknown class", "property from an unexpected vocabulary")) for p in problems
    )


def test_checker_rejects_an_unknown_class():
    record = json.loads(sorted((FIXTURES / "datatourisme").glob("15-*.json"))[0].read_text())
    record["@type"] = [*record["@type"], "FlyingSaucer"]
    assert "unknown class FlyingSaucer" in record_problems(record, load_ontology())
