import json
from pathlib import Path

import dagster as dg
import duckdb

from t82_pipeline.defs.serving.catalog import served_tables
from t82_pipeline.defs.serving.files import publish_files
from t82_pipeline.defs.serving.postgres import publish_postgres
from t82_pipeline.lib.quality import validate_frame

SERVED_MARTS = ["offers", "offer_quality_scores", "offers_to_requalify", "ot_offer_quality", "ot_offers_by_type_and_commune"]
LAST_COUNTS = ".last_published_counts.json"


class ServingTarget(dg.ConfigurableResource):
    """Where OT-facing marts go: per-OT files always; PostgreSQL too when ``pg_dsn`` is set."""

    folder: str
    warehouse_path: str
    manifest_path: str
    pg_dsn: str = ""
    max_overnight_drop: float = 0.2  # an OT losing more than this share of its records blocks the publish

    def offices(self) -> dict[str, str]:
        with duckdb.connect(self.warehouse_path, read_only=True) as con:
            return dict(con.execute("select ot_code, ot_name from reference.tourist_offices_82").fetchall())

    def last_counts(self) -> dict[str, int]:
        path = Path(self.folder) / LAST_COUNTS
        return json.loads(path.read_text()) if path.exists() else {}


@dg.asset_check(asset=dg.AssetKey(["marts", "ot_offer_quality"]), blocking=True, description=(
    "Before the OTs see it: every OT present once, scores within 0–100 (Great Expectations), and no OT "
    "losing more than the allowed share of its records since the last publish."))
def ot_marts_are_sound(serving: ServingTarget) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    with duckdb.connect(serving.warehouse_path, read_only=True) as con:
        frame = con.execute("select * from marts.ot_offer_quality").df()
    summary = validate_frame(frame, "ot_offer_quality", [
        gxe.ExpectTableRowCountToEqual(value=len(serving.offices())),
        gxe.ExpectColumnValuesToBeUnique(column="ot_code"),
        gxe.ExpectColumnValuesToBeBetween(column="avg_quality_score", min_value=0, max_value=100),
    ])
    previous = serving.last_counts()
    drops = [f"{row.ot_code}: {previous[row.ot_code]} → {row.offer_count}" for row in frame.itertuples()
             if previous.get(row.ot_code) and row.offer_count < (1 - serving.max_overnight_drop) * previous[row.ot_code]]
    return dg.AssetCheckResult(
        passed=summary.success and not drops,
        metadata={**summary.as_metadata(), "overnight_drops": "\n".join(drops) or "none"},
    )


@dg.asset(
    key=["serving", "ot_marts"],
    group_name="serving",
    owners=["team:data"],
    kinds={"duckdb", "parquet", "postgres"},
    deps=[dg.AssetKey(["marts", name]) for name in SERVED_MARTS],
    description=(
        "OT-facing marts served per OT: data/serving/<ot_code>/ (read-only DuckDB + Parquet + French data "
        "dictionary, only that OT's rows, swapped atomically) and, when T82_SERVING_PG_DSN is set, a "
        "PostgreSQL schema with one role per OT and row-level security."
    ),
)
def ot_marts(context: dg.AssetExecutionContext, serving: ServingTarget) -> dg.MaterializeResult:
    tables = served_tables(Path(serving.manifest_path))
    offices = serving.offices()
    rows = publish_files(Path(serving.warehouse_path), tables, offices, Path(serving.folder))
    metadata: dict = {"files_rows_per_ot": dg.MetadataValue.json(rows), "tables": ", ".join(t.name for t in tables)}
    if serving.pg_dsn:
        metadata["postgres_rows"] = dg.MetadataValue.json(
            publish_postgres(Path(serving.warehouse_path), tables, offices, serving.pg_dsn))
    with duckdb.connect(serving.warehouse_path, read_only=True) as con:
        counts = dict(con.execute("select ot_code, offer_count from marts.ot_offer_quality").fetchall())
    (Path(serving.folder) / LAST_COUNTS).write_text(json.dumps(counts))
    context.log.info(f"served {len(tables)} marts to {len(offices)} OTs")
    return dg.MaterializeResult(metadata=metadata)
