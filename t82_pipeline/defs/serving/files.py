"""Serving by files (embedded default): per OT, a read-only DuckDB file and Parquet files with
only that OT's rows, and a French README data dictionary, swapped in atomically."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from t82_pipeline.defs.serving.catalog import ServedTable
from t82_pipeline.lib.leftovers import owned_name, remove_leftovers
from t82_pipeline.lib.warehouse import WarehouseLocation


def served_select(table: ServedTable, con: duckdb.DuckDBPyConnection, catalog: str = "") -> str:
    """SELECT of a served table without its personal columns (``catalog`` = attached warehouse)."""
    relation = f"{catalog}.{table.relation}" if catalog else table.relation
    available = [r[0] for r in con.execute(f"describe {relation}").fetchall()]
    kept = [f'"{c}"' for c in available if c not in table.personal_columns]
    return f"select {', '.join(kept)} from {relation}"


def data_dictionary(ot_name: str, tables: list[ServedTable], stamp: datetime, served: dict[str, list[str]]) -> str:
    """French README of an OT's folder: every served table and column, described from the dbt docs."""
    lines = [
        f"# Données t82 — {ot_name}",
        "",
        f"Publié le {stamp:%d/%m/%Y à %H:%M} (UTC). Ces fichiers ne contiennent que les lignes de votre territoire",
        "(et les chiffres départementaux partagés). Ouvrez `t82.duckdb` (DuckDB, DBeaver, Metabase…) ou les",
        "fichiers Parquet (Power BI, Excel via Power Query).",
        "",
    ]
    for table in tables:
        lines += [f"## {table.name}", "", table.description or "", "", "| colonne | description |", "|---|---|"]
        lines += [f"| {c} | {table.columns.get(c) or '—'} |" for c in served.get(table.name, [])]
        lines.append("")
    return "\n".join(lines)


def publish_files(
    warehouse: WarehouseLocation, tables: list[ServedTable], offices: dict[str, str], root: Path
) -> dict[str, int]:
    """Writes every OT's folder, then points ``<root>/<ot_code>`` at it (an atomic link swap)."""
    stamp = datetime.now(UTC)
    versions = root / ".versions"
    versions.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root, ".link-")  # a crashed publish's link; its version folder goes below
    rows: dict[str, int] = {}
    served: dict[str, list[str]] = {}
    for ot_code, ot_name in sorted(offices.items()):
        folder = versions / f"{ot_code}-{stamp:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        with duckdb.connect(str(folder / "t82.duckdb")) as out:
            warehouse.attach(out, "wh")
            for table in tables:
                query = served_select(table, out, "wh")
                if table.ot_column:
                    query += f" where {table.ot_column} = $ot"
                out.execute(f'create table "{table.name}" as {query}', {"ot": ot_code} if table.ot_column else {})
                served[table.name] = [c[0] for c in out.execute(f'describe "{table.name}"').fetchall()]
                out.execute(f"copy \"{table.name}\" to '{folder / (table.name + '.parquet')}' (format parquet)")
                rows[ot_code] = rows.get(ot_code, 0) + out.execute(f'select count(*) from "{table.name}"').fetchone()[0]
                if table.description:
                    out.execute(
                        f"comment on table \"{table.name}\" is '{table.description.replace(chr(39), chr(39) * 2)}'"
                    )
            out.execute("detach wh")
        (folder / "README.md").write_text(data_dictionary(ot_name, tables, stamp, served), encoding="utf-8")
        os.chmod(folder / "t82.duckdb", 0o444)  # BI tools open it read-only
        link_tmp = root / owned_name(".link-")
        link_tmp.symlink_to(folder.relative_to(root))
        previous = (root / ot_code).resolve() if (root / ot_code).is_symlink() else None
        os.replace(link_tmp, root / ot_code)
        for old in versions.glob(f"{ot_code}-*"):
            if old not in (folder, previous):  # keep the previous version for readers still in it
                shutil.rmtree(old, ignore_errors=True)
    return rows
