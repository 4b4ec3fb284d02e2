"""DuckDB's spatial extension, loaded from its PyPI wheel (``duckdb-extension-spatial``): the
machines running t82 have no network for ``INSTALL spatial``. Geometry never leaves SQL as a
GEOMETRY column: tables keep GeoJSON text, so readers need no extension."""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_spatial


def spatial_extension_path() -> Path:
    return (
        Path(duckdb_extension_spatial.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "spatial.duckdb_extension"
    )


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    path = spatial_extension_path()
    if not path.exists():
        raise RuntimeError(f"DuckDB spatial extension missing at {path}: duckdb-extension-spatial must match duckdb")
    con.execute(f"load '{path.as_posix()}'")  # a path of the installed package, not outside text
