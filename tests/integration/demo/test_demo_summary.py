"""`t82 demo`'s last lines, on a warehouse where an OT has no record of its own: its summary
ends the demo all the same, that OT with "—"."""

import duckdb

from t82_pipeline.cli import print_outputs
from tests.support.env import isolated_settings


def test_an_ot_without_records_shows_a_dash_and_the_summary_ends(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    with isolated_settings(tmp_path / "data") as settings:
        with duckdb.connect(str(settings.warehouse_path)) as con:
            con.execute("create schema reference; create schema marts")
            con.execute(
                "create table reference.tourist_offices_82 as "
                "select * from (values ('grand-montauban'), ('pays-lafrancaisain')) as t(ot_code)"
            )
            con.execute(
                "create table marts.ot_offer_quality as select 'grand-montauban' as ot_code, "
                "12 as offer_count, 81.25 as avg_quality_score, 3 as offers_to_requalify"
            )
        print_outputs(settings)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines if line.startswith(("grand-montauban", "pays-lafrancaisain"))] == [
        ["grand-montauban", "12", "81.2", "3"],
        ["pays-lafrancaisain", "—", "—", "—"],
    ]
    assert lines[-1].startswith("Expected in this demo")
