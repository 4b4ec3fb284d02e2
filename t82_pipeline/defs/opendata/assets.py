from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import dagster as dg
from dagster_duckdb import DuckDBResource

from t82_pipeline.defs.opendata.agenda import agenda_files
from t82_pipeline.defs.opendata.feed import Feed, build_record, check_records, publish
from t82_pipeline.defs.opendata.ontology import load_ontology


class OpenDataTarget(dg.ConfigurableResource):
    """Where the feed is published (a folder served over HTTP) and the base of record URIs."""

    folder: str
    base_uri: str


@dg.asset(
    key=["publish", "datatourisme_feed"],
    group_name="opendata",
    owners=["team:data"],
    kinds={"python", "json"},
    deps=[dg.AssetKey(["marts", "opendata_offers"])],
    description=(
        "The open-data subset as a DATAtourisme flux (index.json + one JSON-LD file per record + "
        "context.jsonld) and iCalendar agendas of upcoming events (agenda/<ot_code>.ics, "
        "agenda/tarn-et-garonne.ics), checked against the ontology; invalid records are held back with the reason. "
        "Published atomically: readers follow <folder>/current."
    ),
)
def datatourisme_feed(context: dg.AssetExecutionContext, warehouse: DuckDBResource, opendata: OpenDataTarget) -> dg.MaterializeResult:
    ontology = load_ontology()
    with warehouse.get_connection() as con:
        cursor = con.execute("select * from marts.opendata_offers order by offer_key")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
        ot_names = dict(con.execute("select ot_code, ot_name from reference.tourist_offices_82").fetchall())
    feed, built = Feed(), {}
    for row in rows:
        if row["held_back_reason"]:
            feed.held_back.append({"record": row["offer_key"], "reason": row["held_back_reason"]})
        else:
            built[row["offer_key"]] = (row, build_record(row, ontology, opendata.base_uri))
    feed.records, invalid = check_records([record for _, record in built.values()], ontology)
    feed.held_back += invalid
    published = {r["dc:identifier"] for r in feed.records}
    published_rows = [row for key, (row, _) in built.items() if key in published]
    policy_version = rows[0]["policy_version"] if rows else "none"
    agenda = agenda_files(published_rows, ot_names, date.today(), urlparse(opendata.base_uri).netloc or "t82")
    target = publish(feed, Path(opendata.folder), policy_version, extra_files=agenda)
    reasons: dict[str, int] = {}
    for held in feed.held_back:
        reasons[held["reason"]] = reasons.get(held["reason"], 0) + 1
    context.log.info(f"published {len(feed.records)} records, held back {len(feed.held_back)}: {reasons}")
    return dg.MaterializeResult(metadata={
        "published": len(feed.records), "held_back": len(feed.held_back),
        "held_back_reasons": "\n".join(f"{n} × {r}" for r, n in sorted(reasons.items())) or "none",
        "policy_version": policy_version, "path": dg.MetadataValue.path(str(target))})
