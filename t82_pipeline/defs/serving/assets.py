import json
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.serving.catalog import served_tables
from t82_pipeline.defs.serving.files import publish_files
from t82_pipeline.defs.serving.postgres import publish_postgres
from t82_pipeline.defs.serving.resources import LAST_COUNTS, ServingTarget
from t82_pipeline.lib.automation import follows_its_inputs
from t82_pipeline.lib.quality import validate_frame
from t82_pipeline.lib.resources import WarehouseResource, reader_pool
from t82_pipeline.lib.settings import REPO_ROOT
from t82_pipeline.lib.warehouse import TOURIST_OFFICES, built_relations, nothing_to_publish, tourist_offices

# What is served is declared in dbt (meta.serving): read once from the prepared manifest so the
# serving asset depends on exactly those marts, and each gets a blocking key check.
MANIFEST = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
SERVED = served_tables(MANIFEST) if MANIFEST.exists() else []


# Checks that read the warehouse queue in its pool too: a dbt run elsewhere holds DuckDB's lock.
@dg.asset_check(
    asset=dg.AssetKey(["marts", "ot_offer_quality"]),
    blocking=True,
    pool=reader_pool(),
    description=(
        "Before the OTs see it: every OT present once, scores within 0–100 (Great Expectations), and no OT "
        "losing more than the allowed share of its records since the last publish."
    ),
)
def ot_marts_are_sound(serving: ServingTarget, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    with warehouse.get_connection() as con:
        frame = con.execute("select * from marts.ot_offer_quality").df()
        offices = tourist_offices(con)
    summary = validate_frame(
        frame,
        "ot_offer_quality",
        [
            gxe.ExpectTableRowCountToEqual(value=len(offices)),
            gxe.ExpectColumnValuesToBeUnique(column="ot_code"),
            gxe.ExpectColumnValuesToBeBetween(column="avg_quality_score", min_value=0, max_value=100),
        ],
    )
    previous = serving.last_counts()
    drops = [
        f"{row.ot_code}: {previous[row.ot_code]} → {row.offer_count}"
        for row in frame.itertuples()
        if previous.get(row.ot_code) and row.offer_count < (1 - serving.max_overnight_drop) * previous[row.ot_code]
    ]
    return dg.AssetCheckResult(
        passed=summary.success and not drops,
        metadata={**summary.as_metadata(), "overnight_drops": "\n".join(drops) or "none"},
    )


KEYED = "rows_belong_to_an_ot"


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            KEYED,
            asset=dg.AssetKey([t.schema, t.name]),
            blocking=True,
            description="Great Expectations: an OT code on a row is one of the ten OTs' (isolation relies "
            "on it; rows without one reach no OT)",
        )
        for t in SERVED
        if t.ot_column
    ],
    can_subset=True,
    pool=reader_pool(),
)
def served_marts_are_keyed(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    import great_expectations.expectations as gxe

    with warehouse.get_connection() as con:
        offices = sorted(tourist_offices(con))
    by_key = {dg.AssetKey([t.schema, t.name]): t for t in SERVED}
    for check_key in context.selected_asset_check_keys:
        table = by_key[check_key.asset_key]
        with warehouse.get_connection() as con:
            frame = con.execute(f'select "{table.ot_column}" as ot_code from {table.relation}').df()
        summary = validate_frame(
            frame,
            f"{table.name}_keyed",
            [
                gxe.ExpectColumnValuesToBeInSet(column="ot_code", value_set=offices),
            ],
        )
        yield dg.AssetCheckResult(
            asset_key=check_key.asset_key,
            check_name=KEYED,
            passed=summary.success,
            metadata={"rows": len(frame), **summary.as_metadata()},
        )


@dg.asset(
    key=["serving", "ot_marts"],
    output_required=False,
    automation_condition=follows_its_inputs(),
    pool=reader_pool(),
    group_name="serving",
    owners=["team:data"],
    kinds={"duckdb", "parquet", "postgres"},
    deps=[dg.AssetKey([t.schema, t.name]) for t in SERVED],
    description=(
        "OT-facing marts served per OT: data/serving/<ot_code>/ (read-only DuckDB + Parquet + French data "
        "dictionary, only that OT's rows, swapped atomically) and, when T82_SERVING_PG_DSN is set, a "
        "PostgreSQL schema with one role per OT and row-level security."
    ),
)
def ot_marts(context: dg.AssetExecutionContext, serving: ServingTarget, warehouse: WarehouseResource):
    declared = served_tables(Path(serving.manifest_path))
    # Flux Vision marts exist once a first delivery is refreshed; until then the OTs get the rest.
    with warehouse.get_connection() as con:
        built = built_relations(con)
        if TOURIST_OFFICES not in built:
            yield nothing_to_publish(context, [TOURIST_OFFICES])
            return
        offices = tourist_offices(con)
    tables = [t for t in declared if t.relation in built]
    rows = publish_files(warehouse.location(), tables, offices, Path(serving.folder))
    metadata: dict = {
        "files_rows_per_ot": dg.MetadataValue.json(rows),
        "tables": ", ".join(t.name for t in tables),
        "not_built_yet": ", ".join(t.name for t in declared if t not in tables) or "none",
    }
    if serving.pg_dsn:
        metadata["postgres_rows"] = dg.MetadataValue.json(
            publish_postgres(warehouse.location(), tables, offices, serving.pg_dsn)
        )
    if "marts.ot_offer_quality" in built:  # what the next publish compares with
        with warehouse.get_connection() as con:
            counts = dict(con.execute("select ot_code, offer_count from marts.ot_offer_quality").fetchall())
        (Path(serving.folder) / LAST_COUNTS).write_text(json.dumps(counts))
    context.log.info(f"served {len(tables)} marts to {len(offices)} OTs")
    yield dg.MaterializeResult(metadata=metadata)
