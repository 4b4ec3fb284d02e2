"""The dbt project's conventions, read from its manifest (no build): contracts on what OTs
consume, a test on every mart and on its key columns."""

import json
import re

import pytest

from tests.conftest import REPO

MANIFEST = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text())
MODELS = {uid: n for uid, n in MANIFEST["nodes"].items() if n["resource_type"] == "model"}
MARTS = {uid: n for uid, n in MODELS.items() if n["path"].startswith("marts/")}
# insee_code too: a relationship to communes_82 where the mart is within 82, its format elsewhere.
KEY_COLUMN = re.compile(r"(_key|_id|^ot_code|^epci_siren|^insee_code)$")


def columns_under_test() -> dict[str, set]:
    tested: dict[str, set] = {}
    for node in MANIFEST["nodes"].values():
        if node["resource_type"] == "test":
            for model in node["depends_on"]["nodes"]:
                tested.setdefault(model, set()).add(node.get("column_name"))
    return tested


@pytest.mark.parametrize("uid", sorted(u for u, n in MARTS.items() if "serving" in (n["config"].get("meta") or {})))
def test_every_served_mart_has_an_enforced_contract(uid):
    node = MARTS[uid]
    assert node["config"]["contract"]["enforced"], f"{node['name']}: no enforced contract"
    untyped = [c for c, spec in node["columns"].items() if not spec.get("data_type")]
    assert untyped == [], f"{node['name']}: columns without data_type"


def test_every_mart_and_its_key_columns_are_tested():
    tested = columns_under_test()
    assert [n["name"] for u, n in MARTS.items() if not tested.get(u)] == []
    untested = [
        f"{n['name']}.{c}" for u, n in MARTS.items() for c in n["columns"] if KEY_COLUMN.search(c) and c not in tested.get(u, set())
    ]
    assert untested == []


def test_mart_names_follow_docs_naming():
    """`ot_…` by OT, `departement_…` for the whole département, `<domain>_…` for a domain's facts;
    the SIT's unified entities (`offers…`) alone go without prefix (docs/naming.md)."""
    misnamed = []
    for node in MARTS.values():
        domain = node["path"].split("/")[1]
        allowed = ("ot_", "departement_", f"{domain}_", *(("offer",) if domain == "sit" else ()))
        if not node["name"].startswith(allowed):
            misnamed.append(f"marts/{domain}/{node['name']}")
    assert misnamed == []


def test_model_names_follow_their_layer():
    prefixes = {"staging": "stg_", "intermediate": "int_"}
    wrong = [
        n["path"]
        for n in MODELS.values()
        if n["path"].split("/")[0] in prefixes and not n["name"].startswith(prefixes[n["path"].split("/")[0]])
    ]
    assert wrong == []
