"""The data dictionary OT staff receive with their files (data/serving/<ot>/README.md) is the
served marts' column descriptions: every served column has one, in its own words or from a
shared `{% docs %}` block (models/marts/_shared_columns.md), never copied from another column."""

from collections import defaultdict
from pathlib import Path

import yaml

from t82_pipeline.defs.serving.catalog import served_tables
from tests.conftest import REPO

MARTS_YAML = sorted((REPO / "dbt_project" / "models" / "marts").glob("**/*.yml"))


def test_every_served_column_has_a_description():
    tables = served_tables(REPO / "dbt_project" / "target" / "manifest.json")
    assert tables
    undescribed = [f"{t.name}.{c}" for t in tables for c, description in t.columns.items() if not description.strip()]
    assert undescribed == []


def literal_descriptions(paths: list[Path]) -> dict[str, list[str]]:
    """Served columns' descriptions as written in the YAML (doc() references left out) → columns."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            if (model.get("config", {}).get("meta") or {}).get("serving") is None:
                continue
            for column in model.get("columns") or []:
                text = " ".join(str(column.get("description", "")).split())
                if text and "doc(" not in text:
                    found[text].append(f"{model['name']}.{column['name']}")
    return found


def test_a_description_shared_by_served_columns_is_a_docs_block():
    """Two columns with the same text must mean the same: they say so by one `{% docs %}` block."""
    copied = {text: columns for text, columns in literal_descriptions(MARTS_YAML).items() if len(columns) > 1}
    assert copied == {}


def test_the_check_catches_a_copied_description(tmp_path):
    copied = tmp_path / "_copied.yml"
    copied.write_text(
        "models:\n"
        "  - name: a\n    config: {meta: {serving: {ot_column: ot_code}}}\n"
        "    columns: [{name: day, description: Jour non collecté.}]\n"
        "  - name: b\n    config: {meta: {serving: {ot_column: null}}}\n"
        "    columns: [{name: day, description: Jour non collecté.}, {name: year, description: \"{{ doc('year') }}\"}]\n",
        encoding="utf-8",
    )
    assert literal_descriptions([copied]) == {"Jour non collecté.": ["a.day", "b.day"]}
