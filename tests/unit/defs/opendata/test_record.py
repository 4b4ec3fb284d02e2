"""One open-data row → one flux object: every node has its own stable URI, the city carries its
département, region and country, events their periods in date order, and the feed dates a record
by when it last changed it."""

import json
from datetime import UTC, date, datetime, time

from t82_pipeline.defs.opendata.feed import Feed, PreviousFeed, check_records, publish, record_file, stamp_records
from t82_pipeline.defs.opendata.ontology import load_ontology
from t82_pipeline.defs.opendata.record import build_record

BASE = "https://data.example.org/datatourisme"
CASH = {"id": "kb:Cash", "types": ["schema:PaymentMethod"], "label": "Espèce"}
PARKING = {"id": "kb:CarPark", "types": ["CommonAmenity"], "label": "Parking"}


def row(**changes) -> dict:
    base = {
        "offer_key": "apidae:5000001",
        "source": "apidae",
        "source_id": "5000001",
        "offer_type": "restaurant",
        "datatourisme_class": "Restaurant",
        "record_uuid": "0f8e2a4c-1111-2222-3333-444455556666",
        "name": "La Table du Quercy",
        "description": "Cuisine du marché, terrasse sur la place.",
        "description_short": "Cuisine du marché.",
        "address_line1": "3 place de la Mairie",
        "postal_code": "82000",
        "insee_code": "82121",
        "commune_name": "Montauban",
        "departement_code": "82",
        "departement_name": "Tarn-et-Garonne",
        "region_code": "76",
        "region_name": "Occitanie",
        "latitude": 44.0176,
        "longitude": 1.3550,
        "phone": None,
        "email": None,
        "website": "https://latable.example",
        "price_min_eur": 18.0,
        "photo_url": "https://static.example/1.jpg",
        "photo_credit": "OT",
        "start_date": date(2026, 4, 1),
        "end_date": date(2026, 10, 31),
        "opening_periods": [
            {
                "start_date": date(2026, 4, 1),
                "end_date": date(2026, 10, 31),
                "opens_at": time(10),
                "closes_at": time(18),
                "note": "Fermé le lundi.",
            }
        ],
        "payment_methods": [CASH],
        "amenities": [PARKING],
        "languages": ["en", "fr"],
        "pets_allowed": True,
        "creation_date": date(2019, 6, 23),
        "ot_code": "grand-montauban",
        "created_by": "Office de Tourisme du Grand Montauban",
        "last_update": date(2026, 10, 2),
    }
    return {**base, **changes}


def nodes(value: object):
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from nodes(v)
    elif isinstance(value, list):
        for v in value:
            yield from nodes(v)


def test_every_node_has_its_own_stable_uri():
    record = build_record(row(), load_ontology(), BASE)
    typed = [n for n in nodes(record) if "@type" in n]
    thesaurus = [n for n in typed if n["@id"].startswith(("kb:", "schema:"))]
    own = [n["@id"] for n in typed if n not in thesaurus]
    assert all(uri.startswith(BASE + "/") for uri in own)
    # one URI per node, except the agents, which are the same organisation wherever they appear
    assert len(own) == len(set(own)) >= 12
    assert record == build_record(row(), load_ontology(), BASE)  # the same row, the same URIs
    other = build_record(row(record_uuid="99999999-1111-2222-3333-444455556666"), load_ontology(), BASE)
    assert other["hasBeenCreatedBy"]["@id"] == record["hasBeenCreatedBy"]["@id"]
    assert other["isLocatedAt"][0]["@id"] != record["isLocatedAt"][0]["@id"]


def test_the_city_carries_its_departement_region_and_country():
    city = build_record(row(), load_ontology(), BASE)["isLocatedAt"][0]["schema:address"][0]["hasAddressCity"]
    assert (city["@id"], city["insee"], city["rdfs:label"]) == ("kb:82121", "82121", {"fr": ["Montauban"]})
    departement = city["isPartOfDepartment"]
    assert (departement["@id"], departement["insee"], departement["rdfs:label"]["fr"]) == (
        "kb:France7682",
        "82",
        ["Tarn-et-Garonne"],
    )
    region = departement["isPartOfRegion"]
    assert (region["@id"], region["insee"], region["rdfs:label"]["fr"]) == ("kb:France76", "76", ["Occitanie"])
    assert region["isPartOfCountry"]["@id"] == "kb:France"


def test_details_are_published_where_the_flux_puts_them():
    record = build_record(row(), load_ontology(), BASE, publisher_homepage="https://agency.example")
    assert record["hasDescription"][0]["dc:description"] == {"fr": ["Cuisine du marché, terrasse sur la place."]}
    assert record["hasDescription"][0]["shortDescription"] == {"fr": ["Cuisine du marché."]}
    assert record["rdfs:comment"] == {"fr": ["Cuisine du marché."]}
    assert record["creationDate"] == "2019-06-23" and record["availableLanguage"] == ["en", "fr"]
    [offer] = record["offers"]
    assert offer["schema:acceptedPaymentMethod"] == [
        {"@id": "kb:Cash", "@type": ["schema:PaymentMethod"], "rdfs:label": {"fr": ["Espèce"]}}
    ]
    assert record["hasFeature"][0]["features"][0]["@id"] == "kb:CarPark"
    place = record["isLocatedAt"][0]
    [hours] = place["schema:openingHoursSpecification"]
    assert (hours["schema:validFrom"], hours["schema:validThrough"]) == ("2026-04-01T10:00:00", "2026-10-31T18:00:00")
    assert hours["additionalInformation"] == {"fr": ["Fermé le lundi."]} and place["petsAllowed"] is True
    assert record["hasBeenPublishedBy"][0]["foaf:homepage"] == ["https://agency.example"]


def test_an_events_periods_are_sorted_by_date_each_with_its_start_and_end():
    periods = [
        {"start_date": date(2026, 7, d), "end_date": date(2026, 7, d), "opens_at": None, "closes_at": None}
        for d in (21, 7, 14)
    ]
    event = build_record(
        row(offer_type="evenement", datatourisme_class="EntertainmentAndEvent", opening_periods=periods),
        load_ontology(),
        BASE,
    )
    starts = [p["startDate"] for p in event["takesPlaceAt"]]
    assert starts == ["2026-07-07", "2026-07-14", "2026-07-21"] == event["schema:startDate"]
    assert all(p["endDate"] == p["startDate"] for p in event["takesPlaceAt"])
    assert "schema:openingHoursSpecification" not in event["isLocatedAt"][0]


def test_a_record_keeps_its_datatourisme_date_until_it_changes(tmp_path):
    ontology = load_ontology()
    other = "aaaaaaaa-1111-2222-3333-444455556666"
    first = [build_record(row(), ontology, BASE), build_record(row(record_uuid=other), ontology, BASE)]
    stamp_records(first, None, datetime(2026, 12, 1, 2, 30, tzinfo=UTC))
    assert first[0]["lastUpdateDatatourisme"] == "2026-12-01T02:30:00.000Z"
    publish(Feed(records=check_records(first, ontology)[0]), tmp_path, "v1")
    index = json.loads((tmp_path / "current" / "index.json").read_text())
    assert {e["file"] for e in index} == {record_file(r) for r in first}
    assert all((tmp_path / "current" / "objects" / e["file"]).exists() for e in index)
    assert set(index[0]) == {"label", "lastUpdateDatatourisme", "file"}

    renamed = build_record(row(record_uuid=other, name="Nouveau nom"), ontology, BASE)
    second = [build_record(row(), ontology, BASE), renamed]
    stamp_records(second, PreviousFeed.of(tmp_path), datetime(2026, 12, 2, 2, 30, tzinfo=UTC))
    assert second[0]["lastUpdateDatatourisme"] == "2026-12-01T02:30:00.000Z"  # unchanged
    assert second[1]["lastUpdateDatatourisme"] == "2026-12-02T02:30:00.000Z"  # changed tonight
