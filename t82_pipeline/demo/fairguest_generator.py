"""Fairguest sample data for the embedded default (the assumed API shape, see README):
~400 establishments linked to generated SIT records (a few not linked, with names spelt as
providers type them), three years of reviews in French and English with themes and polarities,
the same review collected from two platforms, and a back-office CSV export."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from t82_pipeline.demo.sit_generator import REFERENCE_DATE, SEED

PLATFORMS = {"google": 5, "booking": 10, "tripadvisor": 5}
THEMES = {
    "confort": ("Lit très confortable", "Literie fatiguée, mal dormi"),
    "salle_de_bain": ("Salle de bain refaite à neuf", "Salle de bain vétuste et douche froide"),
    "accueil": ("Accueil chaleureux des propriétaires", "Accueil froid à l'arrivée"),
    "proprete": ("Tout était impeccable", "Ménage pas fait à notre arrivée"),
    "emplacement": ("Emplacement idéal pour visiter Moissac", "Difficile à trouver, route étroite"),
    "rapport_qualite_prix": ("Très bon rapport qualité-prix", "Trop cher pour ce que c'est"),
    "petit_dejeuner": ("Petit-déjeuner copieux avec produits locaux", "Petit-déjeuner décevant"),
    "bruit": ("Très calme, au milieu des vignes", "Bruyant la nuit, la route passe à côté"),
}
ENGLISH = {
    "Lit très confortable": "Very comfortable bed",
    "Literie fatiguée, mal dormi": "Worn-out bedding, slept badly",
    "Accueil chaleureux des propriétaires": "Warm welcome from the owners",
    "Trop cher pour ce que c'est": "Too expensive for what it is",
}
FIRST_NAMES = ["Marie", "Jean", "Sophie", "Pierre", "Emma", "Lucas", "John", "Sarah", "Hans", "Anna"]
SIT_TYPES = (
    "HOTELLERIE",
    "HOTELLERIE_PLEIN_AIR",
    "HEBERGEMENT_LOCATIF",
    "HEBERGEMENT_COLLECTIF",
    "RESTAURATION",
    "PATRIMOINE_CULTUREL",
)


def _reviews(rng: random.Random, sheet_id: int, quality: float, count: int) -> list[dict]:
    reviews = []
    end = datetime.combine(REFERENCE_DATE, datetime.min.time(), UTC)
    for n in range(count):
        platform = rng.choice(list(PLATFORMS))
        scale = PLATFORMS[platform]
        score10 = max(1.0, min(10.0, rng.gauss(quality, 1.4)))
        english = rng.random() < 0.25
        aspects = []
        for theme in rng.sample(list(THEMES), rng.randint(1, 3)):
            positive = rng.random() < (score10 / 10) ** 1.5
            text = THEMES[theme][0 if positive else 1]
            aspects.append(
                {
                    "theme": theme,
                    "polarity": "positive" if positive else "negative",
                    "expression": ENGLISH.get(text, text) if english else text,
                }
            )
        published = end - timedelta(days=rng.randint(1, 3 * 365), minutes=rng.randint(0, 1440))
        reviews.append(
            {
                "review_id": f"{platform}-{sheet_id}-{n}",
                "sheet_id": sheet_id,
                "platform": platform,
                "published_at": published.isoformat(),
                "rating": round(score10 * scale / 10, 1 if scale == 10 else 0),
                "rating_scale": scale,
                "lang": "en" if english else "fr",
                "title": aspects[0]["expression"],
                # real reviews are unique texts: the stay's length and month make generated ones so too
                "text": ". ".join(a["expression"] for a in aspects)
                + "."
                + (
                    f" Stayed {rng.randint(1, 14)} nights in {published:%B %Y}, group of {rng.randint(1, 8)}."
                    if english
                    else f" Séjour de {rng.randint(1, 14)} nuits en {published:%m/%Y}, à {rng.randint(1, 8)}."
                ),
                "author_name": f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}.",
                "author_country": "GB" if english else "FR",
                "aspects": aspects,
            }
        )
    return reviews


def generate_fairguest(out: Path, drop: Path, apidae_objects: list[dict], seed: int = SEED, count: int = 400) -> dict:
    rng = random.Random(seed + 4)
    candidates = [o for o in apidae_objects if o["type"] in SIT_TYPES and o["state"] == "PUBLISHED"]
    chosen = rng.sample(candidates, min(count, len(candidates)))
    establishments, reviews = [], []
    for i, obj in enumerate(chosen):
        sheet_id = 700000 + i
        unlinked = i % 25 == 0  # entered by hand in Fairguest, no SIT id
        name = obj["nom"]["libelleFr"]
        establishments.append(
            {
                "sheet_id": sheet_id,
                "group_id": 82,
                "name": name.upper() if unlinked else name,
                "sit_id": None if unlinked else f"apidae:{obj['id']}",
                "commune_insee": obj["localisation"]["adresse"]["commune"]["code"],
                "contact_email": None if i % 40 == 1 else f"contact{sheet_id}@exemple-prestataire.fr",
                "report_opt_out": i % 50 == 2,
            }
        )
        reviews += _reviews(rng, sheet_id, rng.uniform(6.0, 9.3), rng.randint(5, 60))
    for review in rng.sample(reviews, len(reviews) // 40):  # the same stay posted on two platforms
        twin = dict(
            review,
            review_id=review["review_id"] + "-x",
            platform="google" if review["platform"] != "google" else "tripadvisor",
        )
        twin["rating_scale"] = PLATFORMS[twin["platform"]]
        twin["rating"] = round(review["rating"] / review["rating_scale"] * twin["rating_scale"])
        reviews.append(twin)
    out.mkdir(parents=True, exist_ok=True)
    (out / "establishments.json").write_text(json.dumps(establishments, ensure_ascii=False), encoding="utf-8")
    (out / "reviews.ndjson").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reviews), encoding="utf-8"
    )
    # A back-office export of the last month's reviews, as the team downloads it (CSV, ';').
    drop.mkdir(parents=True, exist_ok=True)
    recent = sorted(
        (
            r
            for r in reviews
            if r["published_at"]
            >= (datetime.combine(REFERENCE_DATE, datetime.min.time()) - timedelta(days=30)).isoformat()
        ),
        key=lambda r: r["published_at"],
    )
    with open(drop / "export-avis-fairguest.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(
            ["id_avis", "id_fiche", "plateforme", "date", "note", "echelle", "langue", "titre", "texte", "auteur"]
        )
        for r in recent:
            writer.writerow(
                [
                    r["review_id"],
                    r["sheet_id"],
                    r["platform"],
                    r["published_at"],
                    r["rating"],
                    r["rating_scale"],
                    r["lang"],
                    r["title"],
                    r["text"],
                    r["author_name"],
                ]
            )
        writer.writerow(
            ["broken-1", "700001", "myspace", "2026-10-01", "4", "5", "fr", "x", "x", "x"]
        )  # unknown platform
        writer.writerow(
            ["broken-2", "700001", "google", "2026-10-02", "9", "5", "fr", "x", "x", "x"]
        )  # rating off its scale
    return {"establishments": len(establishments), "reviews": len(reviews), "export_rows": len(recent)}
