"""The year's summary of a territory, straight from the marts (what the page's first section and
the PDF show, and what the tests compare with the marts)."""

from __future__ import annotations

import duckdb

from t82_pipeline.lib.text import FRENCH_MONTHS


def fmt(value, decimals: int = 0) -> str:
    """French number format: narrow no-break space between thousands, decimal comma."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}".replace(",", "\u202f")
    return text.replace(".", ",") if decimals else text


def signed(value) -> str:
    return "–" if value is None else f"{'+' if value >= 0 else ''}{fmt(value, 1)} %"


def year_summary(con: duckdb.DuckDBPyConnection, ot_code: str | None, year: int) -> dict:
    where, params = ("ot_code = $ot", {"ot": ot_code}) if ot_code else ("true", {})
    params["year"] = year
    (nights, french, foreign, day_trippers, first, last) = con.execute(
        f"""select sum(tourist_nights), sum(tourist_nights_french), sum(tourist_nights_foreign),
               sum(day_tripper_presences), min(month), max(month)
        from marts.fluxvision_monthly where {where} and year = $year""",
        params,
    ).fetchone()
    # Year on year on the days collected in both years (the marts' like-for-like definition).
    (now, before) = con.execute(
        f"""select sum(tourist_nights_comparable), sum(tourist_nights_previous_year_comparable)
        from marts.fluxvision_monthly where {where} and year = $year""",
        params,
    ).fetchone()
    (stay_avg,) = con.execute(
        f"""select sum(stay_nights * stays) / nullif(sum(stays), 0)
        from marts.fluxvision_stay_lengths where {where} and year = $year""",
        params,
    ).fetchone()
    mart = "fluxvision_busiest_days" if ot_code else "departement_fluxvision_busiest_days"
    busiest = con.execute(
        f"select day, visitor_presences from marts.{mart} where {where} and year = $year and rank = 1", params
    ).fetchone()
    return {
        "tourist_nights": nights,
        "tourist_nights_french": french,
        "tourist_nights_foreign": foreign,
        "foreign_share_pct": round(100 * foreign / nights, 1) if nights else None,
        "day_tripper_presences": day_trippers,
        "tourist_nights_change_pct": round(100 * (now - before) / before, 1) if before else None,
        "average_stay_nights": round(stay_avg, 1) if stay_avg else None,
        "busiest_day": busiest[0].isoformat() if busiest else None,
        "busiest_day_label": busiest[0].strftime("%d/%m") if busiest else "–",
        "busiest_day_presences": busiest[1] if busiest else None,
        "months_label": f"{FRENCH_MONTHS[first - 1]} à {FRENCH_MONTHS[last - 1]} {year}" if first else str(year),
    }
