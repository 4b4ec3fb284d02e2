"""How dbt nodes appear in Dagster. One rule for the whole graph: the group is the domain, which is
the model's folder under its layer (``models/<layer>/<domain>/``, the same name as the Python
folder ``defs/<domain>/``); the key is [layer, name]."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from t82_pipeline.defs.dbt.check_descriptions import test_description
from t82_pipeline.defs.dbt.project import prepared_manifest
from t82_pipeline.lib.automation import follows_its_inputs

REFERENCE = "reference"  # seeds, and the models of the territory built from them
PERSONAL_SCHEMA = "personal"
# Models that read today's date (quality freshness, retention) are built again once a day.
DAILY_MACRO = "macro.t82.as_of_date"


@cache
def _macros() -> Mapping[str, Mapping]:
    return json.loads(prepared_manifest().read_text(encoding="utf-8")).get("macros", {})


@cache
def _macro_digest(uid: str) -> str:
    """A macro's code with that of the macros it calls, hashed."""
    macro = _macros().get(uid, {})
    parts = [macro.get("macro_sql", "")] + [
        _macro_digest(m) for m in sorted(macro.get("depends_on", {}).get("macros", []))
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _macros_called(props: Mapping[str, Any]) -> list[str]:
    return sorted(props.get("depends_on", {}).get("macros", []))


class T82DbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        kind = dbt_resource_props["resource_type"]
        if kind == "source":
            return super().get_asset_key(dbt_resource_props)  # bound via meta.dagster.asset_key
        layer = REFERENCE if kind == "seed" else dbt_resource_props["fqn"][1]
        return dg.AssetKey([layer, dbt_resource_props["name"]])

    def get_code_version(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """dbt's checksum of the node, with the code of the macros it calls: a change to either is
        a new code version, and the model is built again (with what follows it)."""
        checksum = dbt_resource_props.get("checksum", {}).get("checksum", "")
        parts = [checksum, *(_macro_digest(m) for m in _macros_called(dbt_resource_props))]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        return follows_its_inputs(daily=DAILY_MACRO in _macros_called(dbt_resource_props))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        if dbt_resource_props["resource_type"] == "seed":
            return REFERENCE
        return dbt_resource_props["fqn"][2]

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        tags = dict(super().get_tags(dbt_resource_props))
        if dbt_resource_props.get("config", {}).get("schema") == PERSONAL_SCHEMA:
            tags["personal_data"] = ""  # restricted schema: never served, never in the feed
        return tags

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # A seed is a CSV: no SQL block under its description.
        if dbt_resource_props["resource_type"] == "seed":
            return dbt_resource_props.get("description") or f"Seed {dbt_resource_props['name']}"
        return super().get_description(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return dg.AssetCheckSpec(
            spec.name,
            asset=spec.asset_key,
            description=test_description(manifest["nodes"][unique_id]),
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
        )
