"""The default selection (tourists from outside the département, the whole year, nights) computed
in Python: the datasets of the PDF's charts and the year's summary. The page's script computes
the same datasets for any selection (observatory.js, functions of the same names)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from t82_pipeline.defs.fluxvision.observatory.data import CATEGORIES, TerritoryData, provenances_of
from t82_pipeline.lib.text import FRENCH_MONTHS

WEEKDAY_LABELS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
PROVENANCE_LABELS = {"non_local": "Français non locaux", "foreign": "Étrangers", "local": "Locaux"}


def selected_cells(data: TerritoryData, category: str, provenance: str) -> set[int]:
    cats, provs = CATEGORIES[category], provenances_of(category, provenance)
    return {i for i, cell in enumerate(data.cells) if cell.split("|")[0] in cats and cell.split("|")[1] in provs}


def values_by_day(data: TerritoryData, category="tourist", provenance="all", night=True) -> dict[str, int]:
    cells, out = selected_cells(data, category, provenance), defaultdict(int)
    for day, cell, nights, presences in data.daily:
        if cell in cells:
            out[data.days[day]] += nights if night else presences
    return out


def default_datasets(data: TerritoryData) -> dict[str, list[dict]]:
    by_day = values_by_day(data)
    n = data.year
    daily = []
    for iso, value in sorted(by_day.items()):
        year = int(iso[:4])
        if year not in (n, n - 1) or iso[5:] == "02-29":
            continue
        daily.append({"date": f"{n}{iso[4:]}", "year": str(year), "value": None if iso in data.gaps else value})
    gaps = [{"date": iso, "note": note} for iso, note in sorted(data.gaps.items()) if iso.startswith(str(n))]
    months: dict[tuple[int, int], int] = defaultdict(int)
    for iso, value in by_day.items():
        months[(int(iso[:4]), int(iso[5:7]))] += value
    monthly = [
        {"month": m, "month_label": FRENCH_MONTHS[m - 1][:4] + ".", "year": str(y), "value": v}
        for (y, m), v in sorted(months.items())
    ]
    origins: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for year, _m, measure, category, _p, scope, dcode, dname, *_rest, volume in data.origins:
        if year == n and measure == "nuitees" and category == "tourist" and scope == "france" and dcode:
            origins[dcode] += volume
            labels[dcode] = dname
    origin_volumes = [{"code": c, "value": v, "label": labels[c]} for c, v in origins.items()]
    ranking = sorted(origin_volumes, key=lambda r: -r["value"])[:15]
    territories = [
        {
            "code": code,
            "label": t["name"],
            "current": code == data.ot_code,
            "value": sum(v[0] for cell, v in t["totals"].get("annee", {}).items() if _is_tourist_from_outside(cell)),
        }
        for code, t in data.territories.items()
    ]
    weekdays = [
        {
            "weekday": d,
            "weekday_label": WEEKDAY_LABELS[d - 1],
            "provenance": PROVENANCE_LABELS.get(p, p),
            "movement": movement,
            "value": value,
        }
        for year, _month, category, p, d, arrivals, departures in data.weekdays
        if year == n and category == "tourist" and p in ("non_local", "foreign")
        for movement, value in (("Arrivées", arrivals), ("Départs", departures))
    ]
    stays: dict[int, int] = defaultdict(int)
    for year, _month, p, nights, count in data.stays:
        if year == n and p in ("non_local", "foreign"):
            stays[nights] += count
    return {
        "daily": daily,
        "gaps": gaps,
        "monthly": monthly,
        "origin_volumes": origin_volumes,
        "origin_ranking": ranking,
        "territory_volumes": territories,
        "weekdays": weekdays,
        "stays": [{"nights": k, "label": _stay_label(k), "value": v} for k, v in sorted(stays.items())],
    }


def _is_tourist_from_outside(cell: str) -> bool:
    category, provenance = cell.split("|")
    return category == "tourist" and provenance in ("non_local", "foreign")


def _stay_label(nights: int) -> str:
    return "1 nuit" if nights == 1 else ("13 nuits et +" if nights >= 13 else f"{nights} nuits")


def busiest_days(data: TerritoryData, limit: int = 10) -> list[tuple[date, int]]:
    """Tourists and day-trippers from outside present in the daytime; gaps left out."""
    out: dict[str, int] = defaultdict(int)
    for category in ("tourist", "day_tripper"):
        for iso, v in values_by_day(data, category, "all", night=False).items():
            if iso.startswith(str(data.year)) and iso not in data.gaps:
                out[iso] += v
    ranked = sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(date.fromisoformat(iso), v) for iso, v in ranked]
