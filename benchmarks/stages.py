"""One benchmark stage, run in its own process by benchmarks/run.py (settings from env)."""

import json
import sys
import time
from contextlib import contextmanager

_work_seconds: list[float] = []


@contextmanager
def work():
    """Times the stage's work alone, without interpreter start and imports (the throughput
    comparison: the limit's and the peer's own start-up is excluded the same way)."""
    started = time.perf_counter()
    yield
    _work_seconds.append(time.perf_counter() - started)


def generate(scale: str) -> None:
    from t82_pipeline.demo.generate import ensure_samples

    ensure_samples(float(scale))


# A full Apidae snapshot tonight, whatever the age of the last one.
FULL_SNAPSHOT = {"ops": {"landing__apidae_api_objects": {"config": {"full_snapshot": True}}}}


def _definitions():
    from t82_pipeline.definitions import build_definitions
    from t82_pipeline.lib.settings import get_settings

    return build_definitions(get_settings())


def _night(run_config: dict | None = None) -> None:
    """The nightly, then every run Dagster's automation asks for, in this process (lib/in_process.py)."""
    import dagster as dg

    from t82_pipeline.lib.in_process import run_job

    defs = _definitions()
    with dg.DagsterInstance.get() as instance, work():  # the code location's import is start-up
        runs = run_job(defs, instance, "nightly", run_config=run_config)
    if not runs.success:
        sys.exit("a run of the night failed")
    print(json.dumps({"runs": len(runs.results), "materialized": len(runs.materialized)}))


def _materialize(selection) -> None:
    """These assets built in one run, as "Materialize" in the UI does."""
    import dagster as dg

    defs = _definitions()
    keys = list(selection.resolve(defs.get_repository_def().asset_graph))
    with dg.DagsterInstance.get() as instance, work():
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=keys, raise_on_error=False
        )
    if not result.success:
        sys.exit("the run failed")


def _after_landing():
    """Everything a night can build after landing (the monthly provider reports aside)."""
    import dagster as dg

    landing = dg.AssetSelection.key_prefixes("landing")
    return landing.downstream() - landing - dg.AssetSelection.assets(["reports", "fairguest_provider_reports"])


def nightly() -> None:
    """A night as production runs it: what changed is landed, what follows it is built."""
    _night()


def nightly_full() -> None:
    """The night's work when everything changed: a full Apidae snapshot, then every asset after
    landing rebuilt (the baseline of the delta night)."""
    _night(FULL_SNAPSHOT)
    _materialize(_after_landing())


def nightly_daemon() -> None:
    """A delta night (another 1 % changed) as production runs it: queued, launched by a real
    dagster-daemon in its own run worker, then the automation's runs. Work time: from the
    nightly's creation (the UI's Launch button) to the end of the last run the night started."""
    import dagster as dg

    from t82_pipeline.demo.daemon import RunFollower, idle_sensor_names, launch, now, running_daemon

    with dg.DagsterInstance.get() as instance, running_daemon(None):
        runs = RunFollower(instance, now(), lambda run: None)
        launch("nightly")
        runs.wait_until_idle(idle_sensor_names())
        records = [instance.get_run_record_by_id(r) for r in runs.reported]
    if {r.dagster_run.status for r in records} != {dg.DagsterRunStatus.SUCCESS}:
        sys.exit("a run of the night failed")
    _work_seconds.append(max(r.end_time for r in records) - min(r.create_timestamp.timestamp() for r in records))


def demo() -> None:
    """`t82 demo` from a fresh data folder (samples generated as on a clean clone), as `make demo`
    runs it after install."""
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp(prefix="t82-demo-"))
    env = {**os.environ, "T82_DATA_DIR": str(root / "data"), "DAGSTER_HOME": str(root / "dagster_home")}
    for name in ("T82_WAREHOUSE_PATH", "T82_LANDING_DIR"):
        env.pop(name, None)
    with work():
        subprocess.run([str(Path(sys.executable).parent / "t82"), "demo"], env=env, check=True, cwd=root)


def apidae_landing() -> None:
    # Only what landing needs is imported (not the whole code location): the stage measures
    # paging, checks and writing, as the landing asset does them.
    from t82_pipeline.defs.sit.apidae_landing import land_api_snapshot
    from t82_pipeline.defs.sit.resources import ApidaeResource
    from t82_pipeline.lib.landing import LandingZone
    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    with ApidaeResource.from_settings(s).client() as client, work():  # the stand-in's start-up is not ours
        land_api_snapshot(client, LandingZone(s.landing_dir))


def apidae_http_floor() -> None:
    """What any API ingestion pays before its own work: the same pages fetched from the same
    local stand-in, bodies discarded."""
    from t82_pipeline.defs.sit.apidae_client import SEARCH_PATH
    from t82_pipeline.defs.sit.resources import ApidaeResource
    from t82_pipeline.lib.settings import get_settings

    with ApidaeResource.from_settings(get_settings()).client() as client, work():
        first, total = 0, None
        while total is None or first < total:
            body = client.session.post(
                client.base_url + SEARCH_PATH, data={"query": json.dumps(client.query(first))}
            ).content
            if total is None:  # the first page's envelope says how many there are
                total = int(json.loads(body)["numFound"])
            first += client.page_size


def apidae_staging() -> None:
    """Our staging of the landed Apidae NDJSON (the dbt view, same explicit fields), materialised."""
    import duckdb

    from t82_pipeline.lib.settings import get_settings

    with work():
        con = duckdb.connect()
        con.execute(f"attach '{get_settings().warehouse_path}' as wh (read_only)")
        con.execute("create table objects as select * from wh.staging.stg_apidae__objects")


def datatourisme_feed() -> None:
    """The feed built from the open-data marts into an empty folder (nothing to skip)."""
    import tempfile

    import dagster as dg

    from t82_pipeline.definitions import defs
    from t82_pipeline.defs.opendata.assets import datatourisme_feed as feed_asset
    from t82_pipeline.defs.opendata.resources import OpenDataTarget

    resources = dict(defs.resources)
    with tempfile.TemporaryDirectory() as folder:
        resources["opendata"] = OpenDataTarget(folder=folder, base_uri=resources["opendata"].base_uri)
        result = dg.materialize([feed_asset], resources=resources)
        built = result.asset_materializations_for_node("publish__datatourisme_feed")
        if not built:
            sys.exit("the feed was not built")
        metadata = built[0].metadata
        print(json.dumps({"published": metadata["published"].value, "held_back": metadata["held_back"].value}))


def fairguest_reports() -> None:
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        result = _definitions().resolve_job_def("fairguest_reports").execute_in_process(instance=instance)
    if not result.success:
        sys.exit("fairguest_reports failed")


def touch_one_percent(seed: str = "1") -> None:
    """Changes 1 % of the Apidae objects and Nurtik contacts served by the local stand-ins, as a
    day of edits would: renamed objects, contacts with a new postcode, each with a new
    modification date. The generated files are kept aside and put back by restore_samples."""
    import random
    import shutil

    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    rng = random.Random(int(seed))
    for path, edit in (
        (s.samples_dir / "apidae" / "objects.ndjson", _edit_apidae_object),
        (s.samples_dir / "nurtik" / "contacts.ndjson", _edit_nurtik_contact),
    ):
        pristine = path.with_name(path.name + ".pristine")
        if not pristine.exists():
            shutil.copyfile(path, pristine)
        lines = pristine.read_text(encoding="utf-8").splitlines()
        for i in rng.sample(range(len(lines)), max(1, len(lines) // 100)):
            lines[i] = json.dumps(edit(json.loads(lines[i])), ensure_ascii=False)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def touch_another_percent() -> None:
    """Another 1 %, for the next night (the daemon's): other objects and contacts edited now."""
    touch_one_percent(seed="2")


def _edit_apidae_object(obj: dict) -> dict:
    from datetime import UTC, datetime

    obj.setdefault("nom", {})["libelleFr"] = f"{obj.get('nom', {}).get('libelleFr', '')} (modifié)"
    # Edited now, in Apidae's format: later than anything landed, as real edits are (the delta
    # pull trusts modification dates; restore_samples going back in time is the bench's, not Apidae's).
    obj.setdefault("gestion", {})["dateModification"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    return obj


def _edit_nurtik_contact(contact: dict) -> dict:
    from datetime import UTC, datetime

    contact["postcode"] = "82000"
    # Edited now, as for Apidae: a fixed date older than the newest landed contact would be
    # skipped by the pull since that contact (and the night would measure no Nurtik change).
    contact["updated_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return contact


def restore_samples() -> None:
    from t82_pipeline.lib.settings import get_settings

    for pristine in get_settings().samples_dir.glob("*/*.pristine"):
        pristine.replace(pristine.with_suffix(""))


def dbt_build() -> None:
    import subprocess
    from pathlib import Path

    from t82_pipeline.lib.settings import REPO_ROOT, get_settings

    get_settings()
    project = str(REPO_ROOT / "dbt_project")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--quiet",
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--vars",
            json.dumps({"as_of_date": "2026-11-01"}),
        ],
        check=True,
    )


def duckdb_read_json_limit() -> None:
    """The physical limit: DuckDB's own read_json of the same fields from the same files, i.e. the
    read_json call of our staging view (its landed files and explicit columns) without the rest."""
    import duckdb

    from t82_pipeline.lib.settings import get_settings

    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as wh:
        view = wh.sql(
            "select sql from duckdb_views() where schema_name = 'staging' and view_name = 'stg_apidae__objects'"
        ).fetchone()[0]
    call = _balanced_call(view, "read_json(")
    with work():
        con = duckdb.connect()
        con.sql(f"create table t as select * from {call}")


def _export_zip() -> "Path":  # noqa: F821 - the path of the full export the export stages share
    from t82_pipeline.lib.settings import get_settings

    return get_settings().data_dir / "export_bench" / "export-full.zip"


def write_full_export() -> None:
    """Setup: every generated Apidae object in one full export ZIP (a reinitialisation), in the
    export's own shape and files, as Apidae delivers it; written once."""
    if _export_zip().exists():
        return
    from t82_pipeline.demo.sit_generator import write_export_zip
    from t82_pipeline.lib.settings import get_settings

    path = get_settings().samples_dir / "apidae" / "objects.ndjson"
    objects = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    write_export_zip(_export_zip(), objects, [], full=True)


def apidae_export_landing() -> None:
    """The export ZIP → checked landing NDJSON (the landing asset's work on a dropped export)."""
    from t82_pipeline.defs.sit.apidae_landing import land_export_zip
    from t82_pipeline.lib.landing import LandingZone
    from t82_pipeline.lib.settings import get_settings

    with work():
        land_export_zip(LandingZone(get_settings().landing_dir), _export_zip())


def _staging_columns() -> str:
    """The ``columns = …`` argument of our staging view's read_json: the fields it parses."""
    import duckdb

    from t82_pipeline.lib.settings import get_settings

    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as wh:
        view = wh.sql(
            "select sql from duckdb_views() where schema_name = 'staging' and view_name = 'stg_apidae__objects'"
        ).fetchone()[0]
    # DuckDB keeps the view's SQL normalised: the columns argument reads ("columns" = struct_pack(…)).
    columns = _balanced_call(view[view.index('"columns" = ') :], "main.struct_pack(")
    return f"columns = {columns}"


def apidae_export_staging() -> None:
    """Our staging's read of the landed export (the view's read_json, same fields), materialised."""
    import duckdb

    from t82_pipeline.lib.settings import get_settings

    [landed] = get_settings().landing_dir.glob("apidae/*/*/objects.ndjson")
    columns = _staging_columns()
    with work():
        duckdb.connect().sql(
            f"create table t as select * from read_json('{landed}', format = 'newline_delimited', {columns})"
        )


def duckdb_read_json_export_limit() -> None:
    """The limit for exports: unzip the same ZIP, DuckDB read_json of the same fields from its files."""
    import tempfile
    import zipfile

    import duckdb

    columns = _staging_columns()
    with tempfile.TemporaryDirectory() as tmp, work():
        zipfile.ZipFile(_export_zip()).extractall(tmp)
        duckdb.connect().sql(
            f"create table t as select * from read_json('{tmp}/objets_modifies/*.json', format = 'array', {columns})"
        )


def _balanced_call(sql: str, opening: str) -> str:
    start = sql.index(opening)
    depth, quoted = 0, False
    for end in range(start + len(opening) - 1, len(sql)):
        char = sql[end]
        if char == "'":
            quoted = not quoted  # '' inside a literal toggles twice: still balanced
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return sql[start : end + 1]
    raise ValueError(f"no balanced {opening}...) in the view")


def pandas_json_normalize_naive() -> None:
    """The naive path: json.loads every object + pandas.json_normalize."""
    import pandas as pd

    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    with work(), open(s.samples_dir / "apidae" / "objects.ndjson", encoding="utf-8") as f:
        frame = pd.json_normalize([json.loads(line) for line in f])
    assert len(frame) > 0


def fluxvision_parsing() -> None:
    from t82_pipeline.defs.fluxvision.landing import land_delivery
    from t82_pipeline.lib.landing import LandingZone
    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    zone = LandingZone(s.landing_dir)
    with work():
        for path in sorted(s.fluxvision_drop_dir.glob("*.zip")):
            land_delivery(zone, path)


def duckdb_read_csv_limit() -> None:
    """The limit for Flux Vision: unzip the same deliveries, DuckDB read_csv of every table."""
    import tempfile
    import zipfile

    import duckdb

    from t82_pipeline.lib.settings import get_settings

    s = get_settings()
    with tempfile.TemporaryDirectory() as tmp, work():
        for path in sorted(s.fluxvision_drop_dir.glob("*.zip")):
            zipfile.ZipFile(path).extractall(f"{tmp}/{path.stem}")
        con = duckdb.connect()
        con.sql(f"""create table t as select * from read_csv('{tmp}/*/*/*.csv', delim = ';', header = true,
                    union_by_name = true, all_varchar = true, ignore_errors = true, filename = true)""")


def fluxvision_build() -> None:
    """What a Flux Vision landing feeds (dbt models, the observatory, serving), built in one run."""
    import dagster as dg

    landing = dg.AssetSelection.assets(["landing", "fluxvision_deliveries"])
    _materialize(landing.downstream() - landing)


if __name__ == "__main__":
    started = time.perf_counter()
    globals()[sys.argv[1]](*sys.argv[2:])
    print(
        json.dumps(
            {
                "stage": sys.argv[1],
                "inner_seconds": round(time.perf_counter() - started, 3),
                **({"work_seconds": round(sum(_work_seconds), 3)} if _work_seconds else {}),
            }
        )
    )
