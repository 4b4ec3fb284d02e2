"""Fairguest end to end on generated data: landing → dbt marts, linked to the SIT, no reviewer
identity anywhere in the marts, and per-OT serving of the e-reputation marts."""

import json

import duckdb
import pytest

from t82_pipeline.demo.generate import generate_sit
from tests.helpers import check_results, query, run_graph

CANARY_AUTHOR = "Zébulon Canari"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from t82_pipeline.lib.settings import Settings

    root = tmp_path_factory.mktemp("fairguest") / "data"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"T82_DATA_DIR": str(root), "T82_WAREHOUSE_PATH": str(root / "warehouse" / "t82.duckdb"),
                            "T82_LANDING_DIR": str(root / "landing")}.items():
            mp.setenv(name, value)
        for name in ("T82_APIDAE_BASE_URL", "T82_FAIRGUEST_BASE_URL"):
            mp.delenv(name, raising=False)
        settings = Settings.from_env()
        settings.export_for_dbt()
        stats = generate_sit(settings.samples_dir, settings.apidae_export_drop_dir, settings.tif_drop_dir, scale=0.1,
                             fairguest_drop=settings.fairguest_drop_dir)
        reviews_path = settings.samples_dir / "fairguest" / "reviews.ndjson"
        reviews = [json.loads(line) for line in reviews_path.read_text().splitlines()]
        reviews[0]["author_name"] = CANARY_AUTHOR
        reviews_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reviews))
        result = run_graph(settings)
        yield {"settings": settings, "stats": stats, "result": result, "reviews": reviews,
               "establishments": json.loads((settings.samples_dir / "fairguest" / "establishments.json").read_text())}


def test_run_succeeds_and_exports_report_their_bad_rows(run):
    assert run["result"].success
    checks = check_results(run["result"])
    assert checks["landing/fairguest_exports:all_drop_files_loaded"] is True
    quarantined = sum(m["quarantined"] for m in __import__("t82_pipeline.lib.landing", fromlist=["LandingZone"])
                      .LandingZone(run["settings"].landing_dir).manifests("fairguest_reviews"))
    assert quarantined == 2  # the export's unknown platform and off-scale rating


def test_every_review_counted_once(run):
    s = run["settings"]
    staged = query(s, "select count(*) from staging.stg_fairguest__reviews")[0][0]
    assert staged == len({r["review_id"] for r in run["reviews"]})  # API and export copies merged
    twins = sum(1 for r in run["reviews"] if r["review_id"].endswith("-x"))
    deduplicated = query(s, "select count(*) from intermediate.int_fairguest_reviews_deduplicated")[0][0]
    assert deduplicated == staged - twins
    assert query(s, "select sum(reviews) from marts.fairguest_provider_monthly")[0][0] == deduplicated


def test_links_to_the_sit_and_lists_the_unlinked_with_suggestions(run):
    s = run["settings"]
    unlinked = {e["sheet_id"] for e in run["establishments"] if not e["sit_id"]}
    rows = query(s, "select sheet_id, len(suggestions) from marts.fairguest_unlinked_establishments")
    assert {r[0] for r in rows} == unlinked and all(n >= 1 for _, n in rows)
    linked = query(s, "select count(*) from marts.fairguest_provider_summary where is_linked and ot_code is not null")[0][0]
    assert linked == len(run["establishments"]) - len(unlinked)
    assert query(s, "select sum(providers) from marts.ot_ereputation")[0][0] == query(
        s, "select count(*) from marts.fairguest_provider_summary where ot_code is not null")[0][0]


def test_no_reviewer_identity_reaches_any_mart(run):
    s = run["settings"]
    with duckdb.connect(str(s.warehouse_path), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'intermediate')").fetchall()
        for schema, table in tables:
            text_columns = [c for c, t in con.execute(f"select column_name, data_type from information_schema.columns "
                                                      f"where table_schema = '{schema}' and table_name = '{table}'").fetchall()]
            hits = con.execute(f"select count(*) from {schema}.{table} t where cast(t as varchar) like '%Canari%'").fetchone()[0]
            assert hits == 0, f"{schema}.{table}"
            assert not {"author_name", "reviewer", "author_country"} & set(text_columns)


def test_each_ot_is_served_its_own_ereputation(run):
    s = run["settings"]
    with duckdb.connect(str(s.serving_dir / "moissac-terres-des-confluences" / "t82.duckdb"), read_only=True) as con:
        assert {r[0] for r in con.execute("select distinct ot_code from fairguest_provider_summary").fetchall()} <= {"moissac-terres-des-confluences"}
        assert con.execute("select distinct ot_code from ot_ereputation").fetchall() == [("moissac-terres-des-confluences",)]
