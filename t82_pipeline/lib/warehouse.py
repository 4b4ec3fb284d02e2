"""Where the warehouse is and how Python reads it (read-only, on either backend), and what it
reads there besides marts: the OT list, and what dbt built so far (a mart not built yet — first
run, or its source never landed — is skipped with a message, never a failure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import dagster as dg
import duckdb

from t82_pipeline.lib.ducklake import attach_ducklake
from t82_pipeline.lib.settings import DUCKDB, DUCKLAKE, Settings
from t82_pipeline.lib.sql import quote_literal

TOURIST_OFFICES = "reference.tourist_offices_82"
# The DuckLake's catalog name: the DuckDB file's is its stem (t82.duckdb), so SQL reads the same.
LAKE_ALIAS = "t82"


@dataclass(frozen=True)
class WarehouseLocation:
    """The warehouse: one DuckDB file, or a DuckLake (catalog + data path). Plain values, so
    worker processes can be handed one."""

    backend: str
    path: str
    catalog: str = field(default="", repr=False)  # may hold a password
    data_path: str = ""

    @classmethod
    def of(cls, s: Settings) -> WarehouseLocation:
        return cls(s.warehouse_backend, str(s.warehouse_path), s.ducklake_catalog, s.ducklake_data_path)

    def attach(self, con: duckdb.DuckDBPyConnection, alias: str, snapshot: int | None = None) -> None:
        """Attaches the warehouse to ``con``, read-only, as ``alias`` (a DuckLake at ``snapshot``,
        else at its last commit)."""
        if self.backend != DUCKLAKE:
            con.execute(f"attach {quote_literal(self.path)} as {alias} (read_only)")
            return
        pinned = f", snapshot_version {int(snapshot)}" if snapshot is not None else ""
        attach_ducklake(con, self.catalog, self.data_path, alias, f"{pinned}, read_only")

    def connect(self, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
        """A read-only connection whose default catalog is the warehouse."""
        if self.backend == DUCKDB:
            return duckdb.connect(self.path, read_only=True)
        con = duckdb.connect()
        try:
            self.attach(con, LAKE_ALIAS, snapshot)
        except BaseException:
            con.close()
            raise
        con.execute(f"use {LAKE_ALIAS}")
        return con


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The DuckLake snapshot a connection reads."""
    return con.execute(f"select id from {LAKE_ALIAS}.current_snapshot()").fetchone()[0]


def tourist_offices(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The ten OTs, ot_code → name, in ot_code order (the reference seed built by dbt)."""
    return dict(con.execute(f"select ot_code, ot_name from {TOURIST_OFFICES} order by ot_code").fetchall())


def built_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()
    }


def missing_relations(con: duckdb.DuckDBPyConnection, relations: Iterable[str]) -> list[str]:
    built = built_relations(con)
    return [r for r in relations if r not in built]


def nothing_to_publish(context: dg.AssetExecutionContext, missing: list[str]) -> dg.AssetObservation:
    """What a publish asset records when what it reads is not built yet: an observation, never a
    materialization (a materialization always means the asset was written)."""
    context.log.warning(
        f"not built yet: {', '.join(missing)} (first run, or the source has never landed): "
        "nothing published, the last published state stays"
    )
    return dg.AssetObservation(asset_key=context.asset_key, metadata={"not_built_yet": ", ".join(missing)})
