"""Building every page of a set of years: pages are CPU-bound (charts, SVG) and independent,
so they spread over the cores, each worker with its own read-only connection."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import duckdb

from t82_pipeline.defs.fluxvision.observatory.page import TerritoryPage, build_page
from t82_pipeline.lib.warehouse import WarehouseLocation


def _build_one(args: tuple) -> TerritoryPage:
    warehouse, year, ot_code, title, years = args
    with warehouse.connect() as con:
        con.execute("set enable_progress_bar = false")  # workers' stderr is the run's log
        return build_page(con, year, ot_code, title, years)


def build_pages(
    warehouse: WarehouseLocation, wanted: list[tuple[int, str | None, str]], years: list[int]
) -> list[TerritoryPage]:
    args = [(warehouse, *w, years) for w in wanted]
    if len(args) < 4:
        return [_build_one(a) for a in args]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_build_one, args))


def year_signatures(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Which landed batches feed each year: a year whose batches did not change needs no new page.
    A year's pages also show the three years before it, so their batches count too."""
    own = dict(
        con.execute("""
        select year, md5(string_agg(batch_id || ':' || figures, ',' order by batch_id))
        from marts.fluxvision_deliveries group by 1""").fetchall()
    )
    return {y: "|".join(own.get(y - k, "") for k in range(4)) for y in own}
