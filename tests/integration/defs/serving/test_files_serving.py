"""Serving by files before Flux Vision's first delivery: the marts built so far reach the OTs."""

import json

import dagster as dg
import duckdb

from t82_pipeline.defs.serving.assets import ot_marts
from t82_pipeline.defs.serving.resources import ServingTarget
from t82_pipeline.lib.resources import WarehouseResource

OFFICES = [("grand-montauban", "OT du Grand Montauban"), ("deux-rives", "OT des Deux Rives")]


def served_model(name: str) -> dict:
    return {
        "resource_type": "model",
        "schema": "marts",
        "name": name,
        "description": f"{name} en français.",
        "config": {"meta": {"serving": {"ot_column": "ot_code"}}},
        "columns": {"ot_code": {"description": "OT."}},
    }


def test_a_served_mart_not_built_yet_is_left_out_and_said(tmp_path):
    warehouse = tmp_path / "t82.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema reference; create schema marts")
        con.execute("create table reference.tourist_offices_82 (ot_code varchar, ot_name varchar)")
        con.executemany("insert into reference.tourist_offices_82 values (?, ?)", OFFICES)
        con.execute(
            "create table marts.offers as select * from (values ('grand-montauban', 1), ('deux-rives', 2)) t(ot_code, id)"
        )
        con.execute(
            "create table marts.ot_offer_quality as select * from (values ('grand-montauban', 1), ('deux-rives', 1)) t(ot_code, offer_count)"
        )
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps({"nodes": {f"model.t82.{n}": served_model(n) for n in ("offers", "fluxvision_monthly")}})
    )
    target = ServingTarget(folder=str(tmp_path / "serving"), manifest_path=str(manifest))
    reader = WarehouseResource(database=str(warehouse), connection_config={"access_mode": "READ_ONLY"})

    result = dg.materialize([ot_marts], resources={"serving": target, "warehouse": reader})

    metadata = result.asset_materializations_for_node("serving__ot_marts")[0].metadata
    assert metadata["not_built_yet"].value == "fluxvision_monthly"
    folder = tmp_path / "serving" / "deux-rives"
    assert (folder / "offers.parquet").exists() and not (folder / "fluxvision_monthly.parquet").exists()
    with duckdb.connect(str(folder / "t82.duckdb"), read_only=True) as con:
        assert con.execute("select ot_code, id from offers").fetchall() == [("deux-rives", 2)]
