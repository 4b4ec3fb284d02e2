"""The thesaurus terms the feed writes are those the real flux writes: every kb id of seed
datatourisme_vocabulary appears in a real DATAtourisme object with the same classes and label."""

import csv

import pycountry

from tests.conftest import REPO
from tests.support.flux import load_samples

SEED = REPO / "dbt_project" / "seeds" / "datatourisme_vocabulary.csv"


def flux_terms() -> dict[str, set[tuple[tuple[str, ...], str]]]:
    """kb id → the (classes, French label) forms the real objects give it."""
    terms: dict = {}

    def visit(node):
        if isinstance(node, dict):
            if str(node.get("@id", "")).startswith("kb:") and "rdfs:label" in node:
                terms.setdefault(node["@id"], set()).add((tuple(node["@type"]), node["rdfs:label"]["fr"][0]))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(load_samples())
    return terms


def test_every_term_is_one_the_real_flux_writes():
    terms, rows = flux_terms(), list(csv.DictReader(SEED.open(encoding="utf-8")))
    for row in rows:
        if row["kind"] == "language":
            assert pycountry.languages.get(alpha_2=row["datatourisme_id"]), row
            continue
        assert row["datatourisme_id"] in terms, row
        assert (tuple(row["datatourisme_types"].split()), row["label_fr"]) in terms[row["datatourisme_id"]], row
