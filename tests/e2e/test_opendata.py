"""The DATAtourisme feed: built from generated SIT data, checked with rdflib and the ontology,
free of withheld fields and planted private contacts, served on 127.0.0.1 and read back."""

import json
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest
import requests

from t82_pipeline.defs.opendata.feed import Feed, PreviousFeed, check_records, publish, record_file, record_problems
from t82_pipeline.defs.opendata.ontology import load_ontology, to_graph
from tests.support.departement import FEED_CANARY_EMAIL, FEED_CANARY_PHONE
from tests.support.flux import conformance_problems, key_paths, load_samples, read_as_a_reuser, reference
from tests.support.helpers import query, query_dicts
from tests.support.ical import rfc5545_problems


@pytest.fixture(scope="module")
def feed(departement):
    current = departement.settings.opendata_dir / "current"
    return {
        "settings": departement.settings,
        "dir": current,
        "gite": departement.planted["gite"],
        "site": departement.planted["site"],
        "stats": departement.stats,
        "result": departement.runs,
        "departement": departement,
        "records": [json.loads(p.read_text()) for p in sorted((current / "objects").rglob("*.json"))],
    }


def test_feed_has_index_context_and_one_file_per_record(feed):
    index = json.loads((feed["dir"] / "index.json").read_text())
    assert len(index) == len(feed["records"]) > 0
    assert all((feed["dir"] / "objects" / entry["file"]).exists() for entry in index)
    assert json.loads((feed["dir"] / "context.jsonld").read_text())["@vocab"].endswith("/ontology/core#")
    publication = json.loads((feed["dir"] / "publication.json").read_text())
    assert publication["policy_version"] == "2026-11-v1"
    # Every record of the open-data mart is either published or held back with its reason.
    held = dict(
        query(
            feed["settings"],
            """
        select offer_key, coalesce(held_back_reason, 'déjà publiée dans DATAtourisme par le connecteur Apidae')
        from marts.opendata_offers left join marts.opendata_coverage using (offer_key)
        where held_back_reason is not null or published_by_apidae_connector""",
        )
    )
    assert {h["record"]: h["reason"] for h in publication["held_back"]} == held
    assert set(held.values()) == {
        "coordonnées manquantes ou invalides",  # generated records without geolocation
        "déjà publiée dans DATAtourisme par le connecteur Apidae",
    }
    total = query(feed["settings"], "select count(*) from marts.opendata_offers")[0][0]
    assert publication["records"] + len(held) == total


def test_every_record_parses_and_uses_only_ontology_terms(feed):
    ontology = load_ontology()
    for record in feed["records"]:
        assert len(to_graph(record)) > 10
        assert record_problems(record, ontology) == [], record["dc:identifier"]
        assert record["@type"][-1] == "PointOfInterest"  # most specific class first, ancestors after


def test_events_carry_their_period_and_records_their_creator(feed):
    events = [r for r in feed["records"] if "EntertainmentAndEvent" in r["@type"]]
    assert events and all(r["takesPlaceAt"][0]["startDate"] <= r["takesPlaceAt"][0]["endDate"] for r in events)
    assert {r["hasBeenCreatedBy"]["schema:legalName"] for r in feed["records"]} <= {
        row[0] for row in query(feed["settings"], "select ot_name from reference.tourist_offices_82")
    }


def test_policy_withholds_fields_and_no_private_contact_leaks(feed):
    assert f"apidae:{feed['gite']['id']}" in {
        r["dc:identifier"] for r in feed["records"]
    }  # the canary's record is published
    text = "\n".join(p.read_text() for p in feed["dir"].rglob("*.json"))
    assert FEED_CANARY_EMAIL not in text and FEED_CANARY_PHONE not in text
    accommodation = [r for r in feed["records"] if "Accommodation" in r["@type"]]
    # Prices: none for lodging (their accepted payment methods are no price, and are published).
    assert accommodation and not any(
        "schema:priceSpecification" in o for r in accommodation for o in r.get("offers", [])
    )
    assert all("schema:telephone" not in c for r in accommodation for c in r.get("hasContact", []))


def test_control_characters_and_html_are_cleaned(feed):
    site_id = f"apidae:{feed['site']['id']}"
    [record] = [r for r in feed["records"] if r["dc:identifier"] == site_id]
    assert record["rdfs:comment"]["fr"] == ["Visite guidée  du  moulin"]


def test_removed_records_leave_the_feed(feed):
    gone = {
        f"apidae:{row[0]}" for row in query(feed["settings"], "select apidae_id from staging.stg_apidae__deletions")
    }
    assert gone and not gone & {r["dc:identifier"] for r in feed["records"]}


def nodes_with_ids(record: dict) -> dict[str, str]:
    """Every node's URI, by its path in the record."""
    found = {}

    def visit(node, path):
        if isinstance(node, dict):
            if "@id" in node:
                found[path] = node["@id"]
            for key, value in node.items():
                visit(value, f"{path}/{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                visit(value, f"{path}[{n}]")

    visit(record, "")
    return found


def test_uris_and_dates_are_stable_night_after_night(feed, departement_copy):
    """Another night where one published record changed in Apidae: every URI stays, the unchanged
    records keep their lastUpdateDatatourisme, the changed one gets tonight's."""
    before = {r["dc:identifier"]: r for r in feed["records"]}
    changed = next(k for k in sorted(before) if k.startswith("apidae:") and "takesPlaceAt" not in before[k])
    samples = departement_copy.settings.samples_dir / "apidae" / "objects.ndjson"
    objects = [json.loads(line) for line in samples.read_text().splitlines()]
    edited = next(o for o in objects if f"apidae:{o['id']}" == changed)
    edited["nom"]["libelleFr"] += " (rénové)"
    edited["gestion"]["dateModification"] = "2026-11-30T08:15:00.000+0000"
    samples.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects))
    night = departement_copy.run()
    assert night.success
    # Only the changed row's record was built and checked again; the others were carried over.
    [published] = [
        e.event_specific_data.materialization.metadata
        for e in night.all_events
        if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and e.asset_key == dg.AssetKey(["publish", "datatourisme_feed"])
    ]
    assert (published["built"].value, published["published"].value) == (1, len(before))
    current = departement_copy.settings.opendata_dir / "current"
    held_before = json.loads((feed["dir"] / "publication.json").read_text())["held_back"]
    assert json.loads((current / "publication.json").read_text())["held_back"] == held_before
    after = {r["dc:identifier"]: r for r in map(json.loads, map(Path.read_text, (current / "objects").rglob("*.json")))}
    assert set(after) == set(before)
    assert after[changed]["rdfs:label"]["fr"][0].endswith("(rénové)")
    assert after[changed]["lastUpdateDatatourisme"] > before[changed]["lastUpdateDatatourisme"]
    for key, record in after.items():
        assert nodes_with_ids(record) == nodes_with_ids(before[key]), key
        if key != changed:
            assert record["lastUpdateDatatourisme"] == before[key]["lastUpdateDatatourisme"], key


def test_feed_is_served_on_loopback_and_read_back(feed):
    handler = partial(SimpleHTTPRequestHandler, directory=str(feed["dir"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        index = requests.get(f"{base}/index.json", timeout=5).json()
        record = requests.get(f"{base}/objects/{index[0]['file']}", timeout=5).json()
        context = requests.get(f"{base}/context.jsonld", timeout=5).json()
        assert record["rdfs:label"]["fr"][0] == index[0]["label"]
        assert len(to_graph(record)) > 10 and "@vocab" in context
    finally:
        server.shutdown()
        server.server_close()


def test_a_republish_parses_and_writes_only_the_changed_records(feed, tmp_path, monkeypatch):
    import copy

    from t82_pipeline.defs.opendata import feed as feed_module

    records = feed["records"][:30]
    root = tmp_path / "opendata"
    first = publish(Feed(records=records), root, "v1")
    tonight = copy.deepcopy(records)
    tonight[7]["rdfs:label"]["fr"] = ["Nom corrigé"]
    parsed = []
    real_to_graph = feed_module.to_graph
    monkeypatch.setattr(feed_module, "to_graph", lambda *rs: parsed.extend(rs) or real_to_graph(*rs))

    previous = PreviousFeed.of(root)
    publishable, held = check_records(tonight, load_ontology(), previous=previous)
    second = publish(Feed(records=publishable), root, "v1", previous=previous)

    assert parsed == [tonight[7]] and held == [] and len(publishable) == 30

    def path(feed_dir, record):
        return feed_dir / "objects" / record_file(record)

    same = [path(first, r).stat().st_ino == path(second, r).stat().st_ino for r in tonight]
    assert same == [i != 7 for i in range(30)]  # unchanged files are the previous ones, linked
    assert json.loads(path(second, tonight[7]).read_text())["rdfs:label"]["fr"] == ["Nom corrigé"]
    assert json.loads(path(first, records[7]).read_text()) == records[7]  # readers of the old feed unaffected
    # Another ontology or context: every record is checked again.
    monkeypatch.setattr(feed_module, "checker_version", lambda: "another-ontology")
    assert PreviousFeed.of(root) is None


def test_agenda_feeds_per_ot_hold_their_upcoming_events(feed):
    from datetime import date

    from icalendar import Calendar

    agenda = feed["dir"] / "agenda"
    ots = [row[0] for row in query(feed["settings"], "select ot_code from reference.tourist_offices_82")]
    assert sorted(p.stem for p in agenda.glob("*.ics")) == sorted([*ots, "tarn-et-garonne"])
    published = {r["dc:identifier"] for r in feed["records"]}
    expected = [
        row
        for row in query(
            feed["settings"],
            """
        select source || ':' || source_id, ot_code, record_uuid from marts.opendata_offers
        where offer_type = 'evenement' and held_back_reason is null and end_date >= current_date""",
        )
        if row[0] in published
    ]

    def record_uuids(ics):  # an event held on several dates has one VEVENT per date
        return {str(e["uid"]).split("@")[0][:36] for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")}

    assert record_uuids(agenda / "tarn-et-garonne.ics") == {r[2] for r in expected}
    for ot in ots:
        assert record_uuids(agenda / f"{ot}.ics") == {r[2] for r in expected if r[1] == ot}
        events = Calendar.from_ical((agenda / f"{ot}.ics").read_bytes()).walk("VEVENT")
        assert all(e.decoded("dtend") > e.decoded("dtstart") and e.decoded("dtend") > date.today() for e in events)


def test_every_agenda_parses_by_the_rfc_in_an_independent_reader(feed):
    agendas = sorted((feed["dir"] / "agenda").glob("*.ics"))
    assert len(agendas) == 11
    for agenda in agendas:
        assert rfc5545_problems(agenda.read_text(encoding="utf-8")) == [], agenda.name


def test_the_feed_has_the_real_flux_shape_key_path_by_key_path(feed):
    rows = {
        row["offer_key"]: row
        for row in query_dicts(feed["settings"], "select * from marts.opendata_offers where held_back_reason is null")
    }
    settings = {"publisher_homepage": feed["settings"].opendata_publisher_homepage,
                "publisher_email": feed["settings"].opendata_publisher_email}  # fmt: skip
    refs = reference(load_samples())
    compared = {cls for r in feed["records"] for cls in r["@type"] if cls in refs}
    assert {"Hotel", "Restaurant", "EntertainmentAndEvent", "CulturalSite", "TastingProvider"} <= compared
    problems = {
        record["dc:identifier"]: found
        for record in feed["records"]
        if (found := conformance_problems(record, rows[record["dc:identifier"]], settings, refs))
    }
    kinds = sorted({p for found in problems.values() for p in found})
    assert problems == {}, f"{len(problems)} records; problems: {kinds}"
    # The details real records carry reach the feed wherever the SIT holds them.
    for path in ("offers/schema:acceptedPaymentMethod", "hasFeature", "availableLanguage", "creationDate",
                 "isLocatedAt/schema:openingHoursSpecification", "hasDescription/dc:description"):  # fmt: skip
        assert any(path in key_paths(r) for r in feed["records"]), path


def test_a_reuser_reads_every_entry_of_the_index(feed):
    communes = dict(query(feed["settings"], "select insee_code, commune_name from reference.communes_82"))
    read = read_as_a_reuser(feed["dir"])
    assert len(read) == len(feed["records"])
    for item in read:
        insee, label, city_id = item["city"]
        assert item["label"] == item["entry"]["label"]
        assert item["entry"]["lastUpdateDatatourisme"] == item["object"]["lastUpdateDatatourisme"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["entry"]["lastUpdateDatatourisme"])
        assert 43.7 < item["latitude"] < 44.5 and 0.7 < item["longitude"] < 2.1
        assert communes[insee] == label and city_id == f"kb:{insee}"
        assert item["departement"] == ("82", "Tarn-et-Garonne", "kb:France7682")
        assert item["region"] == ("76", "Occitanie", "kb:France76") and item["country"] == "kb:France"


def test_coverage_against_the_datatourisme_download(feed):
    s, stats = feed["settings"], feed["stats"]
    counts = dict(query(s, "select coverage_status, count(*) from marts.opendata_coverage group by 1"))
    assert counts["absent"] > 0 and counts["present"] > 0 and counts["stale"] > 0
    twice = query(
        s,
        """select count(*) from marts.opendata_offers
                        where held_back_reason is null and source = 'apidae' and source_id in (
                            select datatourisme_identifier from staging.stg_datatourisme__objects group by 1 having count(*) > 1)""",
    )[0][0]
    assert stats["duplicated"] > 0 and counts.get("duplicated", 0) == twice
    via_apidae = {
        r[0] for r in query(s, "select offer_key from marts.opendata_coverage where published_by_apidae_connector")
    }
    assert len(via_apidae) > 0
    assert not via_apidae & {r["dc:identifier"] for r in feed["records"]}  # never published twice
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
        for e in feed["result"].all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    coverage_check = checks["no_record_duplicated_in_datatourisme"]
    assert coverage_check.passed is (counts.get("duplicated", 0) == 0)
