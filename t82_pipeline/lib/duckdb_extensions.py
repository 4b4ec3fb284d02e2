"""DuckDB extensions loaded from their PyPI wheels (``duckdb-extension-<name>``, pinned to the
duckdb version): the machines running t82 have no network for ``INSTALL``. Spatial serves the
models that check points against shapes; ducklake and postgres_scanner the DuckLake warehouse.
Geometry never leaves SQL as a GEOMETRY column: tables keep GeoJSON text, so readers need no
spatial extension."""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

SPATIAL = "spatial"
# The DuckLake warehouse: the format itself, and the reader of its PostgreSQL catalog.
DUCKLAKE = ("postgres_scanner", "ducklake")


def extension_path(name: str) -> Path:
    package = importlib.import_module(f"duckdb_extension_{name}")
    return Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = extension_path(name)
    if not path.exists():
        raise RuntimeError(f"DuckDB {name} extension missing at {path}: duckdb-extension-{name} must match duckdb")
    con.execute(f"load '{path.as_posix()}'")  # a path of the installed package, not outside text
