"""Legacy Constellation records as a TourInFrance v3 XML export (the layout of the real
Caravelis sample in ../shared/samples/tourinfrance), for the embedded default."""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

from t82_pipeline.demo.sit_generator import DESCRIPTIONS, SEED
from t82_pipeline.demo.territory import communes, point_in_commune

# Classification codes used here must exist in seeds/offer_type_mapping.csv.
TIF_CLASSES = [
    ("02.01.14", "Hébergement d'accueil collectif"),
    ("02.01.13", "Hôtellerie"),
    ("02.01.04", "Meublés et gîtes"),
    ("02.01.08", "Restauration"),
    ("02.01.05", "Patrimoine culturel"),
    ("02.01.11", "Fêtes et manifestations"),
]
# TIF codes and labels as the real Caravelis export writes them (../shared/samples/tourinfrance).
TIF_PAYMENT_MODES = [("13.02.04", "Carte bleue"), ("13.02.08", "Ch&#xE8;que"), ("13.02.11", "Ch&#xE8;ques Vacances"),
                     ("13.02.14", "Esp&#xE8;ces")]  # fmt: skip
TIF_SERVICES = [("15.05.64", "Parking"), ("15.05.129", "Toilettes"), ("15.05.126", "Terrasse/balcon"),
                ("15.05.999", "Wifi partout"), ("15.06.05", "Animaux accept&#xE9;s"), ("15.05.19", "Boulodrome")]  # fmt: skip
TIF_LANGUAGES = [("FR", "Fran&#xE7;ais"), ("EN", "Anglais"), ("ES", "Espagnol")]
HEADER = """<?xml version="1.0"?>
<listeOI xmlns="http://www.caravelis.com/webservice/data" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<OIs COUNT="{count}">"""
NAMESPACES = (
    'xmlns:tif="http://www.tourinfrance.net/Tourinfrance3/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns="http://www.tourinfrance.net/Tourinfrance3/"'
)
OI = (
    "<tif:OI "
    + NAMESPACES
    + """>
  <tif:DublinCore>
    <dc:title xml:lang="FR">{title}</dc:title>
    <dc:identifier>{identifier}</dc:identifier>
    <tif:Classification code="{code}">{label}</tif:Classification>
    {description}
    <dc:publisher>Tarn-et-Garonne Tourisme</dc:publisher>
    <dcterms:created>{created}</dcterms:created>
    <dcterms:modified>{modified}</dcterms:modified>
  </tif:DublinCore>
  {media}
  <tif:Contacts>
    <tif:DetailContact libelle="Etab/Lieu/Structure" type="04.03.13">
      <tif:RaisonSociale>{title}</tif:RaisonSociale>
      <tif:Adresses>
        <tif:DetailAdresse>
          <tif:Adr1>{street}</tif:Adr1>
          <tif:CodePostal>{postal}</tif:CodePostal>
          <tif:Pays code="FR">FRANCE</tif:Pays>
          <tif:Personnes>
            <tif:DetailPersonne type="04.04.05" libelle="Moyen de communication">
              <tif:MoyensCommunications>
                <tif:DetailMoyenCom type="04.02.01" libelle="T&#xE9;l&#xE9;phone">
                  <tif:Coord>{phone}</tif:Coord>
                </tif:DetailMoyenCom>
                <tif:DetailMoyenCom type="04.02.04" libelle="M&#xE8;l">
                  {email}
                </tif:DetailMoyenCom>
              </tif:MoyensCommunications>
            </tif:DetailPersonne>
          </tif:Personnes>
          <tif:Commune code="{insee}">{commune}</tif:Commune>
        </tif:DetailAdresse>
      </tif:Adresses>
    </tif:DetailContact>
  </tif:Contacts>
  <tif:Geolocalisations>
    <tif:DetailGeolocalisation type="08.01.03" libelle="Point">
      <tif:Zone><tif:Points><tif:DetailPoint type="08.02.05.11" libelle="Principal">
        <tif:Coordonnees><tif:DetailCoordonnees type="08.02.02.03">
          <tif:Latitude>{lat}</tif:Latitude>
          <tif:Longitude>{lon}</tif:Longitude>
        </tif:DetailCoordonnees></tif:Coordonnees>
      </tif:DetailPoint></tif:Points></tif:Zone>
    </tif:DetailGeolocalisation>
  </tif:Geolocalisations>
  <tif:Periodes>
    <tif:DetailPeriode type="09.01.06" libelle="Ouverture" id="1">
      <tif:Dates><tif:DetailDates><tif:DateDebut>{start}</tif:DateDebut><tif:DateFin>{end}</tif:DateFin></tif:DetailDates></tif:Dates>
    </tif:DetailPeriode>
  </tif:Periodes>
  {details}
  {prices}
</tif:OI>"""
)


def _details(rng: random.Random) -> tuple[str, str]:
    """Languages and services (after the periods), payment modes (inside the prices), as TIF writes them."""
    languages = "".join(
        f'<tif:Langue xml:lang="{code}">{label}</tif:Langue>' for code, label in TIF_LANGUAGES[: rng.randint(1, 3)]
    )
    services = "".join(
        f'<tif:DetailPrestation id="{n}"><tif:Prestation type="{code}">{label}</tif:Prestation></tif:DetailPrestation>'
        for n, (code, label) in enumerate(rng.sample(TIF_SERVICES, rng.randint(1, 3)), start=1)
    )
    details = (
        f'<tif:Langues><tif:Usage type="11.01.01" libelle="Accueil">{languages}</tif:Usage></tif:Langues>'
        f'<tif:OffresPrestations><tif:DetailOffrePrestation type="15.05" libelle="Equipements">{services}'
        "</tif:DetailOffrePrestation></tif:OffresPrestations>"
    )
    modes = "".join(
        f'<tif:ModePaiement type="{code}">{label}</tif:ModePaiement>'
        for code, label in rng.sample(TIF_PAYMENT_MODES, rng.randint(1, 3))
    )
    return details, f"<tif:ModesPaiement>{modes}</tif:ModesPaiement>"


def generate_tif_xml(path: Path, apidae_objects: list[dict], count: int = 400, seed: int = SEED) -> None:
    rng = random.Random(seed + 2)
    pool = communes()
    by_insee = {c.insee_code: c for c in pool}
    records = []
    for i in range(count):
        code, label = rng.choice(TIF_CLASSES)
        if i % 4 == 0:  # defect: the same place keyed in both tools during the migration
            twin = apidae_objects[rng.randrange(len(apidae_objects))]
            title = twin["nom"]["libelleFr"]
            commune = by_insee[twin["localisation"]["adresse"]["commune"]["code"]]
        else:
            commune = rng.choice(pool)
            title = f"{label.split()[0]} {rng.choice(['de la Vallée', 'du Village', 'des Coteaux', 'Saint-Jacques'])} à {commune.name}"
        lon, lat = point_in_commune(rng, commune.insee_code)
        # Drawn apart, so the fields above stay as they were.
        details, payment_modes = _details(random.Random(f"tif-details-{i}")) if i % 3 else ("", "")
        year = rng.randint(2012, 2024)
        slug = "".join(ch for ch in title.lower() if ch.isalnum())[:18]
        records.append(
            OI.format(
                title=escape(title),
                identifier="" if i == 7 else f"TFO082{100000 + i}",  # defect: one record has no id
                code=code,
                label=escape(label),
                description=f'<dc:description xml:lang="FR">{escape(rng.choice(DESCRIPTIONS))}&lt;br/&gt;</dc:description>'
                if rng.random() > 0.25
                else "",
                created=f"{year % 100:02d}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                modified=f"{min(year + rng.randint(0, 4), 25):02d}-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}"
                if year < 2025
                else "25-01-01",
                media=""
                if rng.random() < 0.4
                else (
                    '<tif:Multimedia><tif:DetailMultimedia type="03.01.01" libelle="Image">'
                    f"<tif:URL>https://medias.tarnetgaronne-tourisme.fr/{slug}.jpg</tif:URL>"
                    "<tif:Copyright>Tarn-et-Garonne Tourisme</tif:Copyright></tif:DetailMultimedia></tif:Multimedia>"
                ),
                street=escape(f"{rng.randint(1, 40)} rue du Quercy"),
                postal=commune.postal_code,
                phone=f"05630{rng.randint(10000, 99999)}",
                email=f"<tif:Coord>{slug}@orange.fr</tif:Coord>" if rng.random() < 0.5 else "",
                insee=commune.insee_code,
                commune=escape(commune.name),
                lat=lat,
                lon=lon,
                start="2025-04-01",
                end="2025-10-31",
                prices=""
                if rng.random() < 0.5
                else (
                    '<tif:Tarifs><tif:DetailTarifs><tif:DetailTarif type="13.04.04.86" libelle="Nuit&#xE9;e adulte">'
                    f"<tif:Nom>Tarif adulte</tif:Nom><tif:TarifMin>{rng.randint(5, 40)}</tif:TarifMin>"
                    f"</tif:DetailTarif></tif:DetailTarifs>{payment_modes}</tif:Tarifs>"
                ),
                details=details,
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(count=len(records)) + "\n".join(records) + "\n</OIs>\n</listeOI>\n", encoding="utf-8")
