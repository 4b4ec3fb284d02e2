"""``t82 demo``: the nightly job end to end on the embedded default, then where outputs are."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from t82_pipeline.demo.run_report import RunReporter, merge_config
from t82_pipeline.lib.settings import REPO_ROOT, get_settings


def run_job(reporter: RunReporter, title: str, job: str, run_config: dict | None = None, **kwargs) -> bool:
    import dagster as dg

    from t82_pipeline.definitions import defs

    with dg.DagsterInstance.get() as instance:
        with reporter.capture():
            result = defs.resolve_job_def(job).execute_in_process(
                instance=instance, run_config=merge_config(run_config, reporter.verbose), raise_on_error=False, **kwargs)
        return reporter.report(title, result, instance)


def run_nightly(reporter: RunReporter, as_of_date: str | None = None) -> bool:
    run_config = {"ops": {"t82_dbt_models": {"config": {"as_of_date": as_of_date}}}} if as_of_date else None
    return run_job(reporter, "Nightly job", "nightly", run_config)


def run_reports(reporter: RunReporter) -> bool:
    """The monthly provider reports, as their schedule would send them (to the outbox by default)."""
    return run_job(reporter, "Provider reports", "fairguest_reports")


def run_fluxvision(reporter: RunReporter) -> bool:
    """Lands every Flux Vision delivery of the drop folder as its sensor would (one partition per
    file, oldest first), then refreshes the marts and per-OT reports once."""
    import dagster as dg

    from t82_pipeline.defs.fluxvision.assets import DELIVERIES
    from t82_pipeline.defs.fluxvision.landing import DELIVERY_PATTERNS, delivery_key
    from t82_pipeline.lib.resources import DropFolderResource

    drop = DropFolderResource(path=str(get_settings().fluxvision_drop_dir))
    files = sorted((p for pattern in DELIVERY_PATTERNS for p in drop.files(pattern)), key=lambda p: p.stat().st_mtime)
    keys = [delivery_key(p) for p in files]
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(DELIVERIES.name, [k for k in keys if not instance.has_dynamic_partition(DELIVERIES.name, k)])
    landed = [run_job(reporter, f"Flux Vision delivery {k}", "fluxvision_delivery", partition_key=k) for k in keys]
    return all(landed) and run_job(reporter, "Flux Vision refresh", "fluxvision_refresh")


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
    print("\nExpected in this demo (defects planted in the generated data, as real data has them): the WARN check "
          "no_record_duplicated_in_datatourisme fails, since the generated DATAtourisme download holds some of our "
          "records twice (see marts.opendata_coverage); records are quarantined or held back with their reason.")


def main() -> None:
    parser = argparse.ArgumentParser(prog="t82", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="generate sample data if needed, run the nightly job, show outputs")
    demo.add_argument("--as-of-date", help="reference date for freshness (default: today)")
    demo.add_argument("--verbose", action="store_true", help="print Dagster's full event log as the runs go")
    args = parser.parse_args()

    if args.command == "demo":
        from t82_pipeline.demo.generate import ensure_samples

        os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / "data" / "dagster_home"))
        Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
        stats = ensure_samples()
        print(f"Sample data: {'generated ' + str(stats) if stats else 'already generated'} in {get_settings().samples_dir}")
        reporter = RunReporter(get_settings().data_dir / "logs", verbose=args.verbose)
        print(f"Dagster's full event log: {reporter.log_path}")
        if not run_nightly(reporter, args.as_of_date) or not run_fluxvision(reporter) or not run_reports(reporter):
            print(f"\nA run failed (above: the step and its error). Full event log: {reporter.log_path}; "
                  "or open the Dagster UI (make ui).", file=sys.stderr)
            sys.exit(1)
        print_outputs()


if __name__ == "__main__":
    main()
