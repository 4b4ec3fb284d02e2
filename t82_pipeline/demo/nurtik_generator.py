"""Nurtik sample data for the embedded default, in the assumed API shape (see README and
defs/nurtik/client.py): ~20,000 contacts filled as real newsletter bases are (only an e-mail,
the e-mail typed as the name, invalid or disposable addresses, the same person twice, consents
collected without proof), their consent histories, interests and activity events; plus, in the
drop folder, a back-office contacts export with bad rows and the answers of a requalification
campaign."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from t82_pipeline.demo.sit_generator import REFERENCE_DATE, SEED
from t82_pipeline.demo.territory import communes

FIRST = [
    "Marie",
    "Jean",
    "Sophie",
    "Pierre",
    "Camille",
    "Nicolas",
    "Julie",
    "Thomas",
    "Claire",
    "Laurent",
    "Emma",
    "Hugo",
    "Léa",
    "Louis",
    "Chloé",
    "Élodie",
    "François",
    "Anne",
    "John",
    "Sarah",
    "Pieter",
    "Anke",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Garcia",
    "Roux",
    "Fournier",
    "Vidal",
    "Castan",
    "Delmas",
    "Bousquet",
    "Smith",
    "Janssen",
    "Müller",
    "Peeters",
]
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "wanadoo.fr", "sfr.fr", "yahoo.fr"]
DISPOSABLE = ["yopmail.com", "jetable.org", "mailinator.com"]
INTERESTS = ["randonnee", "velo", "vin_gastronomie", "patrimoine", "famille", "bien_etre", "peche", "evenements"]
# Where contacts live: (weight, postcode prefixes or None for the département's own, country)
ORIGINS = [
    (30, None, "FR"),
    (20, ["31000", "31100", "31200", "31300", "31400", "31500", "31700", "31770"], "FR"),
    (15, ["46000", "47000", "32000", "81000", "12000", "46300", "47300", "81600"], "FR"),
    (5, ["34000", "11000", "30000", "66000"], "FR"),
    (7, ["33000", "24000", "64000", "40000"], "FR"),
    (13, ["75011", "69003", "59000", "44000", "67000", "13008"], "FR"),
    (4, ["SW1A 1AA"], "GB"),
    (3, ["1012"], "NL"),
    (2, ["1000"], "BE"),
    (1, ["10115"], "DE"),
]
PURPOSES = ["newsletter", "partner_offers"]
END = datetime.combine(REFERENCE_DATE, datetime.min.time(), UTC)


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _email(rng: random.Random, first: str, last: str, n: int) -> str:
    local = f"{first}.{last}".lower().replace("é", "e").replace("è", "e").replace("ü", "u").replace("ç", "c")
    roll = rng.random()
    if roll < 0.03:  # typed wrong
        return rng.choice([f"{local}@gmail", f"{local}@@orange.fr", f"{first.lower()} {last.lower()}@free.fr"])
    domain = rng.choice(DISPOSABLE) if roll < 0.05 else rng.choice(DOMAINS)
    return f"{local}{n % 997}@{domain}"


def _contact(rng: random.Random, n: int, postcodes_82: list[str]) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = _email(rng, first, last, n)
    created = END - timedelta(days=rng.randint(10, 9 * 365), minutes=rng.randint(0, 1440))
    weight, prefixes, country = rng.choices(ORIGINS, weights=[o[0] for o in ORIGINS])[0]
    postcode = rng.choice(postcodes_82) if prefixes is None else rng.choice(prefixes)
    proof = created.year >= 2021 and rng.random() < 0.9  # the CNIL mention and double opt-in came in 2021
    consents = []
    for purpose in PURPOSES if rng.random() < 0.4 else PURPOSES[:1]:
        consents.append(
            {
                "purpose": purpose,
                "channel": "email",
                "status": "confirmed",
                "optin_method": "double" if proof else "import",
                "collected_at": _ts(created),
                "confirmed_at": _ts(created + timedelta(minutes=7)) if proof else None,
                "ip": f"90.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}" if proof else None,
                "form_id": str(rng.choice([12, 14, 31])) if proof else None,
                "wording_version": "2021-03" if proof else None,
            }
        )
        if rng.random() < 0.1:  # later unsubscribed
            consents.append(
                {
                    "purpose": purpose,
                    "channel": "email",
                    "status": "unsubscribed",
                    "optin_method": None,
                    "collected_at": _ts(created + timedelta(days=rng.randint(30, 400))),
                    "confirmed_at": None,
                    "ip": None,
                    "form_id": None,
                    "wording_version": None,
                }
            )
    contact = {
        "contact_id": f"c-{n:06d}",
        "email": email,
        "first_name": first,
        "last_name": last,
        "phone": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        if rng.random() < 0.3
        else None,
        "postcode": postcode,
        "country_iso2": country,
        "lang": "fr" if country == "FR" else "en",
        "created_at": _ts(created),
        "updated_at": _ts(created + timedelta(days=rng.randint(0, 30))),
        "source": rng.choice(["form:12", "form:14", "import:salon-2019", "booking"]),
        "global_status": "active",
        "consents": consents,
        "interests": [
            {"interest_code": i, "source": "form", "set_at": _ts(created)}
            for i in rng.sample(INTERESTS, rng.randint(0, 3))
        ],
    }
    roll = rng.random()
    if roll < 0.15:  # only an e-mail
        contact.update(first_name=None, last_name=None, postcode=None, phone=None)
    elif roll < 0.23:  # the e-mail typed in the name field
        contact.update(first_name=email, last_name=None)
    elif roll < 0.28:
        contact["postcode"] = None
    elif roll < 0.32:
        contact["country_iso2"] = rng.choice(["XX", "France", ""])
    if rng.random() < 0.02:
        contact["global_status"] = "bounced"
    return contact


def _events(rng: random.Random, contact: dict) -> list[dict]:
    created = datetime.strptime(contact["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    events, engaged = [], rng.random()
    for k in range(rng.randint(0, 6) if engaged > 0.3 else 0):
        when = created + timedelta(days=rng.randint(1, max(2, (END - created).days - 1)))
        kind = rng.choices(["open", "click", "form_submit", "booking"], weights=[60, 25, 10, 5])[0]
        events.append(
            {
                "event_id": f"{contact['contact_id']}-{k}",
                "contact_id": contact["contact_id"],
                "type": kind,
                "campaign_id": f"nl-{when:%Y%m}" if kind in ("open", "click") else None,
                "occurred_at": _ts(when),
            }
        )
    return events


def generate_nurtik(out: Path, drop: Path, count: int = 20_000) -> dict:
    rng = random.Random(SEED + 5)
    postcodes_82 = sorted({c.postal_code for c in communes()})
    contacts = [_contact(rng, n, postcodes_82) for n in range(1, count + 1)]
    for original in rng.sample(contacts, count // 50):  # the same person registered twice
        twin = json.loads(json.dumps(original))
        twin.update(contact_id=f"c-{len(contacts) + 1:06d}", email=f"  {original['email'].upper()} ", first_name=None)
        contacts.append(twin)
    events = [e for c in contacts for e in _events(rng, c)]
    out.mkdir(parents=True, exist_ok=True)
    (out / "contacts.ndjson").write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in contacts), encoding="utf-8"
    )
    (out / "events.ndjson").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8"
    )
    drop.mkdir(parents=True, exist_ok=True)
    export_rows = _write_export(rng, drop / "export-contacts-2026-10.csv", contacts)
    answers = _write_answers(rng, drop / "requalification-reponses-2026-10.csv", contacts)
    return {
        "nurtik_contacts": len(contacts),
        "nurtik_events": len(events),
        "nurtik_export_rows": export_rows,
        "nurtik_answers": answers,
    }


EXPORT_HEADER = [
    "contact_id",
    "email",
    "prenom",
    "nom",
    "telephone",
    "code_postal",
    "pays",
    "date_creation",
    "date_modification",
    "statut_newsletter",
    "date_consentement",
    "preuve_consentement",
    "centres_interet",
]


def _write_export(rng: random.Random, path: Path, contacts: list[dict]) -> int:
    """The back-office export (CSV, ';'): new sign-ups of the month and a few broken rows."""
    rows = []
    for n in range(1, 151):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        when = END - timedelta(days=rng.randint(1, 30))
        rows.append(
            [
                f"x-{n:05d}",
                _email(rng, first, last, 5000 + n),
                first,
                last,
                "",
                rng.choice(["82000", "31000", "46000"]),
                "FR",
                when.strftime("%d/%m/%Y %H:%M"),
                when.strftime("%d/%m/%Y %H:%M"),
                "inscrit",
                when.strftime("%d/%m/%Y %H:%M"),
                "formulaire:12",
                "|".join(rng.sample(INTERESTS, 2)),
            ]
        )
    rows += [
        [
            "x-90001",
            "",
            "Sans",
            "Email",
            "",
            "82000",
            "FR",
            "01/10/2026 10:00",
            "01/10/2026 10:00",
            "inscrit",
            "",
            "",
            "",
        ],
        [
            "x-90002",
            "date.cassee@gmail.com",
            "Date",
            "Cassée",
            "",
            "82000",
            "FR",
            "31/13/2026 10:00",
            "01/10/2026 10:00",
            "inscrit",
            "",
            "",
            "",
        ],
        [
            "x-90003",
            "statut.inconnu@gmail.com",
            "Statut",
            "Inconnu",
            "",
            "82000",
            "FR",
            "01/10/2026 10:00",
            "01/10/2026 10:00",
            "peut-être",
            "",
            "",
            "",
        ],
        [
            "x-00001",
            "autre.adresse@gmail.com",
            "Double",
            "Id",
            "",
            "82000",
            "FR",
            "01/10/2026 10:00",
            "01/10/2026 10:00",
            "inscrit",
            "",
            "",
            "",
        ],
    ]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)
    return len(rows)


ANSWERS_HEADER = ["email", "reponse", "prenom", "code_postal", "pays", "centres_interet", "date_reponse"]


def _write_answers(rng: random.Random, path: Path, contacts: list[dict]) -> int:
    """Answers to the requalification campaign: confirm, update (with completed fields), decline."""
    rows = []
    for contact in rng.sample(contacts, len(contacts) // 12):
        answer = rng.choices(["confirmer", "mettre_a_jour", "refuser"], weights=[55, 30, 15])[0]
        when = END - timedelta(days=rng.randint(1, 20))
        update = answer == "mettre_a_jour"
        rows.append(
            [
                contact["email"],
                answer,
                rng.choice(FIRST) if update else "",
                rng.choice(["82000", "82100", "31000"]) if update else "",
                "FR" if update else "",
                "|".join(rng.sample(INTERESTS, 2)) if update else "",
                when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ]
        )
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(ANSWERS_HEADER)
        writer.writerows(rows)
    return len(rows)
