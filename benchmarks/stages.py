"""One benchmark stage, run in its own process by benchmarks/run.py (settings from env)."""

import json
import sys
import time


def generate(scale: str) -> None:
    from t82_pipeline.demo.generate import ensure_samples

    ensure_samples(float(scale))


def nightly() -> None:
    from t82_pipeline.cli import run_nightly

    if not run_nightly("2026-11-01"):
        sys.exit("nightly run failed")


def apidae_landing() -> None:
    from t82_pipeline.resources import build_resources
    from t82_pipeline.defs.sit.apidae_landing import land_api_snapshot

    resources = build_resources()
    with resources["apidae"].client() as client:
        land_api_snapshot(client, resources["landing"].zone())


def dbt_build() -> None:
    import subprocess
    from pathlib import Path

    from t82_pipeline.lib.settings import REPO_ROOT, get_settings

    get_settings()
    project = str(REPO_ROOT / "dbt_project")
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--quiet", "--project-dir", project,
                    "--profiles-dir", project, "--vars", json.dumps({"as_of_date": "2026-11-01"})], check=True)


def duckdb_read_json_limit() -> None:
    """The physical limit: DuckDB's own read_json of the same fields from the same NDJSON."""
    import duckdb

    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    con = duckdb.connect()
    con.sql(f"""create table t as select id, type, nom.libelleFr as name,
                   localisation.adresse.commune.code as insee, gestion.dateModification as modified
               from read_json('{s.samples_dir}/apidae/objects.ndjson', format='newline_delimited', columns={{
                   id: 'BIGINT', type: 'VARCHAR', nom: 'STRUCT(libelleFr VARCHAR)',
                   localisation: 'STRUCT(adresse STRUCT(commune STRUCT(code VARCHAR)))',
                   gestion: 'STRUCT(dateModification VARCHAR)'}})""")


def pandas_json_normalize_naive() -> None:
    """The naive path: json.loads every object + pandas.json_normalize."""
    import pandas as pd

    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    with open(s.samples_dir / "apidae" / "objects.ndjson", encoding="utf-8") as f:
        frame = pd.json_normalize([json.loads(line) for line in f])
    assert len(frame) > 0


def fluxvision_parsing() -> None:
    from t82_pipeline.defs.fluxvision.landing import delivery_key, land_delivery
    from t82_pipeline.lib.landing import LandingZone
    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    zone = LandingZone(s.landing_dir)
    for path in sorted(s.fluxvision_drop_dir.glob("*.zip")):
        land_delivery(zone, path, delivery_key(path))


def duckdb_read_csv_limit() -> None:
    """The limit for Flux Vision: unzip the same deliveries, DuckDB read_csv of every table."""
    import tempfile
    import zipfile

    import duckdb

    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(s.fluxvision_drop_dir.glob("*.zip")):
            zipfile.ZipFile(path).extractall(f"{tmp}/{path.stem}")
        con = duckdb.connect()
        con.sql(f"""create table t as select * from read_csv('{tmp}/*/*/*.csv', delim = ';', header = true,
                    union_by_name = true, all_varchar = true, ignore_errors = true, filename = true)""")


def fluxvision_refresh() -> None:
    from t82_pipeline.cli import run_fluxvision

    if not run_fluxvision():
        sys.exit("Flux Vision refresh failed")


if __name__ == "__main__":
    started = time.perf_counter()
    globals()[sys.argv[1]](*sys.argv[2:])
    print(json.dumps({"stage": sys.argv[1], "inner_seconds": round(time.perf_counter() - started, 3)}))
