"""Which dbt nodes a night must build: those downstream of a source that received a new batch
since the last successful build, and those that read today's date (``as_of_date()``: quality
freshness, retention), with what follows them. The rest (seeds included) keeps its last good state. A change of the project's code (node
checksums) or a first build rebuilds everything.

The record of what was built sits beside the warehouse (``dbt_built_batches.json``): per dbt
source, the newest landing batch its downstream models were last built with."""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def code_digest(manifest: Mapping) -> str:
    digest = hashlib.sha256()
    for kind in ("nodes", "macros", "sources"):
        for uid, node in sorted(manifest.get(kind, {}).items()):
            checksum = (
                node.get("checksum", {}).get("checksum")
                or hashlib.sha256(
                    json.dumps(node.get("macro_sql") or node.get("config") or {}, sort_keys=True, default=str).encode()
                ).hexdigest()
            )
            digest.update(f"{uid}:{checksum}\n".encode())
    return digest.hexdigest()


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


def plan_build(manifest: Mapping, landing_dir: Path, record_path: Path, force_full: bool = False) -> NightlyPlan:
    batches = landed_batches(landing_dir)
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    digest = code_digest(manifest)
    if force_full or not record:
        return NightlyPlan(True, "asked in the run config" if force_full else "first build", set(batches), [], batches)
    if not Path(record.get("warehouse", "")).exists():
        return NightlyPlan(True, "the warehouse file is new or was removed", set(batches), [], batches)
    if record.get("code_digest") != digest:
        return NightlyPlan(True, "the dbt project changed since the last build", set(batches), [], batches)
    built = record.get("batches", {})
    changed = {s for s, b in batches.items() if built.get(s) != b}
    sources = defaultdict(set)
    for uid, source in manifest["sources"].items():
        sources[source["source_name"]].add(uid)
    children = _children(manifest)
    wanted = _downstream((uid for s in changed for uid in sources[s]), children)
    daily = {uid for uid, n in manifest["nodes"].items() if DAILY_MACRO in n.get("depends_on", {}).get("macros", [])}
    wanted |= daily | _downstream(daily, children)
    # Everything else keeps its last good state: models of unchanged sources, and seeds (their
    # content is part of the code digest) with what reads only them.
    excluded = _topological(
        manifest,
        {uid for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed", "snapshot")} - wanted,
    )
    reason = f"new batches for {', '.join(sorted(changed))}" if changed else "no new batch since the last build"
    return NightlyPlan(False, reason, changed, excluded, batches)


def record_build(
    record_path: Path, manifest: Mapping, plan: NightlyPlan, built_sources: set[str], complete: bool
) -> None:
    """After a successful build: the sources whose downstream was built now count as up to date.
    A full build of only part of the project (a subset job) does not vouch for the rest's code."""
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    if plan.full and complete:
        record = {}
    batches = record.get("batches", {})
    batches.update({s: b for s, b in plan.batches.items() if s in built_sources})
    digest = code_digest(manifest) if complete or not plan.full else record.get("code_digest", "")
    record_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = record_path.with_name(f".{record_path.name}.{os.getpid()}")
    # The warehouse dbt writes (profiles.yml reads the same setting): gone or replaced → full build.
    warehouse = os.environ.get("T82_WAREHOUSE_PATH", "")
    tmp.write_text(json.dumps({"code_digest": digest, "warehouse": warehouse, "batches": batches}, indent=2),
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
