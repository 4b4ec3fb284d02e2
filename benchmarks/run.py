"""Benchmark of the nightly job and its stages at département (1×) and region (13×) scale.

    .venv/bin/python benchmarks/run.py [--scales 1 13]

Each stage runs in a fresh process; wall time and peak RSS of the whole process tree (sampled
every 50 ms with psutil) are recorded, and for the ingestion stages the work alone (timed by the
stage, without interpreter start and imports), which the throughput ratios compare. Side by
side, on the same files: DuckDB's own readers (the limit), dlt (the peer, in its own virtualenv
benchmarks/.venv-dlt, installed on first use) and pandas (the naive path). Results:
benchmarks/results/latest.{md,json}. Not part of the test suite.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "results"
DLT_VENV = HERE / ".venv-dlt"
DLT_REQUIREMENTS = ["dlt[duckdb]==1.31.0", "duckdb==1.5.5"]  # the same DuckDB as t82
# (name, stage function, what). Stages run in this order at each scale; "setup" ones are not timed.
STAGES = [
    ("nightly_cold", "nightly", "full nightly job, empty landing and warehouse"),
    (
        "nightly_warm",
        "nightly_full",
        "same input again, full night: Apidae full snapshot, every dbt node rebuilt, the feed is skipped",
    ),
    (
        "nightly_daemon",
        "nightly_daemon",
        "same input, launched as production does: queued, run by dagster-daemon in its own worker",
    ),
    ("setup", "touch_one_percent", ""),
    (
        "nightly_delta",
        "nightly",
        "1 % of Apidae objects and Nurtik contacts changed: Apidae delta pull, dbt builds what changed",
    ),
    ("setup", "restore_samples", ""),
    ("dbt_build", "dbt_build", "dbt build alone: staging → marts + tests"),
    ("apidae_staging", "apidae_staging", "our staging view of the landed Apidae NDJSON, materialised"),
    ("datatourisme_feed", "datatourisme_feed", "DATAtourisme feed: JSON-LD records, RDF/ontology check, publish"),
    ("fairguest_reports", "fairguest_reports", "provider reports: one HTML + PDF per provider, e-mails to the outbox"),
    (
        "apidae_http_floor",
        "apidae_http_floor",
        "the same API pages fetched and discarded: what any API ingestion pays first",
    ),
    ("apidae_landing", "apidae_landing", "Apidae API pages → checked landing NDJSON (local server)"),
    (
        "duckdb_read_json",
        "duckdb_read_json_limit",
        "limit: DuckDB read_json of the same fields from the same landed files",
    ),
    ("dlt", "dlt", "peer: dlt loading the same NDJSON into DuckDB (defaults)"),
    ("pandas_json_normalize", "pandas_json_normalize_naive", "naive: json.loads + pandas.json_normalize"),
    ("fluxvision_parsing", "fluxvision_parsing", "Flux Vision ZIPs → checked rows (Parquet) in landing"),
    ("duckdb_read_csv", "duckdb_read_csv_limit", "limit: unzip + DuckDB read_csv of the same tables"),
    ("fluxvision_refresh", "fluxvision_refresh", "Flux Vision refresh: dbt models, per-OT reports (HTML+PDF), serving"),
]
SKIPPED_AT_REGION = {"fairguest_reports"}  # ≈5,000 PDFs: linear in providers, measured at 1×


def ensure_dlt() -> Path:
    """dlt in its own virtualenv: a peer to compare with, not a dependency of t82."""
    python = DLT_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DLT_VENV)], check=True)
    if subprocess.run(
        [str(python), "-c", "import dlt"], capture_output=True
    ).returncode:  # new, or an install cut short
        subprocess.run([str(python), "-m", "pip", "install", "-q", *DLT_REQUIREMENTS], check=True)
    return python


def work_seconds(name: str) -> float | None:
    """The stage's own timing of its work, without interpreter start and imports, if it gives one."""
    for line in reversed((WORK / f"{name}.log").read_text().splitlines()):
        if line.startswith("{") and "work_seconds" in line:
            return json.loads(line)["work_seconds"]
    return None


def measure(name: str, command: list[str], env: dict) -> tuple[float, float]:
    # The stage's logs go to a file: a pipe nobody reads fills up and blocks the stage.
    log_path = WORK / f"{name}.log"
    log = open(log_path, "w")
    started = time.perf_counter()
    proc = psutil.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - started
    log.close()
    if proc.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{log_path.read_text()[-3000:]}")
    return wall, peak / 2**20


def run_scale(scale: float, dlt_python: Path, only: set[str] | None = None) -> list[dict]:
    root = WORK / f"x{scale:g}"
    env = {
        **os.environ,
        "T82_DATA_DIR": str(root),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "T82_WAREHOUSE_PATH": str(root / "warehouse" / "t82.duckdb"),
        "T82_LANDING_DIR": str(root / "landing"),
    }
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE.parent / "data" / "dagster_home" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    stage = lambda *args: [sys.executable, str(HERE / "stages.py"), *args]  # noqa: E731
    measure("generate", stage("generate", str(scale)), env)  # written once, reused
    measure("restore_samples", stage("restore_samples"), env)  # an interrupted run may have left edits
    objects_file = root / "generated" / "apidae" / "objects.ndjson"
    objects = sum(1 for _ in open(objects_file, "rb"))
    rows = []
    for name, function, what in STAGES:
        if (scale > 1 and name in SKIPPED_AT_REGION) or (only and name not in only):
            continue
        stage_env = env
        if name == "nightly_cold":
            for folder in ("landing", "warehouse", "publish", "serving", "state"):
                shutil.rmtree(root / folder, ignore_errors=True)
        if name == "fairguest_reports":
            shutil.rmtree(root / "state", ignore_errors=True)  # the ledger: otherwise a month is sent once
        if name == "apidae_landing":  # its own landing folder: the warehouse's stays as built
            shutil.rmtree(root / "landing_apidae", ignore_errors=True)
            stage_env = {**env, "T82_LANDING_DIR": str(root / "landing_apidae")}
        if name == "fluxvision_parsing":
            shutil.rmtree(root / "landing" / "fluxvision", ignore_errors=True)
        command = (
            [str(dlt_python), str(HERE / "dlt_peer.py"), str(objects_file), str(root / "dlt")]
            if function == "dlt"
            else stage(function)
        )
        wall, rss = measure(function if name == "setup" else name, command, stage_env)
        if name == "setup":
            continue
        rows.append(
            {
                "scale": scale,
                "objects": objects,
                "stage": name,
                "what": what,
                "wall_s": round(wall, 2),
                "work_s": work_seconds(name),
                "peak_rss_mib": round(rss),
            }
        )
        print(f"{scale:>4g}× {name:24} {wall:8.2f} s {rss:8.0f} MiB", flush=True)
    return rows


def with_ingestion_total(rows: list[dict]) -> list[dict]:
    """Adds Apidae landing + staging, the path the throughput target is about."""
    out = list(rows)
    for scale in sorted({r["scale"] for r in rows}):
        parts = {
            r["stage"]: r for r in rows if r["scale"] == scale and r["stage"] in ("apidae_landing", "apidae_staging")
        }
        if len(parts) == 2:
            out.append(
                {
                    "scale": scale,
                    "objects": parts["apidae_landing"]["objects"],
                    "stage": "apidae_landing+staging",
                    "what": "ours, for the throughput target: landing then staging",
                    "wall_s": round(sum(p["wall_s"] for p in parts.values()), 2),
                    "work_s": (
                        round(sum(p["work_s"] for p in parts.values()), 3)
                        if all(p.get("work_s") is not None for p in parts.values())
                        else None
                    ),
                    "peak_rss_mib": max(p["peak_rss_mib"] for p in parts.values()),
                }
            )
    return out


def ratio(row: dict, base: dict | None) -> str:
    """Work time over work time when both stages time their work (start-up excluded on both
    sides), wall over wall otherwise."""
    if not base:
        return ""
    key = "work_s" if row.get("work_s") and base.get("work_s") else "wall_s"
    return f"{row[key] / base[key]:.2f}"


def write_results(rows: list[dict]) -> None:
    RESULTS.mkdir(exist_ok=True)
    machine = {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "pandas")}
        | {"dlt": DLT_REQUIREMENTS[0].split("==")[1]},
    }
    (RESULTS / "latest.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    by_stage = {(r["scale"], r["stage"]): r for r in rows}
    lines = [
        f"Machine: {machine['cores']} cores, {machine['memory_gib']} GiB, Python {machine['python']}, "
        + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()),
        "",
        "| scale | Apidae objects | stage | wall (s) | work (s) | peak RSS (MiB) | ÷ DuckDB limit | ÷ dlt | what |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        # Apidae ingestion compares with DuckDB's read_json and with dlt; Flux Vision parsing with read_csv.
        json_side = r["stage"].startswith(("apidae", "dlt", "duckdb_read_json", "pandas"))
        csv_side = r["stage"] in ("fluxvision_parsing", "duckdb_read_csv")
        limit = (
            by_stage.get((r["scale"], "duckdb_read_json" if json_side else "duckdb_read_csv"))
            if json_side or csv_side
            else None
        )
        peer = by_stage.get((r["scale"], "dlt")) if json_side else None
        work = r.get("work_s")
        what = r["what"]
        in_process = by_stage.get((r["scale"], "nightly_warm"))
        if r["stage"] == "nightly_daemon" and in_process and work:
            what += f" (÷ in-process warm nightly: {work / in_process['wall_s']:.2f}; target ≤ 1.3)"
        lines.append(
            f"| {r['scale']:g}× | {r['objects']} | {r['stage']} | {r['wall_s']} | {'' if work is None else work} "
            f"| {r['peak_rss_mib']} | {ratio(r, limit)} | {ratio(r, peer)} | {what} |"
        )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 13])
    parser.add_argument(
        "--only", nargs="+", metavar="STAGE", help="these stages only (the others keep their last rows)"
    )
    args = parser.parse_args()
    only = set(args.only or []) or None
    dlt_python = ensure_dlt()
    # Scales not measured this time keep their last results; each scale is written as soon as it
    # is done, so a long region run that fails keeps the département's.
    previous = json.loads((RESULTS / "latest.json").read_text())["rows"] if (RESULTS / "latest.json").exists() else []
    rows = [
        r
        for r in previous
        if (r["scale"] not in args.scales or (only and r["stage"] not in only))
        and r["stage"] not in ("apidae_landing+staging", "nightly_incremental")  # derived, or renamed
    ]
    for scale in args.scales:
        rows += run_scale(scale, dlt_python, only)
        order = {name: i for i, (name, _, _) in enumerate(STAGES)}
        write_results(with_ingestion_total(sorted(rows, key=lambda r: (r["scale"], order.get(r["stage"], 99)))))
    print((RESULTS / "latest.md").read_text())


if __name__ == "__main__":
    main()
