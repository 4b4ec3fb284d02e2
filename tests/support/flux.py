"""Our feed against DATAtourisme's real flux (the ten objects in tests/fixtures/datatourisme), key
path by key path, and read back the way a reuser's program reads a flux.

For each class present in both, the reference is every key path that at least half of the real
objects of that class carry, with its JSON shape (list, object, language map, value). Where the
2020 and 2023 flux write a path differently (``hasAddressCity``: a list, then an object), the 2023
flux is the reference. A path is required in our record exactly when our row has data for it:
``FED_BY`` says which column of ``marts.opendata_offers`` feeds each path, or that t82 holds none."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES

SAMPLES = FIXTURES / "datatourisme"
LATEST_FLUX = "https://data.datatourisme.fr/"  # 2023 objects; the 2020 ones are under data.datatourisme.gouv.fr

ALWAYS = "always"  # present in every record (identity, place, dates of the record itself)
ALWAYS_TREE = "always, with all below it"  # the city, from the reference data
NO_DATA = "no data"  # t82's sources or reference hold nothing for it (the reason is beside it)


def _has(*columns: str) -> Callable[[dict], bool]:
    return lambda row: any(row.get(c) not in (None, "", []) for c in columns)


# Where each path the flux carries gets its data in t82, the longest prefix winning. A path missing
# here fails the test: say what feeds it, or why t82 has nothing for it.
FED_BY: dict[str, object] = {
    "@id": ALWAYS,
    "@type": ALWAYS,
    "dc:identifier": ALWAYS,
    "rdfs:label": ALWAYS,
    "lastUpdate": ALWAYS,
    "lastUpdateDatatourisme": ALWAYS,
    "isLocatedAt": ALWAYS,
    "isLocatedAt/schema:address": ALWAYS,
    "isLocatedAt/schema:address/schema:addressLocality": ALWAYS,
    "isLocatedAt/schema:address/schema:postalCode": ALWAYS,
    "isLocatedAt/schema:address/hasAddressCity": ALWAYS_TREE,
    "isLocatedAt/schema:geo": ALWAYS,
    "isLocatedAt/schema:geo/schema:latitude": ALWAYS,
    "isLocatedAt/schema:geo/schema:longitude": ALWAYS,
    "isLocatedAt/schema:address/schema:streetAddress": _has("address_line1"),
    "isLocatedAt/schema:openingHoursSpecification": lambda row: (
        bool(row.get("opening_periods")) and row["offer_type"] != "evenement"
    ),  # an event's periods are its takesPlaceAt
    # Opening hours by weekday: the SIT periods carry dates and times, not weekdays.
    "isLocatedAt/schema:openingHoursSpecification/schema:dayOfWeek": NO_DATA,
    "isLocatedAt/schema:openingHoursSpecification/schema:opens": lambda row: (
        any(p.get("opens_at") for p in row.get("opening_periods") or []) and row["offer_type"] != "evenement"
    ),
    "isLocatedAt/schema:openingHoursSpecification/schema:closes": lambda row: (
        any(p.get("closes_at") for p in row.get("opening_periods") or []) and row["offer_type"] != "evenement"
    ),
    "isLocatedAt/schema:openingHoursSpecification/additionalInformation": lambda row: (
        any(p.get("note") for p in row.get("opening_periods") or []) and row["offer_type"] != "evenement"
    ),
    "isLocatedAt/schema:openingHoursSpecification/hasTranslatedProperty": NO_DATA,  # French only, no machine translation
    "isLocatedAt/petsAllowed": lambda row: row.get("pets_allowed") is not None,
    "isLocatedAt/internetAccess": NO_DATA,  # not mapped from the SIT's services (Wifi is a feature)
    "isLocatedAt/reducedMobilityAccess": NO_DATA,  # accessibility labels are not read from the SIT yet
    "rdfs:comment": _has("description", "description_short"),
    "hasDescription": _has("description", "description_short"),
    "hasDescription/dc:description": _has("description"),
    "hasDescription/shortDescription": _has("description_short"),
    "hasDescription/hasTranslatedProperty": NO_DATA,  # French only, no machine translation
    "hasDescription/isDedicatedTo": NO_DATA,  # descriptions per audience are not read
    "hasTranslatedProperty": NO_DATA,
    "availableLanguage": _has("languages"),
    "creationDate": _has("creation_date"),
    "hasContact": _has("email", "phone", "website"),
    "hasContact/schema:email": _has("email"),
    "hasContact/schema:telephone": _has("phone"),
    "hasContact/foaf:homepage": _has("website"),
    "hasContact/schema:legalName": NO_DATA,  # the SIT rows carry no legal name of the provider
    "hasBookingContact": NO_DATA,  # the SIT's booking contacts are not read
    "hasBeenCreatedBy": ALWAYS,  # the OT
    "hasBeenCreatedBy/schema:legalName": ALWAYS,
    "hasBeenCreatedBy/dc:identifier": ALWAYS,  # its ot_code
    "hasBeenCreatedBy/schema:address": NO_DATA,
    "hasBeenCreatedBy/schema:email": NO_DATA,  # the OT reference (code, name, EPCI) has no contact
    "hasBeenCreatedBy/foaf:homepage": NO_DATA,
    "hasBeenPublishedBy": ALWAYS,  # the agency
    "hasBeenPublishedBy/schema:legalName": ALWAYS,
    "hasBeenPublishedBy/foaf:homepage": "publisher_homepage",  # a setting, not a column
    "hasBeenPublishedBy/schema:email": "publisher_email",
    "hasBeenPublishedBy/schema:telephone": NO_DATA,
    "hasBeenPublishedBy/schema:logo": NO_DATA,
    "hasBeenPublishedBy/rdfs:comment": NO_DATA,
    "hasBeenPublishedBy/hasTranslatedProperty": NO_DATA,
    "hasFeature": _has("amenities"),
    "hasFeature/features": _has("amenities"),
    "hasFeature/schema:value": NO_DATA,
    "hasFeature/hasFloorSize": NO_DATA,  # counts (80 bedrooms) are not read from the SIT
    "hasMainRepresentation": _has("photo_url"),
    "hasMainRepresentation/ebucore:hasAnnotation": _has("photo_credit"),
    # Media titles, rights and file details are not read from the SIT.
    "hasMainRepresentation/ebucore:hasAnnotation/ebucore:title": NO_DATA,
    "hasMainRepresentation/ebucore:hasAnnotation/ebucore:isCoveredBy": NO_DATA,
    "hasMainRepresentation/ebucore:hasAnnotation/ebucore:comments": NO_DATA,
    "hasMainRepresentation/ebucore:hasRelatedResource/ebucore:hasMimeType": NO_DATA,
    "hasMainRepresentation/ebucore:hasRelatedResource/ebucore:fileSize": NO_DATA,
    "hasMainRepresentation/ebucore:hasRelatedResource/ebucore:height": NO_DATA,
    "hasMainRepresentation/ebucore:hasRelatedResource/ebucore:width": NO_DATA,
    "offers": _has("payment_methods", "price_min_eur"),
    "offers/schema:acceptedPaymentMethod": _has("payment_methods"),
    "offers/schema:priceSpecification": _has("price_min_eur"),
    "offers/schema:priceSpecification/schema:minPrice": _has("price_min_eur"),
    # The marts keep the minimum price only: no maximum, tariff kinds, audiences or seasons.
    "offers/schema:priceSpecification/schema:maxPrice": NO_DATA,
    "offers/schema:priceSpecification/hasEligiblePolicy": NO_DATA,
    "offers/schema:priceSpecification/hasPricingMode": NO_DATA,
    "offers/schema:priceSpecification/hasPricingOffer": NO_DATA,
    "offers/schema:priceSpecification/hasAudience": NO_DATA,
    "offers/schema:priceSpecification/hasEligibleAudience": NO_DATA,
    "offers/schema:priceSpecification/appliesOnPeriod": NO_DATA,
    "offers/schema:priceSpecification/name": NO_DATA,
    "offers/schema:priceSpecification/additionalInformation": NO_DATA,
    "offers/schema:priceSpecification/hasTranslatedProperty": NO_DATA,
    "takesPlaceAt": _has("start_date"),
    "schema:startDate": _has("start_date"),
    "schema:endDate": _has("end_date"),
    "hasRepresentation": NO_DATA,  # the first photo is published, as the main representation
    "isOwnedBy": NO_DATA,  # the operator (often a person): never published
    "owl:sameAs": NO_DATA,
    "reducedMobilityAccess": NO_DATA,  # accessibility labels are not read from the SIT yet
    "COVID19SpecialMeasures": NO_DATA,
    # Terms of ontology 3.x: the feed is checked against v2.4.3, the version t82 holds.
    "isLocatedAt/TextOpeningHoursSpecification": NO_DATA,
    "offers/TextPriceSpecification": NO_DATA,
    "allowedPersons": NO_DATA,  # capacities are not read from the SIT
    "hasTheme": NO_DATA,  # themes are not mapped to the thesaurus yet
    "hasReview": NO_DATA,  # official labels and ratings are not read from the SIT
    "hasClientTarget": NO_DATA,
}


def shape(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        is_language_map = value and all(len(k) == 2 and not k.startswith("@") for k in value)
        return "language map" if is_language_map and all(isinstance(v, list) for v in value.values()) else "object"
    return "value"


def key_paths(node: object, prefix: str = "") -> dict[str, str]:
    """Every key path of an object (list levels are transparent) with the shape of its value."""
    paths: dict[str, str] = {}
    items = node if isinstance(node, list) else [node]
    for item in items:
        if not isinstance(item, dict) or shape(item) == "language map":
            continue
        for key, value in item.items():
            path = f"{prefix}/{key}" if prefix else key
            paths.setdefault(path, shape(value))
            if shape(value) != "language map":
                for sub, sub_shape in key_paths(value, path).items():
                    paths.setdefault(sub, sub_shape)
    return paths


def load_samples() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.json"))]


def reference(samples: list[dict]) -> dict[str, dict[str, str]]:
    """Class → {path carried by at least half of its real objects: the flux's shape for it}."""
    latest: dict[str, str] = {}
    for sample in samples:
        if sample["@id"].startswith(LATEST_FLUX):
            for path, path_shape in key_paths(sample).items():
                latest.setdefault(path, path_shape)
    by_class: dict[str, list[dict[str, str]]] = defaultdict(list)
    for sample in samples:
        for cls in sample["@type"]:
            by_class[cls].append(key_paths(sample))
    out = {}
    for cls, objects in by_class.items():
        counts: dict[str, int] = defaultdict(int)
        for paths in objects:
            for path in paths:
                counts[path] += 1
        out[cls] = {
            path: latest.get(path) or next(p[path] for p in objects if path in p)
            for path, n in counts.items()
            if 2 * n >= len(objects)
        }
    return out


def fed_by(path: str) -> object:
    """The entry of the path, else of its nearest listed ancestor (what feeds a node feeds what is
    in it; an ALWAYS node's contents are listed one by one)."""
    parts = path.split("/")
    if parts[-1] in ("@id", "@type"):  # a node's own identity and type: wherever the node is
        return ALWAYS
    if (entry := FED_BY.get(path)) is not None:
        return entry
    for end in range(len(parts) - 1, 0, -1):
        entry = FED_BY.get("/".join(parts[:end]))
        if entry not in (None, ALWAYS):
            return entry
        if entry == ALWAYS:
            return None
    return None


def conformance_problems(record: dict, row: dict, settings: dict, refs: dict[str, dict[str, str]]) -> list[str]:
    """What a reuser expecting the flux's shape misses in one of our records."""
    ours = key_paths(record)
    wanted: dict[str, str] = {}
    for cls in record["@type"]:
        wanted.update(refs.get(cls, {}))
    problems = []
    for path, flux_shape in sorted(wanted.items()):
        source = fed_by(path)
        if source is None:
            problems.append(f"{path}: no entry in FED_BY (what feeds it, or why t82 has nothing)")
            continue
        if source == NO_DATA:
            continue
        parent = path.rpartition("/")[0]
        if parent and parent not in ours:
            continue  # its node is absent, which its own path reports when it should be there
        needed = (
            True
            if source in (ALWAYS, ALWAYS_TREE)
            else bool(settings.get(source))
            if isinstance(source, str)
            else source(row)  # a column check
        )
        if not needed:
            continue
        if path not in ours:
            problems.append(f"{path}: missing")
        elif ours[path] != flux_shape:
            problems.append(f"{path}: {ours[path]} where the flux has a {flux_shape}")
    return problems


def read_as_a_reuser(feed: Path) -> list[dict]:
    """index.json → objects/<file> → what a map loader or POI indexer takes from each object."""
    entries = json.loads((feed / "index.json").read_text(encoding="utf-8"))
    read = []
    for entry in entries:
        obj = json.loads((feed / "objects" / entry["file"]).read_text(encoding="utf-8"))
        [place] = obj["isLocatedAt"]
        [address] = place["schema:address"]
        city = address["hasAddressCity"]
        departement = city["isPartOfDepartment"]
        region = departement["isPartOfRegion"]
        read.append(
            {
                "entry": entry,
                "object": obj,
                "label": obj["rdfs:label"]["fr"][0],
                "latitude": float(place["schema:geo"]["schema:latitude"]),
                "longitude": float(place["schema:geo"]["schema:longitude"]),
                "city": (city["insee"], city["rdfs:label"]["fr"][0], city["@id"]),
                "departement": (departement["insee"], departement["rdfs:label"]["fr"][0], departement["@id"]),
                "region": (region["insee"], region["rdfs:label"]["fr"][0], region["@id"]),
                "country": region["isPartOfCountry"]["@id"],
            }
        )
    return read
