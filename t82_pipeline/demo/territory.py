"""Reference territory for the generators, read from the dbt seeds (one copy of the data)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from t82_pipeline.lib.settings import REPO_ROOT

SEEDS = REPO_ROOT / "dbt_project" / "seeds"

# Approximate centre of each EPCI (its seat), used to scatter generated points plausibly.
EPCI_CENTRES = {
    "248200099": (1.36, 44.02),  # Grand Montauban
    "200066322": (1.10, 44.07),  # Terres des Confluences (Moissac, Castelsarrasin)
    "248200057": (1.55, 44.17),  # Quercy Caussadais
    "200066652": (1.25, 43.85),  # Grand Sud Tarn-et-Garonne
    "248200065": (0.98, 43.90),  # Lomagne Tarn-et-Garonnaise
    "248200016": (0.90, 44.10),  # Deux Rives
    "200040418": (1.05, 44.25),  # Pays de Serres en Quercy
    "200067122": (1.25, 44.13),  # Pays de Lafrançaise
    "200066884": (1.55, 44.08),  # Quercy Vert-Aveyron
    "248200107": (1.80, 44.20),  # Quercy Rouergue et Gorges de l'Aveyron
}
# Bigger tourist towns get more records.
COMMUNE_WEIGHTS = {"82121": 25, "82112": 18, "82033": 8, "82037": 6, "82155": 6, "82186": 4, "82094": 4}


@dataclass(frozen=True)
class Commune:
    insee_code: str
    name: str
    postal_code: str
    epci_siren: str
    apidae_id: int


@cache
def communes() -> tuple[Commune, ...]:
    with open(SEEDS / "communes_82.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return tuple(
        Commune(r["insee_code"], r["commune_name"], r["postal_code"], r["epci_siren"], 30000 + i)
        for i, r in enumerate(rows)
    )


@cache
def tourist_offices() -> tuple[dict, ...]:
    with open(SEEDS / "tourist_offices_82.csv", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))
