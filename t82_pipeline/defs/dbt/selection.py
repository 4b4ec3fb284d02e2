"""Which dbt nodes a night must build: those downstream of a source that received a new batch
since the last successful build, those whose code changed since they were built, and those that
read today's date (``as_of_date()``: quality freshness, retention), with what follows them. The
rest (seeds included) keeps its last good state. A first build rebuilds everything.

The record of what was built sits beside the warehouse (``dbt_built_batches.json``): per dbt
source, the newest landing batch its downstream models were last built with, and per node the
checksum of the code it was last built with (a node whose code changed is built again)."""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DAILY_MACRO = "macro.t82.as_of_date"


def dbt_source_of_folder(folder: str) -> str:
    """Landing folders are named after their dbt source (``fairguest_reviews`` → ``fairguest``)."""
    return folder.split("_")[0]


def landed_batches(landing_dir: Path) -> dict[str, str]:
    """dbt source → its newest batch id across its landing folders (ids sort by time)."""
    newest: dict[str, str] = {}
    for manifest in landing_dir.glob("[!.]*/[!.]*/[!.]*/manifest.json"):
        source, batch_id = dbt_source_of_folder(manifest.parts[-4]), manifest.parts[-2]
        newest[source] = max(newest.get(source, ""), batch_id)
    return newest


def node_checksums(manifest: Mapping) -> dict[str, str]:
    """Each model's and seed's checksum, with those of the macros it calls (and theirs): what
    changes when its code does."""
    macros = manifest.get("macros", {})

    @cache
    def macro_digest(uid: str) -> str:
        macro = macros.get(uid, {})
        parts = [macro.get("macro_sql", "")] + [
            macro_digest(m) for m in sorted(macro.get("depends_on", {}).get("macros", []))
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    out = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] in ("model", "seed", "snapshot"):
            parts = [node.get("checksum", {}).get("checksum", "")]
            parts += [macro_digest(m) for m in sorted(node.get("depends_on", {}).get("macros", []))]
            out[uid] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return out


@dataclass
class NightlyPlan:
    full: bool
    reason: str
    changed_sources: set[str]
    excluded: list[str]  # node unique ids kept as they are tonight, parents first
    batches: dict[str, str]


def _children(manifest: Mapping) -> dict[str, set[str]]:
    children: dict[str, set[str]] = defaultdict(set)
    for uid, node in manifest["nodes"].items():
        for parent in node.get("depends_on", {}).get("nodes", []):
            children[parent].add(uid)
    return children


def _downstream(start: Iterable[str], children: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _topological(manifest: Mapping, nodes: set[str]) -> list[str]:
    """Parents before children (Dagster takes a multi-asset's outputs in that order)."""
    ordered: list[str] = []
    done: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        done.add(uid)
        for parent in sorted(manifest["nodes"].get(uid, {}).get("depends_on", {}).get("nodes", [])):
            if parent in nodes:
                visit(parent)
        ordered.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    return ordered


def plan_build(
    manifest: Mapping, landing_dir: Path, record_path: Path, warehouse: Path, force_full: bool = False
) -> NightlyPlan:
    batches = landed_batches(landing_dir)
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    if force_full or not record:
        return NightlyPlan(True, "asked in the run config" if force_full else "first build", set(batches), [], batches)
    if record.get("warehouse") != str(warehouse) or not warehouse.exists():
        return NightlyPlan(True, "the warehouse is new or was removed", set(batches), [], batches)
    built = record.get("batches", {})
    changed = {s for s, b in batches.items() if built.get(s) != b}
    sources = defaultdict(set)
    for uid, source in manifest["sources"].items():
        sources[source["source_name"]].add(uid)
    children = _children(manifest)
    # A node whose code changed since it was last built (or never built) is built, with what follows.
    recorded = record.get("checksums", {})
    modified = {uid for uid, checksum in node_checksums(manifest).items() if recorded.get(uid) != checksum}
    daily = {uid for uid, n in manifest["nodes"].items() if DAILY_MACRO in n.get("depends_on", {}).get("macros", [])}
    start = modified | daily
    wanted = start | _downstream(start, children) | _downstream((uid for s in changed for uid in sources[s]), children)
    # Everything else keeps its last good state: models of unchanged sources, and seeds with what
    # reads only them.
    excluded = _topological(
        manifest,
        {uid for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed", "snapshot")} - wanted,
    )
    reasons = [f"new batches for {', '.join(sorted(changed))}"] if changed else ["no new batch since the last build"]
    if modified:
        reasons.append(f"{len(modified)} node(s) whose code changed")
    return NightlyPlan(False, "; ".join(reasons), changed, excluded, batches)


def record_build(
    record_path: Path, warehouse: Path, manifest: Mapping, plan: NightlyPlan, built_nodes: set[str]
) -> None:
    """After a successful build: the nodes built now count as up to date with their code, and the
    sources whose every downstream model was built as up to date with their batches."""
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    checksums = node_checksums(manifest)
    recorded = {**record.get("checksums", {}), **{uid: checksums[uid] for uid in built_nodes if uid in checksums}}
    batches = {
        **record.get("batches", {}),
        **{s: b for s, b in plan.batches.items() if s in sources_fully_in(manifest, built_nodes)},
    }
    record_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = record_path.with_name(f".{record_path.name}.{os.getpid()}")
    # The warehouse dbt wrote (its file, or the DuckLake's data folder): gone or another → full build.
    tmp.write_text(json.dumps({"warehouse": str(warehouse), "batches": batches, "checksums": recorded}, indent=1),
                   encoding="utf-8")  # fmt: skip
    os.replace(tmp, record_path)


def sources_fully_in(manifest: Mapping, selected: set[str]) -> set[str]:
    """dbt sources whose every downstream model is among the selected node ids."""
    children = _children(manifest)
    by_source = defaultdict(set)
    for uid, source in manifest["sources"].items():
        by_source[source["source_name"]] |= _downstream([uid], children)
    models = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    return {s for s, nodes in by_source.items() if (nodes & models) <= selected}
