"""The layout docs/architecture.md describes: domains import lib/, never each other, and lib/
imports no domain (the nightly job, across domains, is the one module allowed to)."""

import ast
from pathlib import Path

from t82_pipeline.lib.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "t82_pipeline"
DOMAINS = sorted(p.name for p in (PACKAGE / "defs").iterdir() if (p / "definitions.py").exists())


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_no_domain_imports_another():
    crossings = [
        f"{domain}/{path.name} imports {module}"
        for domain in DOMAINS
        for path in (PACKAGE / "defs" / domain).rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("t82_pipeline.defs.") and module.split(".")[2] != domain
    ]
    assert crossings == []


def test_lib_imports_no_domain():
    crossings = [
        f"lib/{path.name} imports {module}"
        for path in (PACKAGE / "lib").rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("t82_pipeline.defs")
    ]
    assert crossings == []


def test_the_domains_are_the_ones_the_architecture_names():
    assert DOMAINS == ["dbt", "fairguest", "fluxvision", "nurtik", "opendata", "ops", "serving", "sit"]
