"""Deterministic sample SIT data for the whole département, with the defects real data has.

Writes, under the samples folder:
- ``apidae/objects.ndjson``: Apidae v002 objects in the API shape (served by ``apidae_server``);
- ``drop/apidae/export-<n>.zip`` (+ notification sidecar): a differential export in the real
  ZIP layout (objects with ``{id}`` references only, ``communes.json``, deletions…);
- ``drop/tif/constellation-export.xml``: legacy Constellation records as TourInFrance v3 XML,
  some duplicating Apidae records (the agency keys records in both tools during migration).
"""

from __future__ import annotations

import json
import random
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from t82_pipeline.demo.territory import COMMUNE_WEIGHTS, Commune, communes, point_in_commune, tourist_offices

SEED = 82
REFERENCE_DATE = date(2026, 11, 1)  # generated data is anchored here, not on today's date
AGENCY_MEMBER_ID = 900

# type → (count at 1×, specific node, subtype key, subtype labels, name stems)
TYPES = {
    "HEBERGEMENT_LOCATIF": (
        2200,
        "informationsHebergementLocatif",
        "hebergementLocatifType",
        ["Meublé de tourisme", "Gîte"],
        ["Gîte", "Maison", "Le Clos", "La Grange", "Le Pigeonnier"],
    ),
    "HOTELLERIE": (
        130,
        "informationsHotellerie",
        "hotellerieType",
        ["Hôtel", "Hôtel-restaurant"],
        ["Hôtel", "Hôtel du Commerce", "Grand Hôtel", "Hôtel de la Gare"],
    ),
    "HOTELLERIE_PLEIN_AIR": (
        90,
        "informationsHotelleriePleinAir",
        "hotelleriePleinAirType",
        ["Camping", "Aire naturelle"],
        ["Camping", "Camping Les Rives", "Camping du Lac"],
    ),
    "HEBERGEMENT_COLLECTIF": (
        80,
        "informationsHebergementCollectif",
        "hebergementCollectifType",
        ["Gîte d'étape", "Gîte de groupe"],
        ["Gîte d'étape", "Centre", "Auberge"],
    ),
    "RESTAURATION": (
        650,
        "informationsRestauration",
        "restaurationType",
        ["Restaurant", "Brasserie", "Ferme auberge"],
        ["Restaurant", "Le Bistrot", "L'Auberge", "La Table"],
    ),
    "DEGUSTATION": (
        250,
        "informationsDegustation",
        "degustationType",
        ["Vins", "Produits du terroir"],
        ["Domaine", "Château", "Ferme", "Cave"],
    ),
    "PATRIMOINE_CULTUREL": (
        900,
        "informationsPatrimoineCulturel",
        "patrimoineCulturelType",
        ["Église", "Château", "Musée", "Pigeonnier"],
        ["Église", "Château", "Musée", "Lavoir"],
    ),
    "PATRIMOINE_NATUREL": (
        300,
        "informationsPatrimoineNaturel",
        "patrimoineNaturelType",
        ["Point de vue", "Lac", "Gorges"],
        ["Belvédère", "Lac", "Forêt"],
    ),
    "ACTIVITE": (
        550,
        "informationsActivite",
        "activiteType",
        ["Canoë", "Randonnée", "Équitation"],
        ["Canoë", "Balade", "Centre équestre", "Escalade"],
    ),
    "EQUIPEMENT": (
        500,
        "informationsEquipement",
        "rubrique",
        ["Itinéraire", "Piscine", "Aire de jeux"],
        ["Sentier", "Piscine", "Boucle"],
    ),
    "FETE_ET_MANIFESTATION": (
        900,
        "informationsFeteEtManifestation",
        "typesManifestation",
        ["Festival", "Marché", "Fête locale", "Concert"],
        ["Festival", "Marché", "Fête", "Concert"],
    ),
    "COMMERCE_ET_SERVICE": (
        600,
        "informationsCommerceEtService",
        "commerceEtServiceType",
        ["Commerce", "Location de vélos", "Producteur"],
        ["Boutique", "Cycles", "Épicerie", "Marché couvert"],
    ),
    "SEJOUR_PACKAGE": (
        60,
        "informationsSejourPackage",
        "typesHebergement",
        ["Séjour"],
        ["Séjour", "Week-end", "Escapade"],
    ),
    "STRUCTURE": (
        200,
        "informationsStructure",
        "entiteType",
        ["Association", "Collectivité"],
        ["Association", "Comité des fêtes", "Amicale"],
    ),
}
COMM_TYPES = {201: "Téléphone", 204: "Mél", 205: "Site web (URL)"}
# Apidae element references as the real samples carry them (../shared/samples/apidae): id, label.
PAYMENT_METHODS = [(1268, "Carte bancaire/crédit"), (1271, "Chèque"), (1274, "Chèque Vacances"), (1277, "Espèces"),
                   (1281, "Virement")]  # fmt: skip
LANGUAGES = [(1197, "Français"), (1192, "Anglais")]
EQUIPMENTS = [(972, "Parking"), (613, "Aire de pique-nique"), (741, "Toilettes"), (1321, "Parking à proximité")]
COMFORTS = [
    (895, "Congélateur"),
    (902, "Douche"),
    (922, "Lave vaisselle"),
    (943, "Réfrigérateur"),
    (900, "Double vitrage"),
]
LODGING = ("HEBERGEMENT_LOCATIF", "HOTELLERIE", "HOTELLERIE_PLEIN_AIR", "HEBERGEMENT_COLLECTIF")
WELCOMING = (*LODGING, "RESTAURATION", "DEGUSTATION", "ACTIVITE", "COMMERCE_ET_SERVICE", "PATRIMOINE_CULTUREL")
WORDS = [
    "du Quercy",
    "des Coteaux",
    "de la Garonne",
    "du Tarn",
    "de l'Aveyron",
    "des Bastides",
    "du Moulin",
    "des Vignes",
    "du Lac",
    "de la Lomagne",
    "du Pont",
    "des Chênes",
    "du Causse",
]
DESCRIPTIONS = [
    "Au cœur du Tarn-et-Garonne, entre bastides et coteaux, un lieu authentique à découvrir en famille.",
    "Dans un cadre calme et verdoyant, à quelques minutes des berges, une adresse appréciée des visiteurs.",
    "Une étape incontournable du Quercy, au patrimoine remarquable et à l'accueil chaleureux.",
    "Entre vergers et vignes du Frontonnais, profitez de la douceur de vivre du Sud-Ouest.",
]


def _weighted_communes(rng: random.Random, k: int) -> list[Commune]:
    pool = communes()
    weights = [COMMUNE_WEIGHTS.get(c.insee_code, 1) for c in pool]
    return rng.choices(pool, weights=weights, k=k)


def _ts(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}+0000"


def _libelle(text: str) -> dict:
    return {"libelleFr": text}


def _ref(ref_type: str, ref_id: int, label: str | None = None) -> dict:
    ref = {"elementReferenceType": ref_type, "id": ref_id}
    if label:
        ref["libelleFr"] = label
    return ref


def _object(rng: random.Random, object_id: int, obj_type: str, commune: Commune, owners: dict) -> dict:
    _, node, subtype_key, subtypes, stems = TYPES[obj_type]
    name = f"{rng.choice(stems)} {rng.choice(WORDS)}".replace("  ", " ")
    if rng.random() < 0.4:
        name = f"{name} à {commune.name}"
    modified = datetime.combine(REFERENCE_DATE, datetime.min.time(), UTC) - timedelta(
        days=rng.choice([rng.randint(1, 400), rng.randint(1, 400), rng.randint(400, 2500)]),
        seconds=rng.randint(0, 86399),
    )
    created = modified - timedelta(days=rng.randint(0, 3000))
    owner = owners[0] if rng.random() < 0.15 else owners[commune.epci_siren]
    # Defects: 1 % placed in another commune than the one declared, 2 % with lon/lat swapped.
    placed_in = rng.choice(communes()) if rng.random() < 0.01 else commune
    lon, lat = point_in_commune(rng, placed_in.insee_code)
    coords = [lat, lon] if rng.random() < 0.02 else [lon, lat]

    subtype_index = rng.randrange(len(subtypes))
    subtype = _ref(obj_type.title().replace("_", "") + "Type", 1000 + subtype_index, subtypes[subtype_index])
    obj: dict = {
        "type": obj_type,
        "id": object_id,
        "identifier": f"SITRA2_{obj_type[:3]}_{object_id}",
        "nom": _libelle(name),
        "state": "HIDDEN" if rng.random() < 0.03 else "PUBLISHED",
        "gestion": {
            "dateCreation": _ts(created),
            "dateModification": _ts(modified),
            "membreProprietaire": owner,
        },
        "informations": {"moyensCommunication": []},
        "localisation": {
            "adresse": {
                "adresse1": f"{rng.randint(1, 60)} {rng.choice(['rue du Moulin', 'avenue de la Gare', 'chemin des Vignes', 'place de la Mairie'])}",
                "codePostal": commune.postal_code,
                "commune": {
                    "id": commune.apidae_id,
                    "code": commune.insee_code,
                    "nom": commune.name,
                    "codePostal": commune.postal_code,
                },
            },
        },
        node: {subtype_key: [subtype] if subtype_key.startswith("types") else subtype},
    }
    if rng.random() > 0.015:  # defect: no geolocation at all
        obj["localisation"]["geolocalisation"] = {"valide": True, "geoJson": {"type": "Point", "coordinates": coords}}
    comms = obj["informations"]["moyensCommunication"]
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
    if rng.random() < 0.85:
        comms.append(
            {
                "identifiant": object_id * 10 + 1,
                "type": _ref("MoyenCommunicationType", 201, COMM_TYPES[201]),
                "coordonnees": {"fr": f"05 63 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"},
            }
        )
    if rng.random() < 0.6:
        comms.append(
            {
                "identifiant": object_id * 10 + 4,
                "type": _ref("MoyenCommunicationType", 204, COMM_TYPES[204]),
                "coordonnees": {"fr": f"contact@{slug}.fr"},
            }
        )
    if rng.random() < 0.5:
        comms.append(
            {
                "identifiant": object_id * 10 + 5,
                "type": _ref("MoyenCommunicationType", 205, COMM_TYPES[205]),
                "coordonnees": {"fr": f"https://www.{slug}.fr"},
            }
        )
    presentation: dict = {}
    if rng.random() > 0.15:  # defect: no description
        presentation["descriptifCourt"] = _libelle(rng.choice(DESCRIPTIONS))
        if rng.random() < 0.5:
            presentation["descriptifDetaille"] = _libelle(" ".join(rng.sample(DESCRIPTIONS, 3)))
    if presentation:
        obj["presentation"] = presentation
    if rng.random() > 0.2:  # defect: no photo
        obj["illustrations"] = [
            {
                "identifiant": object_id * 100 + i,
                "type": "IMAGE",
                "nom": _libelle(name),
                "copyright": _libelle(rng.choice(["OT", "Tarn-et-Garonne Tourisme", "J. Martin"])),
                "traductionFichiers": [
                    {
                        "locale": "fr",
                        "url": f"https://static.apidae-tourisme.com/filestore/objets-touristiques/images/{object_id}/{i}.jpg",
                    }
                ],
            }
            for i in range(rng.randint(1, 4))
        ]
    start = REFERENCE_DATE + timedelta(days=rng.randint(-60, 240))
    if obj_type == "FETE_ET_MANIFESTATION":
        end = start + timedelta(days=rng.choice([0, 0, 1, 2, 6]))
        obj["ouverture"] = {
            "periodeEnClair": _libelle(f"Du {start:%d/%m/%Y} au {end:%d/%m/%Y}."),
            "periodesOuvertures": [
                {
                    "identifiant": object_id,
                    "dateDebut": start.isoformat(),
                    "dateFin": end.isoformat(),
                    "type": "OUVERTURE_TOUS_LES_JOURS",
                }
            ],
        }
    elif rng.random() > 0.3:  # defect: no opening periods
        obj["ouverture"] = {
            "periodeEnClair": _libelle("Ouvert d'avril à octobre."),
            "periodesOuvertures": [
                {
                    "identifiant": object_id,
                    "dateDebut": f"{REFERENCE_DATE.year}-04-01",
                    "dateFin": f"{REFERENCE_DATE.year}-10-31",
                    "type": "OUVERTURE_TOUS_LES_JOURS",
                }
            ],
        }
    if rng.random() > 0.3:  # defect: no prices
        free = obj_type in ("PATRIMOINE_NATUREL", "EQUIPEMENT") and rng.random() < 0.6
        tarif: dict = {"gratuit": free, "indicationTarif": "GRATUIT" if free else "PAYANT"}
        if not free:
            low = rng.randint(5, 80)
            tarif["tarifsEnClair"] = _libelle(f"À partir de {low} €.")
            tarif["periodes"] = [
                {
                    "dateDebut": f"{REFERENCE_DATE.year}-01-01",
                    "dateFin": f"{REFERENCE_DATE.year}-12-31",
                    "tarifs": [
                        {
                            "devise": "EUR",
                            "minimum": low,
                            "maximum": low * 2,
                            "type": _ref("TarifType", 1500, "Tarif de base"),
                        }
                    ],
                }
            ]
        obj["descriptionTarif"] = tarif
    _add_details(obj)
    return obj


def _add_details(obj: dict) -> None:
    """What real records carry beside the basics: services, languages, pets, payment methods and
    opening hours. Drawn from the object's own generator so every other field stays as it was."""
    rng = random.Random(f"details-{obj['id']}")
    obj_type, prestations = obj["type"], {}
    if obj_type in LODGING:
        prestations["conforts"] = [_ref("PrestationConfort", i, label) for i, label in rng.sample(COMFORTS, 3)]
    if obj_type in WELCOMING and rng.random() < 0.7:
        prestations["equipements"] = [
            _ref("PrestationEquipement", i, label) for i, label in rng.sample(EQUIPMENTS, rng.randint(1, 3))
        ]
        prestations["languesParlees"] = [_ref("Langue", i, label) for i, label in LANGUAGES[: rng.randint(1, 2)]]
    if obj_type in (*LODGING, "RESTAURATION"):
        prestations["animauxAcceptes"] = rng.choice(["ACCEPTES", "NON_ACCEPTES", "NON_DISPONIBLE"])
    if prestations:
        obj["prestations"] = prestations
    tarif = obj.get("descriptionTarif")
    if tarif and not tarif.get("gratuit"):
        tarif["modesPaiement"] = [
            _ref("ModePaiement", i, label) for i, label in sorted(rng.sample(PAYMENT_METHODS, rng.randint(2, 4)))
        ]
    periods = obj.get("ouverture", {}).get("periodesOuvertures", [])
    for period in periods:
        if rng.random() < 0.6:
            evening = obj_type == "FETE_ET_MANIFESTATION"
            period["horaireOuverture"] = "20:30:00" if evening else "10:00:00"
            period["horaireFermeture"] = "23:30:00" if evening else "18:00:00"
        if rng.random() < 0.3:
            period["complementHoraire"] = _libelle("Fermé le lundi." if obj_type in WELCOMING else "Sur réservation.")
    if obj_type == "FETE_ET_MANIFESTATION" and periods and rng.random() < 0.25:  # held again the next weeks
        first = periods[0]
        for week in (1, 2):
            periods.append(
                {
                    **first,
                    "identifiant": first["identifiant"] * 10 + week,
                    "dateDebut": (date.fromisoformat(first["dateDebut"]) + timedelta(weeks=week)).isoformat(),
                    "dateFin": (date.fromisoformat(first["dateFin"]) + timedelta(weeks=week)).isoformat(),
                }
            )


def _owners() -> dict:
    """The agency (key 0) and each OT, keyed by its EPCI: records belong to their territory's OT."""
    owners: dict = {
        0: {
            "id": AGENCY_MEMBER_ID,
            "nom": "Tarn-et-Garonne Tourisme",
            "type": _ref("MembreSitraType", 230),
            "departement": "82",
        }
    }
    for i, ot in enumerate(tourist_offices()):
        owners[ot["epci_siren"]] = {
            "id": 901 + i,
            "nom": ot["ot_name"],
            "type": _ref("MembreSitraType", 233),
            "departement": "82",
            "siteWeb": f"https://www.{ot['ot_code']}-tourisme.fr",
        }
    return owners


def generate_objects(scale: float = 1.0, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    owners = _owners()
    objects, next_id = [], 5_000_000
    for obj_type, (count, *_rest) in TYPES.items():
        for commune in _weighted_communes(rng, max(1, round(count * scale))):
            objects.append(_object(rng, next_id, obj_type, commune, owners))
            next_id += rng.randint(1, 7)
    objects.sort(key=lambda o: o["id"])
    return objects


def _to_export_shape(obj: dict) -> dict:
    """Export objects carry references as ``{elementReferenceType, id}`` and communes as ``{id}``."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            if "elementReferenceType" in value:
                return {"elementReferenceType": value["elementReferenceType"], "id": value["id"]}
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    out = strip(obj)
    out["localisation"]["adresse"]["commune"] = {"id": obj["localisation"]["adresse"]["commune"]["id"]}
    return out


def write_export_zip(path: Path, modified: list[dict], deleted: list[int], full: bool) -> None:
    refs: dict[tuple, dict] = {}

    def collect(value: object) -> None:
        if isinstance(value, dict):
            if "elementReferenceType" in value and "libelleFr" in value:
                refs[(value["elementReferenceType"], value["id"])] = value
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(modified)
    used = {o["localisation"]["adresse"]["commune"]["id"] for o in modified}
    commune_rows = [
        {"id": c.apidae_id, "code": c.insee_code, "nom": c.name, "pays": _ref("Pays", 532), "codePostal": c.postal_code}
        for c in communes()
        if c.apidae_id in used
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        exported = [_to_export_shape(o) for o in modified]
        for n, start in enumerate(range(0, len(exported), 50), start=1):  # grouped by 50, as Apidae does
            z.writestr(
                f"objets_modifies/objets_modifies-{n}.json",
                json.dumps(exported[start : start + 50], ensure_ascii=False, indent=1),
            )
        z.writestr("objets_supprimes.json", json.dumps(deleted))
        z.writestr("communes.json", json.dumps(commune_rows, ensure_ascii=False, indent=1))
        z.writestr("elements_reference.json", json.dumps(list(refs.values()), ensure_ascii=False, indent=1))
        z.writestr(
            "selections.json",
            json.dumps(
                [
                    {
                        "id": 1,
                        "libelle": _libelle("Tarn-et-Garonne"),
                        "nom": "Tarn-et-Garonne",
                        "objetsTouristiques": [{"type": o["type"], "id": o["id"]} for o in modified],
                    }
                ]
            ),
        )
        z.writestr("criteres_internes.json", "[]")
    path.with_name(path.name + ".json").write_text(
        json.dumps(
            {"projetId": "0", "statut": "SUCCESS", "ponctuel": "false", "reinitialisation": "true" if full else "false"}
        ),
        encoding="utf-8",
    )


def differential_changes(objects: list[dict], seed: int = SEED) -> tuple[list[dict], list[int]]:
    """~2 % of objects modified after the API snapshot, ~0.3 % deleted."""
    rng = random.Random(seed + 1)
    changed = []
    for obj in rng.sample(objects, max(1, len(objects) // 50)):
        new = json.loads(json.dumps(obj))
        new["gestion"]["dateModification"] = _ts(
            datetime.combine(REFERENCE_DATE, datetime.min.time(), UTC) + timedelta(hours=rng.randint(1, 20))
        )
        new.setdefault("presentation", {})["descriptifCourt"] = _libelle(DESCRIPTIONS[0] + " (mis à jour)")
        changed.append(new)
    deleted = [o["id"] for o in rng.sample(objects, max(1, len(objects) // 300))]
    return changed, deleted
