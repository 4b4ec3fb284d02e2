"""One open-data row (``marts.opendata_offers``) → one object in the shape of DATAtourisme's flux,
as the real objects in ``../shared/samples/datatourisme`` write it: every node has its own stable
URI, the city carries its label and its département, region and country, and types come with their
schema.org twins. Where the 2020 and 2023 flux differ (``hasAddressCity`` a list, then an object),
the 2023 shape is followed."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from t82_pipeline.defs.opendata.ontology import Ontology

AGENCY = "Tarn-et-Garonne Tourisme"
AGENT = ["schema:Organization", "foaf:Agent", "Agent"]
CONTACT = ["foaf:Agent", "Agent"]
FRANCE = {"@id": "kb:France", "@type": ["schema:Country"], "rdfs:label": {"fr": ["France"]}}


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, (date, datetime, time)) else value


def _fr(text: str) -> dict:
    return {"fr": [text]}


class Uris:
    """Stable URIs: a record's from its key (``record_uuid``), a nested node's from the record and
    the node's place in it (name-based UUIDs, as the flux's are), an agent's from who it is, so the
    same organisation has one URI in every record."""

    def __init__(self, base_uri: str, record_uuid: str) -> None:
        self.base = base_uri.rstrip("/")
        self.record = f"{self.base}/{record_uuid}"

    def node(self, place: str) -> str:
        return f"{self.base}/{uuid.uuid3(uuid.NAMESPACE_URL, f'{self.record}#{place}')}"

    def agent(self, key: str) -> str:
        return f"{self.base}/{uuid.uuid3(uuid.NAMESPACE_URL, f'{self.base}#agent/{key}')}"


def _city(row: dict) -> dict:
    """The commune, in its département, region and country (kb ids as the flux writes them:
    ``kb:<INSEE>``, ``kb:France<region><département>``, ``kb:France<region>``)."""
    region = {
        "@id": f"kb:France{row['region_code']}",
        "@type": ["Region"],
        "rdfs:label": _fr(row["region_name"]),
        "insee": row["region_code"],
        "isPartOfCountry": FRANCE,
    }
    departement = {
        "@id": f"kb:France{row['region_code']}{row['departement_code']}",
        "@type": ["Department"],
        "rdfs:label": _fr(row["departement_name"]),
        "insee": row["departement_code"],
        "isPartOfRegion": region,
    }
    return {
        "@id": f"kb:{row['insee_code']}",
        "@type": ["City"],
        "rdfs:label": _fr(row["commune_name"]),
        "insee": row["insee_code"],
        "isPartOfDepartment": departement,
    }


def _opening_hours(uris: Uris, periods: list[dict]) -> list[dict]:
    specs = []
    for n, period in enumerate(periods):
        spec = {
            "@id": uris.node(f"isLocatedAt/0/schema:openingHoursSpecification/{n}"),
            "@type": ["schema:OpeningHoursSpecification"],
            "schema:validFrom": f"{_iso(period['start_date'])}T{_iso(period['opens_at']) or '00:00:00'}",
            "schema:validThrough": f"{_iso(period['end_date'])}T{_iso(period['closes_at']) or '23:59:59'}",
        }
        if period.get("opens_at"):
            spec["schema:opens"] = _iso(period["opens_at"])
        if period.get("closes_at"):
            spec["schema:closes"] = _iso(period["closes_at"])
        if period.get("note"):
            spec["additionalInformation"] = _fr(period["note"])
        specs.append(spec)
    return specs


def _place(uris: Uris, row: dict, is_event: bool) -> dict:
    address = {
        "@id": uris.node("isLocatedAt/0/schema:address/0"),
        "@type": ["schema:PostalAddress", "PostalAddress"],
        "schema:addressLocality": row["commune_name"],
        "schema:postalCode": row["postal_code"],
        "hasAddressCity": _city(row),
    }
    if row.get("address_line1"):
        address["schema:streetAddress"] = [row["address_line1"]]
    place = {
        "@id": uris.node("isLocatedAt/0"),
        "@type": ["schema:Place", "Place"],
        "schema:address": [address],
        "schema:geo": {
            "@id": uris.node("isLocatedAt/0/schema:geo"),
            "@type": ["schema:GeoCoordinates"],
            "schema:latitude": f"{row['latitude']:.6f}",
            "schema:longitude": f"{row['longitude']:.6f}",
        },
    }
    if row.get("opening_periods") and not is_event:  # an event's dates are its periods (takesPlaceAt)
        place["schema:openingHoursSpecification"] = _opening_hours(uris, row["opening_periods"])
    if row.get("pets_allowed") is not None:
        place["petsAllowed"] = row["pets_allowed"]
    return place


def _term(term: dict) -> dict:
    """A thesaurus entry (payment method, amenity) as the flux embeds it."""
    return {"@id": term["id"], "@type": list(term["types"]), "rdfs:label": _fr(term["label"])}


def _offers(uris: Uris, row: dict) -> list[dict]:
    offer: dict = {"@id": uris.node("offers/0"), "@type": ["schema:Offer", "Offer"]}
    if row.get("payment_methods"):
        offer["schema:acceptedPaymentMethod"] = [_term(t) for t in row["payment_methods"]]
    if row.get("price_min_eur") is not None:
        offer["schema:priceSpecification"] = [
            {
                "@id": uris.node("offers/0/schema:priceSpecification/0"),
                "@type": ["schema:PriceSpecification"],
                "schema:minPrice": [f"{row['price_min_eur']:.2f}"],
                "schema:priceCurrency": "EUR",
            }
        ]
    return [offer] if len(offer) > 2 else []


def _contact(uris: Uris, row: dict) -> list[dict]:
    contact = {
        key: [row[column]]
        for key, column in (("schema:email", "email"), ("schema:telephone", "phone"), ("foaf:homepage", "website"))
        if row.get(column)
    }
    return [{"@id": uris.node("hasContact/0"), "@type": CONTACT, **contact}] if contact else []


def _description(uris: Uris, row: dict) -> list[dict]:
    node: dict = {"@id": uris.node("hasDescription/0"), "@type": ["Description"]}
    if row.get("description"):
        node["dc:description"] = _fr(row["description"])
    if row.get("description_short"):
        node["shortDescription"] = _fr(row["description_short"])
    return [node] if len(node) > 2 else []


def _periods(uris: Uris, row: dict) -> list[dict]:
    """An event's dates, in date order: its opening periods, else its first and last dates."""
    periods = row.get("opening_periods") or [{"start_date": row["start_date"], "end_date": row["end_date"]}]
    dated = sorted((_iso(p["start_date"]), _iso(p["end_date"])) for p in periods)
    return [
        {"@id": uris.node(f"takesPlaceAt/{n}"), "@type": ["Period"], "startDate": start, "endDate": end}
        for n, (start, end) in enumerate(dated)
    ]


def _representation(uris: Uris, row: dict) -> list[dict]:
    node = {
        "@id": uris.node("hasMainRepresentation/0"),
        "@type": ["ebucore:EditorialObject"],
        "ebucore:hasRelatedResource": [
            {
                "@id": uris.node("hasMainRepresentation/0/ebucore:hasRelatedResource/0"),
                "@type": ["ebucore:Resource"],
                "ebucore:locator": [row["photo_url"]],
            }
        ],
    }
    if row.get("photo_credit"):
        node["ebucore:hasAnnotation"] = [
            {
                "@id": uris.node("hasMainRepresentation/0/ebucore:hasAnnotation/0"),
                "@type": ["ebucore:Annotation"],
                "credits": [row["photo_credit"]],
            }
        ]
    return [node]


def _agent(uris: Uris, key: str, name: str, identifier: str = "", homepage: str = "", email: str = "") -> dict:
    agent = {"@id": uris.agent(key), "@type": AGENT, "schema:legalName": name}
    if identifier:
        agent["dc:identifier"] = identifier
    if email:
        agent["schema:email"] = [email]
    if homepage:
        agent["foaf:homepage"] = [homepage]
    return agent


def build_record(
    row: dict, ontology: Ontology, base_uri: str, publisher_homepage: str = "", publisher_email: str = ""
) -> dict:
    """The flux object of one row, with only what the publication policy left in the row.
    ``lastUpdateDatatourisme`` is set when the feed is published (the feed's own date of change)."""
    uris = Uris(base_uri, row["record_uuid"])
    types = ontology.ancestors(row["datatourisme_class"])
    is_event = "EntertainmentAndEvent" in types
    record: dict = {
        "@id": uris.record,
        "dc:identifier": f"{row['source']}:{row['source_id']}",
        "@type": types,
        "rdfs:label": _fr(row["name"]),
    }
    if comment := row.get("description_short") or (row.get("description") or "")[:300]:
        record["rdfs:comment"] = _fr(comment)
    if row.get("languages"):
        record["availableLanguage"] = list(row["languages"])
    if row.get("creation_date"):
        record["creationDate"] = _iso(row["creation_date"])
    record["hasBeenCreatedBy"] = _agent(uris, f"ot/{row['ot_code']}", row["created_by"] or AGENCY, row["ot_code"])
    record["hasBeenPublishedBy"] = [_agent(uris, "agency", AGENCY, homepage=publisher_homepage, email=publisher_email)]
    optional = {
        "hasContact": _contact(uris, row),
        "hasDescription": _description(uris, row),
        "hasFeature": [
            {
                "@id": uris.node(f"hasFeature/{n}"),
                "@type": ["schema:PropertyValue", "FeatureSpecification"],
                "features": [_term(amenity)],
            }
            for n, amenity in enumerate(row.get("amenities") or [])
        ],
        "hasMainRepresentation": _representation(uris, row) if row.get("photo_url") else [],
    }
    record.update({key: value for key, value in optional.items() if value})
    record["isLocatedAt"] = [_place(uris, row, is_event)]
    record["lastUpdate"] = _iso(row["last_update"])
    record["lastUpdateDatatourisme"] = None
    if offers := _offers(uris, row):
        record["offers"] = offers
    if is_event and row.get("start_date") and row.get("end_date"):
        periods = _periods(uris, row)
        record["schema:startDate"] = [p["startDate"] for p in periods]
        record["schema:endDate"] = [p["endDate"] for p in periods]
        record["takesPlaceAt"] = periods
    return record
