"""Benchmark of the nightly job and its stages at département (1×) and region (13×) scale.

    .venv/bin/python benchmarks/run.py [--scales 1 13]

Each stage runs in a fresh process; wall time and peak RSS of the whole process tree (sampled
every 50 ms with psutil) are recorded. Results: benchmarks/results/latest.{md,json}.
Not part of the test suite.
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
STAGES = [
    ("nightly_cold", "nightly", "full nightly job, empty landing and warehouse"),
    ("nightly_warm", "nightly", "same input again: nothing new lands, dbt rebuilds"),
    ("apidae_landing", "apidae_landing", "Apidae API pages → landing NDJSON (local server)"),
    ("dbt_build", "dbt_build", "dbt build: staging → marts + tests"),
    ("duckdb_read_json", "duckdb_read_json_limit", "limit: DuckDB read_json of the same NDJSON"),
    ("pandas_json_normalize", "pandas_json_normalize_naive", "naive: json.loads + pandas.json_normalize"),
    ("fluxvision_parsing", "fluxvision_parsing", "Flux Vision ZIPs → checked rows (Parquet) in landing"),
    ("duckdb_read_csv", "duckdb_read_csv_limit", "limit: unzip + DuckDB read_csv of the same tables"),
    ("fluxvision_refresh", "fluxvision_refresh", "Flux Vision refresh: dbt models, per-OT reports (HTML+PDF), serving"),
]


def measure(args: list[str], env: dict) -> tuple[float, float]:
    # The stage's logs go to a file: a pipe nobody reads fills up and blocks the stage.
    log_path = WORK / f"{args[0]}.log"
    log = open(log_path, "w")
    started = time.perf_counter()
    proc = psutil.Popen([sys.executable, str(HERE / "stages.py"), *args], env=env,
                        stdout=log, stderr=subprocess.STDOUT)
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
        raise SystemExit(f"stage {args} failed:\n{log_path.read_text()[-3000:]}")
    return wall, peak / 2**20


def run_scale(scale: float) -> list[dict]:
    root = WORK / f"x{scale:g}"
    env = {**os.environ, "T82_DATA_DIR": str(root), "DAGSTER_HOME": str(root / "dagster_home"),
           "T82_WAREHOUSE_PATH": str(root / "warehouse" / "t82.duckdb"), "T82_LANDING_DIR": str(root / "landing")}
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE.parent / "data" / "dagster_home" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    measure(["generate", str(scale)], env)  # written once, reused
    objects = sum(1 for _ in open(root / "generated" / "apidae" / "objects.ndjson", "rb"))
    rows = []
    for name, stage, what in STAGES:
        if name == "fluxvision_parsing":
            shutil.rmtree(root / "landing" / "fluxvision", ignore_errors=True)
        if name in ("nightly_cold", "apidae_landing"):
            shutil.rmtree(root / "landing", ignore_errors=True)
            shutil.rmtree(root / "warehouse", ignore_errors=True)
        wall, rss = measure([stage], env)
        rows.append({"scale": scale, "objects": objects, "stage": name, "what": what,
                     "wall_s": round(wall, 2), "peak_rss_mib": round(rss)})
        print(f"{scale:>4g}× {name:24} {wall:8.2f} s {rss:8.0f} MiB", flush=True)
    return rows


def write_results(rows: list[dict]) -> None:
    RESULTS.mkdir(exist_ok=True)
    machine = {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
               "python": platform.python_version(),
               "versions": {p: version(p) for p in ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "pandas")}}
    (RESULTS / "latest.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    limit = {r["scale"]: r["wall_s"] for r in rows if r["stage"] == "duckdb_read_json"}
    csv_limit = {r["scale"]: r["wall_s"] for r in rows if r["stage"] == "duckdb_read_csv"}
    lines = [f"Machine: {machine['cores']} cores, {machine['memory_gib']} GiB, Python {machine['python']}, "
             + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()), "",
             "| scale | Apidae objects | stage | wall (s) | peak RSS (MiB) | ÷ DuckDB limit | what |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        # Flux Vision stages compare with DuckDB's read_csv, the others with its read_json.
        base = csv_limit if r["stage"].startswith(("fluxvision", "duckdb_read_csv")) else limit
        ratio = r["wall_s"] / base[r["scale"]] if base.get(r["scale"]) else float("nan")
        lines.append(f"| {r['scale']:g}× | {r['objects']} | {r['stage']} | {r['wall_s']} | {r['peak_rss_mib']} | {ratio:.1f} | {r['what']} |")
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 13])
    args = parser.parse_args()
    rows = [row for scale in args.scales for row in run_scale(scale)]
    write_results(rows)
    print((RESULTS / "latest.md").read_text())


if __name__ == "__main__":
    main()
