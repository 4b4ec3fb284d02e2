from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

import dagster as dg

from t82_pipeline.defs.opendata.agenda import agenda_files
from t82_pipeline.defs.opendata.changes import builder_version, changed_keys, digest_of, row_digests, rows_to_read
from t82_pipeline.defs.opendata.coverage import land_download
from t82_pipeline.defs.opendata.feed import (
    Feed,
    PreviousFeed,
    check_records,
    current_fingerprint,
    index_entry,
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
    root = Path(opendata.folder)
    today = date.today()  # the agendas list upcoming events
    builder = builder_version(opendata.base_uri, opendata.publisher_homepage, opendata.publisher_email)
    with warehouse.get_connection() as con:
        if missing := missing_relations(con, FEED_INPUTS):
            yield nothing_to_publish(context, missing)
            return
        digests = row_digests(con)
        ot_names = tourist_offices(con)
        # Same rows, builder and day → the same feed: the published one stays.
        fingerprint = digest_of(sorted(digests.items()), sorted(ot_names.items()), builder, today.isoformat())
        uploaded = not opendata.put_url or (root / "current" / UPLOADED).exists()
        if fingerprint == current_fingerprint(root) and uploaded:
            context.log.info("open-data marts unchanged since the current feed: nothing to publish")
            yield dg.AssetObservation(
                asset_key=context.asset_key,
                metadata={"unchanged": True, "path": dg.MetadataValue.path(str((root / "current").resolve()))},
            )
            return
        previous = PreviousFeed.of(root, builder)
        changed = changed_keys(digests, previous.rows if previous else {})
        rows = rows_to_read(con, changed, today)
        policy_version = con.execute("select max(policy_version) from marts.opendata_offers").fetchone()[0] or "none"
    feed = assemble_feed(digests, set(changed), rows, previous, builder, opendata)
    published = {r["dc:identifier"] for r in feed.records} | {c["key"] for c in feed.carried}
    events = [
        r for k, r in rows.items() if k in published and r["offer_type"] == "evenement" and r["end_date"] >= today
    ]
    uid_domain = urlparse(opendata.base_uri).netloc or "t82"
    feed.agenda = digest_of(
        sorted((r["offer_key"], digests[r["offer_key"]]) for r in events), ot_names, uid_domain, today
    )
    if previous and previous.agenda == feed.agenda:
        agenda = previous.agenda_files()
    else:
        agenda = agenda_files(events, ot_names, today, uid_domain)
    target = publish(feed, root, policy_version, extra_files=agenda, fingerprint=fingerprint, previous=previous)
    if opendata.put_url:
        from t82_pipeline.lib.http import build_session

        with build_session(opendata.http_retries) as session:
            context.log.info(f"uploaded to {upload(target, opendata.put_url, session, opendata.put_token)}")
        (target / UPLOADED).write_text(fingerprint, encoding="utf-8")  # a failed upload is retried next run
    reasons: dict[str, int] = {}
    for held in feed.held_back:
        reasons[held["reason"]] = reasons.get(held["reason"], 0) + 1
    context.log.info(
        f"published {len(published)} records ({len(feed.records)} built tonight), held back {len(feed.held_back)}: {reasons}"
    )
    yield dg.MaterializeResult(
        metadata={
            "published": len(published),
            "built": len(feed.records),
            "held_back": len(feed.held_back),
            "held_back_reasons": "\n".join(f"{n} × {r}" for r, n in sorted(reasons.items())) or "none",
            "policy_version": policy_version,
            "path": dg.MetadataValue.path(str(target)),
        }
    )


def assemble_feed(
    digests: dict[str, str],
    changed: set[str],
    rows: dict[str, dict],
    previous: PreviousFeed | None,
    builder: str,
    opendata: OpenDataTarget,
) -> Feed:
    """Tonight's feed: the changed rows built, stamped and checked; the others as the current feed
    has them (published or held back, with the same reason)."""
    feed, built = Feed(builder=builder), []
    for key, digest in digests.items():
        if key not in changed:
            entry = feed.rows[key] = previous.rows[key]
            if "held_back" in entry:
                feed.held_back.append({"record": key, "reason": entry["held_back"]})
            else:
                feed.carried.append({"key": key, **{k: v for k, v in entry.items() if k != "digest"}})
            continue
        row = rows[key]
        reason = row["held_back_reason"] or (
            "déjà publiée dans DATAtourisme par le connecteur Apidae" if row["published_by_apidae_connector"] else None
        )
        if reason:
            feed.held_back.append({"record": key, "reason": reason})
            feed.rows[key] = {"digest": digest, "held_back": reason}
        else:
            built.append(
                build_record(
                    row, load_ontology(), opendata.base_uri, opendata.publisher_homepage, opendata.publisher_email
                )
            )
    stamp_records(built, previous, datetime.now(UTC))
    feed.records, invalid = check_records(built, load_ontology(), previous=previous)
    feed.held_back += invalid
    for held in invalid:
        feed.rows[held["record"]] = {"digest": digests[held["record"]], "held_back": held["reason"]}
    for record in feed.records:
        feed.rows[record["dc:identifier"]] = {"digest": digests[record["dc:identifier"]], **index_entry(record)}
    feed.held_back.sort(key=lambda h: h["record"])
    return feed


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
