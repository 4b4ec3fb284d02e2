"""How dbt nodes appear in Dagster. One rule for the whole graph: the group is the domain, which is
the model's folder under its layer (``models/<layer>/<domain>/``, the same name as the Python
folder ``defs/<domain>/``); the key is [layer, name]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from t82_pipeline.defs.dbt.check_descriptions import test_description

REFERENCE = "reference"  # seeds, and the models of the territory built from them
PERSONAL_SCHEMA = "personal"


class T82DbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        kind = dbt_resource_props["resource_type"]
        if kind == "source":
            return super().get_asset_key(dbt_resource_props)  # bound via meta.dagster.asset_key
        layer = REFERENCE if kind == "seed" else dbt_resource_props["fqn"][1]
        return dg.AssetKey([layer, dbt_resource_props["name"]])

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
