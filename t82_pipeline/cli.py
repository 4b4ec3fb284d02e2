"""``t82 demo``: the nightly job end to end on the embedded default, then where outputs are."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from t82_pipeline.lib.settings import REPO_ROOT, get_settings


def run_nightly(as_of_date: str | None = None) -> bool:
    import dagster as dg

    from t82_pipeline.definitions import defs

    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / "data" / "dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    run_config = {"ops": {"t82_dbt_models": {"config": {"as_of_date": as_of_date}}}} if as_of_date else None
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("nightly").execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )
    return result.success


def run_reports() -> bool:
    """The monthly provider reports, as their schedule would send them (to the outbox by default)."""
    import dagster as dg

    from t82_pipeline.definitions import defs

    with dg.DagsterInstance.get() as instance:
        return defs.resolve_job_def("fairguest_reports").execute_in_process(instance=instance, raise_on_error=False).success


def run_fluxvision() -> bool:
    """Lands every Flux Vision delivery of the drop folder as its sensor would (one partition per
    file, oldest first), then refreshes the marts and per-OT reports once."""
    import dagster as dg

    from t82_pipeline.definitions import defs
    from t82_pipeline.defs.fluxvision.assets import DELIVERIES
    from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS, delivery_key
    from t82_pipeline.lib.resources import DropFolderResource

    drop = DropFolderResource(path=str(get_settings().fluxvision_drop_dir))
    files = sorted((p for pattern in DELIVERY_PATTERNS for p in drop.files(pattern)), key=lambda p: p.stat().st_mtime)
    keys = [delivery_key(p) for p in files]
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(DELIVERIES.name, [k for k in keys if not instance.has_dynamic_partition(DELIVERIES.name, k)])
        landing = defs.resolve_job_def("fluxvision_delivery")
        landed = [landing.execute_in_process(partition_key=k, instance=instance, raise_on_error=False).success for k in keys]
        refreshed = defs.resolve_job_def("fluxvision_refresh").execute_in_process(instance=instance, raise_on_error=False).success
    return all(landed) and refreshed


def print_outputs() -> None:
    import duckdb

    s = get_settings()
    with duckdb.connect(str(s.warehouse_path), read_only=True) as con:
        rows = con.sql(
            "select ot_code, offer_count, avg_quality_score, offers_to_requalify "
            "from marts.ot_offer_quality order by ot_code"
        ).fetchall()
    print(f"\nWarehouse (DuckDB): {s.warehouse_path}")
    print("  marts: offers, offer_quality_scores, offers_to_requalify, ot_offer_quality, ot_offers_by_type_and_commune")
    print(f"DATAtourisme feed:  {s.opendata_dir / 'current'}  (index.json, objects/, context.jsonld)")
    print(f"Serving per OT:     {s.serving_dir}/<ot_code>/  (t82.duckdb, *.parquet, README.md)")
    print(f"Provider reports:   {s.reports_dir / 'fairguest'}/<month>/  e-mails: {s.outbox_dir if not s.smtp_host else 'SMTP'}")
    print(f"Flux Vision:        {s.reports_dir / 'fluxvision'}/<year>/<ot_code>.html|pdf  (deliveries: {s.fluxvision_drop_dir})")
    print(f"Newsletter segments: {s.segments_dir}/<segment>.csv  (personal data: restricted)")
    print(f"Landing zone:       {s.landing_dir}")
    print(f"Dagster storage:    {os.environ['DAGSTER_HOME']}  (UI: make ui)\n")
    print(f"{'OT':40} {'fiches':>7} {'score':>6} {'à requalifier':>14}")
    for ot, count, score, requalify in rows:
        print(f"{ot:40} {count:7d} {score:6.1f} {requalify:14d}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="t82", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="generate sample data if needed, run the nightly job, show outputs")
    demo.add_argument("--as-of-date", help="reference date for freshness (default: today)")
    args = parser.parse_args()

    if args.command == "demo":
        from t82_pipeline.demo.generate import ensure_samples

        stats = ensure_samples()
        print(f"Sample data: {'generated ' + str(stats) if stats else 'already generated'} in {get_settings().samples_dir}")
        if not run_nightly(args.as_of_date) or not run_fluxvision() or not run_reports():
            print("A run failed: open the Dagster UI (make ui) to see which step and why.", file=sys.stderr)
            sys.exit(1)
        print_outputs()


if __name__ == "__main__":
    main()
