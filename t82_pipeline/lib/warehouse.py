"""What Python reads of the warehouse besides marts: the OT list, and what dbt built so far (a
mart not built yet — first run, or its source never landed — is skipped with a message, never a
failure)."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg
import duckdb

TOURIST_OFFICES = "reference.tourist_offices_82"


def tourist_offices(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The ten OTs, ot_code → name, in ot_code order (the reference seed built by dbt)."""
    return dict(con.execute(f"select ot_code, ot_name from {TOURIST_OFFICES} order by ot_code").fetchall())


def built_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{schema}.{name}"
        for schema, name in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }


def missing_relations(con: duckdb.DuckDBPyConnection, relations: Iterable[str]) -> list[str]:
    built = built_relations(con)
    return [r for r in relations if r not in built]


def nothing_to_publish(context: dg.AssetExecutionContext, missing: list[str]) -> dg.MaterializeResult:
    context.log.warning(
        f"not built yet: {', '.join(missing)} (first run, or the source has never landed): "
        "nothing published, the last published state stays"
    )
    return dg.MaterializeResult(metadata={"skipped": True, "not_built_yet": ", ".join(missing)})
