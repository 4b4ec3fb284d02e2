"""What a dbt test checks, said in the Dagster UI where it shows as an asset check: its YAML
`description` when it has one, else a sentence made from the generic test and its arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REF = re.compile(r"""ref\(\s*['"]([^'"]+)['"]\s*\)""")


def _ref_name(text: str) -> str:
    found = REF.search(text)
    return found.group(1) if found else text


def test_description(test: Mapping[str, Any]) -> str:
    if test.get("description"):
        return " ".join(test["description"].split())
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs", {})
    column = f"`{kwargs.get('column_name') or test.get('column_name')}`"
    severity = " (warning only)" if str(test.get("config", {}).get("severity", "")).lower() == "warn" else ""
    sentence = {
        "not_null": lambda: f"{column} is never null.",
        "unique": lambda: f"{column} is unique: no two rows share a value.",
        "accepted_values": lambda: f"{column} only takes the values {', '.join(map(str, kwargs['values']))}.",
        "relationships": lambda: f"Every {column} exists in `{_ref_name(kwargs['to'])}.{kwargs['field']}`.",
        "unique_combination": lambda: f"No two rows share the same ({', '.join(kwargs['columns'])}).",
    }.get(metadata.get("name"))
    return (sentence() if sentence else f"dbt test {test['name']}.") + severity
