import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

import dagster as dg

from t82_pipeline.defs.opendata.agenda import agenda_files
from t82_pipeline.defs.opendata.coverage import land_download
from t82_pipeline.defs.opendata.feed import (
    Feed,
    PreviousFeed,
    check_records,
    current_fingerprint,
    publish,
    stamp_records,
    upload,
)
from t82_pipeline.defs.opendata.ontology import load_ontology
from t82_pipeline.defs.opendata.record import build_record
from t82_pipeline.defs.opendata.resources import OpenDataTarget
from t82_pipeline.lib.automation import follows_its_inputs
from t82_pipeline.lib.landing_assets import drop_folder_landing
from t82_pipeline.lib.resources import WarehouseResource, reader_pool
from t82_pipeline.lib.warehouse import TOURIST_OFFICES, missing_relations, nothing_to_publish, tourist_offices

UPLOADED = ".uploaded"  # in a published feed folder: the PUT target has it too
FEED_INPUTS = ("marts.opendata_offers", "marts.opendata_coverage", TOURIST_OFFICES)


@dg.asset(
    key=["publish", "datatourisme_feed"],
    output_required=False,
    automation_condition=follows_its_inputs(),
    pool=reader_pool(),
    group_name="opendata",
    owners=["team:data"],
    kinds={"python", "json"},
    deps=[dg.AssetKey(["marts", "opendata_offers"]), dg.AssetKey(["marts", "opendata_coverage"])],
    description=(
        "The open-data subset as a DATAtourisme flux (index.json + one JSON-LD file per record + "
        "context.jsonld) and iCalendar agendas of upcoming events (agenda/<ot_code>.ics, "
        "agenda/tarn-et-garonne.ics), checked against the ontology; invalid records are held back with the reason. "
        "Records DATAtourisme already receives through Apidae's own connector are not published twice. "
        "Published atomically: readers follow <folder>/current."
    ),
)
def datatourisme_feed(context: dg.AssetExecutionContext, warehouse: WarehouseResource, opendata: OpenDataTarget):
    with warehouse.get_connection() as con:
        if missing := missing_relations(con, FEED_INPUTS):
            yield nothing_to_publish(context, missing)
            return
        cursor = con.execute("""
            select offers.*, coverage.published_by_apidae_connector
            from marts.opendata_offers as offers
            left join marts.opendata_coverage as coverage using (offer_key)
            order by offer_key""")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        ot_names = tourist_offices(con)
    # Same marts, policy, base URI and day (agendas list upcoming events) → the same feed: the
    # published one stays, and the costly build and RDF check are skipped.
    today = date.today()
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                rows,
                sorted(ot_names.items()),
                opendata.base_uri,
                opendata.publisher_homepage,
                opendata.publisher_email,
                today.isoformat(),
            ],
            default=str,
            sort_keys=True,
        ).encode()
    ).hexdigest()
    root = Path(opendata.folder)
    uploaded = not opendata.put_url or (root / "current" / UPLOADED).exists()
    if fingerprint == current_fingerprint(root) and uploaded:
        context.log.info("open-data marts unchanged since the current feed: nothing to publish")
        yield dg.AssetObservation(
            asset_key=context.asset_key,
            metadata={"unchanged": True, "path": dg.MetadataValue.path(str((root / "current").resolve()))},
        )
        return
    ontology = load_ontology()
    feed, built = Feed(), {}
    for row in rows:
        if row["held_back_reason"]:
            feed.held_back.append({"record": row["offer_key"], "reason": row["held_back_reason"]})
        elif row["published_by_apidae_connector"]:
            feed.held_back.append(
                {"record": row["offer_key"], "reason": "déjà publiée dans DATAtourisme par le connecteur Apidae"}
            )
        else:
            built[row["offer_key"]] = (
                row,
                build_record(row, ontology, opendata.base_uri, opendata.publisher_homepage, opendata.publisher_email),
            )
    previous = PreviousFeed.of(root)
    records = [record for _, record in built.values()]
    stamp_records(records, previous, datetime.now(UTC))
    feed.records, invalid = check_records(records, ontology, previous=previous)
    feed.held_back += invalid
    published = {r["dc:identifier"] for r in feed.records}
    published_rows = [row for key, (row, _) in built.items() if key in published]
    policy_version = rows[0]["policy_version"] if rows else "none"
    agenda = agenda_files(published_rows, ot_names, today, urlparse(opendata.base_uri).netloc or "t82")
    target = publish(feed, root, policy_version, extra_files=agenda, fingerprint=fingerprint, previous=previous)
    if opendata.put_url:
        from t82_pipeline.lib.http import build_session

        with build_session(opendata.http_retries) as session:
            context.log.info(f"uploaded to {upload(target, opendata.put_url, session, opendata.put_token)}")
        (target / UPLOADED).write_text(fingerprint, encoding="utf-8")  # a failed upload is retried next run
    reasons: dict[str, int] = {}
    for held in feed.held_back:
        reasons[held["reason"]] = reasons.get(held["reason"], 0) + 1
    context.log.info(f"published {len(feed.records)} records, held back {len(feed.held_back)}: {reasons}")
    yield dg.MaterializeResult(
        metadata={
            "published": len(feed.records),
            "held_back": len(feed.held_back),
            "held_back_reasons": "\n".join(f"{n} × {r}" for r, n in sorted(reasons.items())) or "none",
            "policy_version": policy_version,
            "path": dg.MetadataValue.path(str(target)),
        }
    )


datatourisme_download = drop_folder_landing(
    "datatourisme_download",
    group="opendata",
    folder="datatourisme_drop",
    patterns=["*.zip"],
    land=lambda context, path, _: land_download(context.resources.landing.zone(), path),
    kinds={"python", "json"},
    description=(
        "DATAtourisme flux downloads for the département (ZIP dropped in T82_DATATOURISME_DROP_DIR), kept "
        "as received with the fields the coverage check compares (URI, identifier, label, INSEE code, "
        "lastUpdate, publishers) as NDJSON."
    ),
)


# Checks that read the warehouse queue in its pool too: a dbt run elsewhere holds DuckDB's lock.
@dg.asset_check(
    asset=dg.AssetKey(["marts", "opendata_coverage"]),
    pool=reader_pool(),
    description=("Our publishable records against the latest DATAtourisme download: none may be there twice."),
)
def no_record_duplicated_in_datatourisme(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as con:
        counts = dict(
            con.execute("select coverage_status, count(*) from marts.opendata_coverage group by 1").fetchall()
        )
        duplicated = [
            r[0]
            for r in con.execute(
                "select offer_key from marts.opendata_coverage where coverage_status = 'duplicated' order by 1 limit 20"
            ).fetchall()
        ]
    return dg.AssetCheckResult(
        passed=not duplicated,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **{f"records_{k}": v for k, v in sorted(counts.items())},
            "duplicated_examples": ", ".join(duplicated) or "none",
        },
    )
