"""Segment files are named by segment codes built from data: a code that is no plain name is
quarantined, and every other segment is still exported."""

import dagster as dg
import duckdb

from t82_pipeline.defs.nurtik.resources import SegmentExportTarget
from t82_pipeline.defs.nurtik.segments import ALL_EXPORTED, nurtik_segment_exports
from t82_pipeline.lib.resources import WarehouseResource


def test_a_segment_code_that_is_no_plain_name_is_quarantined_and_the_rest_exported(tmp_path):
    warehouse = tmp_path / "t82.duckdb"
    rows = [
        ("interet_velo", "a@example.org", "Anne", "Roux"),
        ("interet_../../etc/passwd", "b@example.org", "Bob", "Noir"),
        ("interet_" + "x" * 300, "c@example.org", "Céline", "Blanc"),
        ("interet_Vélo", "d@example.org", "Dan", "Vert"),
    ]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema personal")
        con.execute(
            "create table personal.nurtik_segment_contacts "
            "(segment_code varchar, email varchar, first_name varchar, last_name varchar)"
        )
        con.executemany("insert into personal.nurtik_segment_contacts values (?, ?, ?, ?)", rows)
    result = dg.materialize(
        [nurtik_segment_exports],
        resources={
            "warehouse": WarehouseResource(database=str(warehouse), connection_config={"access_mode": "READ_ONLY"}),
            "segment_exports": SegmentExportTarget(folder=str(tmp_path / "segments")),
        },
    )
    assert result.success
    assert sorted(p.name for p in (tmp_path / "segments").iterdir()) == ["interet_velo.csv"]
    assert not list(tmp_path.rglob("passwd*"))
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == ALL_EXPORTED and check.passed is False and "3 segment(s)" in check.description
