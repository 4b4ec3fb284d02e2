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
from collections.abc import Callable
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' PostgreSQL helper
from tests.support.postgres import create_database, postgres_server  # noqa: E402

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "results"
DLT_VENV = HERE / ".venv-dlt"
DLT_REQUIREMENTS = ["dlt[duckdb]==1.31.0", "duckdb==1.5.5"]  # the same DuckDB as t82
# (name, stage function, what). Stages run in this order at each scale; "setup" ones are not timed.
STAGES = [
    ("nightly_cold", "nightly", "first night: empty landing and warehouse, every source landed, everything built"),
    (
        "nightly_warm",
        "nightly_full",
        "same input, a night where everything changed: Apidae full snapshot, every asset after landing rebuilt",
    ),
    (
        "ducklake_nightly_first",
        "nightly_full",
        "full night onto an empty DuckLake (catalog in PostgreSQL, Parquet data), same landing",
    ),
    ("ducklake_nightly_warm", "nightly_full", "the same full night again on the DuckLake"),
    ("setup", "touch_one_percent", ""),
    (
        "nightly_delta",
        "nightly",
        "1 % of Apidae objects and Nurtik contacts changed: delta pulls, the automation builds what follows them",
    ),
    ("nightly_nothing_new", "nightly", "the next night, nothing new: every source asked, nothing built"),
    ("setup", "touch_another_percent", ""),
    (
        "nightly_daemon",
        "nightly_daemon",
        "another 1 % changed, the night launched as production does: dagster-daemon runs the nightly, "
        "then the automation's runs",
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
    ("apidae_export_landing", "apidae_export_landing", "a full Apidae export ZIP → checked landing NDJSON"),
    ("apidae_export_staging", "apidae_export_staging", "our staging's read of that landed export, materialised"),
    (
        "duckdb_read_json_export",
        "duckdb_read_json_export_limit",
        "limit: unzip the same ZIP + DuckDB read_json of the same fields",
    ),
    ("pandas_json_normalize", "pandas_json_normalize_naive", "naive: json.loads + pandas.json_normalize"),
    ("fluxvision_parsing", "fluxvision_parsing", "Flux Vision ZIPs → checked rows (Parquet) in landing"),
    ("duckdb_read_csv", "duckdb_read_csv_limit", "limit: unzip + DuckDB read_csv of the same tables"),
    (
        "fluxvision_build",
        "fluxvision_build",
        "what Flux Vision feeds: dbt models, per-OT observatory (HTML+PDF), serving",
    ),
    ("demo", "demo", "`t82 demo` from a clean data folder: samples generated, a night on dagster-daemon, the reports"),
]
# Targets (issue #28), shown beside the figures: (stage, over stage or None for seconds, scale, bound).
TARGETS = [
    ("nightly_delta", "nightly_warm", 13, 0.35),
    ("nightly_delta", None, 1, 15.0),
    ("nightly_nothing_new", None, 1, 10.0),
    ("demo", None, 1, 120.0),
]
SKIPPED_AT_REGION = {"fairguest_reports", "demo"}  # ≈5,000 PDFs: linear in providers; the demo is 1×
LAKE_DATABASE = "t82_lake"


def ducklake_env(env: dict, root: Path, stack: ExitStack) -> dict:
    """The stage's settings on a DuckLake: an empty catalog in a PostgreSQL started for the scale,
    its own data folder and dbt build record (the DuckDB stages' warehouse stays as it is)."""
    pg = stack.enter_context(postgres_server())
    create_database(pg, LAKE_DATABASE)
    shutil.rmtree(root / "lake", ignore_errors=True)
    return {
        **env,
        "T82_WAREHOUSE": "ducklake",
        "T82_DUCKLAKE_CATALOG": f"postgres:host={pg.host} port={pg.port} dbname={LAKE_DATABASE} user={pg.user}",
        "T82_DUCKLAKE_DATA_PATH": str(root / "lake" / "data"),
        "T82_WAREHOUSE_PATH": str(root / "lake" / "t82.duckdb"),  # its build record and spill folder
    }


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
        "T82_AS_OF_DATE": "2026-11-01",  # the generated data's reference date
    }
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE.parent / "data" / "dagster_home" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    stage = lambda *args: [sys.executable, str(HERE / "stages.py"), *args]  # noqa: E731
    measure("generate", stage("generate", str(scale)), env)  # written once, reused
    measure("restore_samples", stage("restore_samples"), env)  # an interrupted run may have left edits
    objects_file = root / "generated" / "apidae" / "objects.ndjson"
    objects = sum(1 for _ in open(objects_file, "rb"))
    with ExitStack() as stack:  # the DuckLake stages' PostgreSQL, stopped with the scale
        return _run_stages(scale, root, env, stage, dlt_python, objects, only, stack)


def _run_stages(
    scale: float,
    root: Path,
    env: dict,
    stage: Callable[..., list[str]],
    dlt_python: Path,
    objects: int,
    only: set[str] | None,
    stack: ExitStack,
) -> list[dict]:
    rows, lake_env = [], None
    for name, function, what in STAGES:
        if (scale > 1 and name in SKIPPED_AT_REGION) or (only and name not in only and name != "setup"):
            continue
        stage_env = env
        if name.startswith("ducklake"):
            lake_env = lake_env or ducklake_env(env, root, stack)
            stage_env = lake_env
        if name == "nightly_cold":
            # A first night: Dagster's storage goes too, else the automation believes the seeds
            # and models of earlier runs are still built (and requests what follows them only).
            for folder in ("landing", "warehouse", "publish", "serving", "state", "dagster_home"):
                shutil.rmtree(root / folder, ignore_errors=True)
            (root / "dagster_home").mkdir()
            shutil.copy(HERE.parent / "data" / "dagster_home" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
        if name == "fairguest_reports":
            shutil.rmtree(root / "state", ignore_errors=True)  # the ledger: otherwise a month is sent once
        if name == "apidae_landing":  # its own landing folder: the warehouse's stays as built
            shutil.rmtree(root / "landing_apidae", ignore_errors=True)
            stage_env = {**env, "T82_LANDING_DIR": str(root / "landing_apidae")}
        if name == "apidae_export_landing":
            shutil.rmtree(root / "landing_export", ignore_errors=True)
            measure("write_full_export", stage("write_full_export"), env)  # untimed: the ZIP to land
        if "export" in name:
            stage_env = {**env, "T82_LANDING_DIR": str(root / "landing_export")}
        if name == "fluxvision_parsing":
            shutil.rmtree(root / "landing" / "fluxvision", ignore_errors=True)
        command = (
            [
                str(dlt_python),
                str(HERE / "dlt_peer.py"),
                str(root / "generated" / "apidae" / "objects.ndjson"),
                str(root / "dlt"),
            ]
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


# Derived rows, for the throughput targets: (row, its two parts, what).
INGESTION_TOTALS = [
    ("apidae_landing+staging", ("apidae_landing", "apidae_staging"), "ours, API: landing then staging"),
    (
        "apidae_export_landing+staging",
        ("apidae_export_landing", "apidae_export_staging"),
        "ours, export ZIP: landing then staging",
    ),
]


def with_ingestion_total(rows: list[dict]) -> list[dict]:
    """Adds Apidae landing + staging (API and export), the paths the throughput targets are about."""
    out = list(rows)
    for scale in sorted({r["scale"] for r in rows}):
        for total, names, what in INGESTION_TOTALS:
            parts = [r for r in rows if r["scale"] == scale and r["stage"] in names]
            if len(parts) != 2:
                continue
            work = [p.get("work_s") for p in parts]
            out.append(
                {
                    "scale": scale,
                    "objects": parts[0]["objects"],
                    "stage": total,
                    "what": what,
                    "wall_s": round(sum(p["wall_s"] for p in parts), 2),
                    "work_s": round(sum(work), 3) if None not in work else None,
                    "peak_rss_mib": max(p["peak_rss_mib"] for p in parts),
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


def limit_of(stage: str) -> str | None:
    """The DuckDB reader a stage is compared with: read_json of the landed NDJSON for the API path
    (and dlt beside it), of the ZIP's own files for an export; read_csv for Flux Vision."""
    if "export" in stage:
        return "duckdb_read_json_export"
    if stage.startswith(("apidae", "dlt", "duckdb_read_json", "pandas")):
        return "duckdb_read_json"
    if stage in ("fluxvision_parsing", "duckdb_read_csv"):
        return "duckdb_read_csv"
    return None


def target_note(row: dict, by_stage: dict) -> str:
    """The row's target from TARGETS, with its measure and whether it is met."""
    notes = []
    for stage, over, scale, bound in TARGETS:
        if row["stage"] != stage or row["scale"] != scale:
            continue
        seconds = row.get("work_s") or row["wall_s"]
        if over is None:
            notes.append(f"target ≤ {bound:g} s: {'met' if seconds <= bound else 'missed'}")
        elif base := by_stage.get((scale, over)):
            share = seconds / (base.get("work_s") or base["wall_s"])
            notes.append(f"÷ {over}: {share:.2f}, target ≤ {bound}: {'met' if share <= bound else 'missed'}")
    return f" ({'; '.join(notes)})" if notes else ""


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
        limit = by_stage.get((r["scale"], limit_of(r["stage"])))
        json_side = limit_of(r["stage"]) == "duckdb_read_json"
        peer = by_stage.get((r["scale"], "dlt")) if json_side else None
        work = r.get("work_s")
        what = r["what"]
        in_process = by_stage.get((r["scale"], "nightly_warm"))
        delta = by_stage.get((r["scale"], "nightly_delta"))
        if r["stage"] == "nightly_daemon" and delta and work and delta.get("work_s"):
            what += f" (÷ the in-process delta night: {work / delta['work_s']:.2f}; target ≤ 1.3)"
        if r["stage"] == "ducklake_nightly_warm" and in_process:
            what += f" (÷ DuckDB file: {r['wall_s'] / in_process['wall_s']:.2f})"
        what += target_note(r, by_stage)
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
        and r["stage"] in {name for name, _, _ in STAGES}  # derived, or stages renamed since
    ]
    for scale in args.scales:
        rows += run_scale(scale, dlt_python, only)
        order = {name: i for i, (name, _, _) in enumerate(STAGES)}
        write_results(with_ingestion_total(sorted(rows, key=lambda r: (r["scale"], order.get(r["stage"], 99)))))
    print((RESULTS / "latest.md").read_text())


if __name__ == "__main__":
    main()
