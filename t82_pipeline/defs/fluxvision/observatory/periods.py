"""The periods an OT can choose in its observatory: the year, a month, a season, the school
holidays (zone C, as delivered) and the key days Flux Vision observatories compare year on year.
Each period is plain data: JSON for the page's script, rows for DuckDB (data.py)."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.easter import easter

from t82_pipeline.lib.text import FRENCH_MONTHS

SEASONS = {"hiver": (12, 1, 2), "printemps": (3, 4, 5), "ete": (6, 7, 8), "automne": (9, 10, 11)}
SEASON_LABELS = {"hiver": "Hiver", "printemps": "Printemps", "ete": "Été", "automne": "Automne"}


def _saturday(year: int, month: int, rank: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(5 - first.weekday()) % 7 + 7 * (rank - 1))


def key_days(year: int) -> dict[str, tuple[str, list[date]]]:
    e = easter(year)
    return {
        "paques": ("Week-end de Pâques", [e - timedelta(days=1), e, e + timedelta(days=1)]),
        "1mai": ("1er mai", [date(year, 5, 1)]),
        "ascension": ("Ascension", [e + timedelta(days=39)]),
        "pentecote": ("Week-end de Pentecôte", [e + timedelta(days=d) for d in (48, 49, 50)]),
        "14juillet": ("14 juillet", [date(year, 7, 14)]),
        "15aout": ("15 août", [date(year, 8, 15)]),
        "aout_sam2": ("2e samedi d'août", [_saturday(year, 8, 2)]),
        "aout_sam3": ("3e samedi d'août", [_saturday(year, 8, 3)]),
    }


def periods_of_year(year: int, school_holidays: list[date]) -> dict[str, dict]:
    """code → {label, group, months | days}; the same codes every year (Easter moves, the code stays)."""
    periods: dict[str, dict] = {"annee": {"label": f"Année {year}", "group": "Année", "months": list(range(1, 13))}}
    for m, name in enumerate(FRENCH_MONTHS, start=1):
        periods[f"m{m:02d}"] = {"label": name.capitalize(), "group": "Mois", "months": [m]}
    for code, months in SEASONS.items():
        periods[f"saison_{code}"] = {"label": SEASON_LABELS[code], "group": "Saison", "months": list(months)}
    periods["vacances"] = {
        "label": "Vacances scolaires (zone C)",
        "group": "Vacances",
        "days": [d.isoformat() for d in school_holidays],
    }
    for code, (label, days) in key_days(year).items():
        periods[code] = {"label": label, "group": "Jours clés", "days": [d.isoformat() for d in days]}
    return periods
