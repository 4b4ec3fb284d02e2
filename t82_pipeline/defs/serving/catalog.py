"""What is served to the OTs, read from the dbt manifest: models whose config has
``meta.serving`` (and the column that says which OT a row belongs to), minus columns marked
``meta.personal``, with their French descriptions for the data dictionary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServedTable:
    schema: str
    name: str
    ot_column: str | None  # None: shared with every OT (département-wide figures)
    description: str
    columns: dict[str, str]  # described columns that may be served → French description
    personal_columns: frozenset[str]

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"


def served_tables(manifest_path: Path) -> list[ServedTable]:
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    tables = []
    for node in manifest["nodes"].values():
        serving = node.get("config", {}).get("meta", {}).get("serving")
        if node["resource_type"] != "model" or serving is None:
            continue
        columns = node.get("columns", {})
        personal = frozenset(
            c
            for c, spec in columns.items()
            if spec.get("config", {}).get("meta", {}).get("personal") or spec.get("meta", {}).get("personal")
        )
        tables.append(
            ServedTable(
                schema=node["schema"],
                name=node["name"],
                ot_column=serving.get("ot_column"),
                description=" ".join(node.get("description", "").split()),
                columns={
                    c: " ".join(spec.get("description", "").split()) for c, spec in columns.items() if c not in personal
                },
                personal_columns=personal,
            )
        )
    return sorted(tables, key=lambda t: t.name)
