"""``t82 demo``: the nightly job end to end on the embedded default, run by a real Dagster daemon,
then where outputs are. ``t82 ui``: the Dagster UI on the same instance."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from t82_pipeline.demo.run_report import RunReporter
from t82_pipeline.lib.settings import DUCKDB, get_settings


def run_demo(reporter: RunReporter, as_of_date: str | None, daemon_log: Path | None) -> bool:
    """The nightly, launched as from the UI; the daemon's automation builds what it landed, its
    sensors land the dropped files and the Flux Vision deliveries; then last month's provider reports."""
    import dagster as dg

    from t82_pipeline.demo.daemon import RunFollower, idle_sensor_names, launch, now, running_daemon

    if as_of_date:  # read by the dbt runs the daemon's automation launches (settings: T82_AS_OF_DATE)
        os.environ["T82_AS_OF_DATE"] = as_of_date
    outcomes: list[bool] = []
    with dg.DagsterInstance.get() as instance:
        runs = RunFollower(instance, now(), lambda run: outcomes.append(reporter.report(run, instance)))
        # Queued before the daemon starts: its automation's first look sees the landing in progress
        # and waits for it, so one run builds what the night landed.
        launch("nightly")
        print("Nightly job queued; the daemon runs it, builds what it lands, and its sensors land the dropped files.")
        with running_daemon(daemon_log):
            runs.wait_until_idle(idle_sensor_names())
            if all(outcomes):
                # They read the Fairguest marts the night built; nothing follows them (no idle wait).
                runs.wait_for_run(launch("fairguest_reports"))
    return bool(outcomes) and all(outcomes)


def print_outputs(settings=None) -> None:
    from t82_pipeline.lib.warehouse import WarehouseLocation

    s = settings or get_settings()
    with WarehouseLocation.of(s).connect() as con:
        # Every OT, with or without records of its own in the SIT.
        rows = con.sql(
            "select offices.ot_code, quality.offer_count, quality.avg_quality_score, quality.offers_to_requalify "
            "from reference.tourist_offices_82 as offices "
            "left join marts.ot_offer_quality as quality using (ot_code) order by 1"
        ).fetchall()
    where = s.warehouse_path if s.warehouse_backend == DUCKDB else f"DuckLake, data in {s.ducklake_data_path}"
    print(f"\nWarehouse ({s.warehouse_backend}): {where}")
    print("  marts: offers, offer_quality_scores, offers_to_requalify, ot_offer_quality, ot_offers_by_type_and_commune")
    print(f"DATAtourisme feed:  {s.opendata_dir / 'current'}  (index.json, objects/, context.jsonld)")
    print(f"Serving per OT:     {s.serving_dir}/<ot_code>/  (t82.duckdb, *.parquet, README.md)")
    print(
        f"Provider reports:   {s.reports_dir / 'fairguest'}/<month>/  e-mails: {s.outbox_dir if not s.smtp_host else 'SMTP'}"
    )
    print(
        f"Flux Vision:        {s.reports_dir / 'fluxvision'}/<year>/<ot_code>.html|pdf  (deliveries: {s.fluxvision_drop_dir})"
    )
    print(f"Newsletter segments: {s.segments_dir}/<segment>.csv  (personal data: restricted)")
    print(f"Landing zone:       {s.landing_dir}")
    print(f"Dagster storage:    {os.environ['DAGSTER_HOME']}  (UI: make ui)\n")
    print("\n".join(summary_lines(rows)))
    print(
        "\nExpected in this demo (defects planted in the generated data, as real data has them): the WARN check "
        "no_record_duplicated_in_datatourisme fails, since the generated DATAtourisme download holds some of our "
        "records twice (see marts.opendata_coverage); records are quarantined or held back with their reason."
    )


def summary_lines(rows: list[tuple]) -> list[str]:
    """One line per OT: its records, average quality score, records to requalify ("—": none)."""

    def cell(value, width: int, spec: str) -> str:
        return f"{'—' if value is None else format(value, spec):>{width}}"

    lines = [f"{'OT':40} {'fiches':>7} {'score':>6} {'à requalifier':>14}"]
    for ot, count, score, requalify in rows:
        lines.append(f"{ot:40} {cell(count, 7, 'd')} {cell(score, 6, '.1f')} {cell(requalify, 14, 'd')}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="t82", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="generate sample data if needed, run the nightly job, show outputs")
    demo.add_argument("--as-of-date", help="reference date for freshness (default: today)")
    demo.add_argument("--scale", type=float, default=1.0, help="sample size on first generation: 1 = the département")
    demo.add_argument("--verbose", action="store_true", help="print the daemon's own log as the runs go")
    # Whatever follows `t82 ui` goes to dagster dev (e.g. -p 3001).
    sub.add_parser("ui", add_help=False, help="the Dagster UI and daemon (dagster dev) on the embedded instance")
    args, dev_args = parser.parse_known_args()
    if dev_args and args.command != "ui":
        parser.error(f"unrecognized arguments: {' '.join(dev_args)}")

    from t82_pipeline.demo.daemon import BIN, WORKSPACE, DemoError, prepare_dagster_home

    home = prepare_dagster_home()
    if args.command == "ui":
        # Ctrl-C (SIGINT) stops dagster dev and what it started, even when `t82 ui` was launched
        # from a background job, which a shell starts with SIGINT ignored (exec keeps that).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execv(BIN / "dagster", [str(BIN / "dagster"), "dev", "-w", str(WORKSPACE), *dev_args])
    from t82_pipeline.demo.generate import ensure_samples

    stats = ensure_samples(args.scale)
    print(f"Sample data: {'generated ' + str(stats) if stats else 'already generated'} in {get_settings().samples_dir}")
    reporter = RunReporter(get_settings().data_dir / "logs")
    print(f"Dagster instance: {home}; each run's full event log: {reporter.log_path}")
    try:
        succeeded = run_demo(reporter, args.as_of_date, None if args.verbose else reporter.log_path)
    except DemoError as exc:
        print(f"\n{exc}", file=sys.stderr)
        succeeded = False
    if not succeeded:
        print(
            f"\nA run failed (above: the step and its error). Full event log: {reporter.log_path}; "
            "or open the Dagster UI (make ui).",
            file=sys.stderr,
        )
        sys.exit(1)
    print_outputs()


if __name__ == "__main__":
    main()
