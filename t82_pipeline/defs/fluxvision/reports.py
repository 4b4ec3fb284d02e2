"""Per-OT (and département) Flux Vision report for one year: a self-contained French HTML page
with charts and filters, and the same page as PDF. Every figure comes from the marts."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from t82_pipeline.lib.text import FRENCH_MONTHS

TEMPLATES = Path(__file__).parent / "templates"
WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
# Filters: code → (label, categories or provenances included; None = all).
CATEGORIES = {
    "all": ("Toutes catégories", None),
    "tourist": ("Touristes", ("tourist",)),
    "day_tripper": ("Excursionnistes", ("day_tripper", "recurrent_day_tripper")),
    "resident": ("Résidents", ("resident",)),
    "habitually_present": ("Habituellement présents", ("habitually_present",)),
}
PROVENANCES = {
    "all": ("Toutes provenances", None),
    "french": ("Français", ("local", "non_local")),
    "foreign": ("Étrangers", ("foreign",)),
}
LOCALS = {"resident", "habitually_present"}  # they live here: never foreign


def valid_filters() -> list[tuple[str, str]]:
    return [(c, p) for c in CATEGORIES for p in PROVENANCES if not (c in LOCALS and p == "foreign")]


def fmt(value, decimals: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}".replace(",", "\u202f")
    return text.replace(".", ",") if decimals else text


@dataclass
class Report:
    year: int
    ot_code: str | None
    title: str
    figures: dict  # the KPIs shown, by name (tests compare them with the marts)
    charts: dict = field(default_factory=dict)
    busiest: list = field(default_factory=list)
    months_label: str = ""
    delivered_until: str = ""
    html: str = ""
    pdf_html: str = ""  # the same page without filters: only the default view of each chart

    @property
    def file_stem(self) -> str:
        return self.ot_code or "departement"


class ReportData:
    """Queries the marts for one territory (an OT, or the département when ot_code is None)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, ot_code: str | None):
        self.con, self.ot_code = con, ot_code
        self.where = "ot_code = $ot" if ot_code else "true"

    def rows(self, sql: str, **params) -> list[tuple]:
        if self.ot_code:
            params["ot"] = self.ot_code
        return self.con.execute(sql.replace("{territory}", self.where), params).fetchall()

    def figures(self, year: int) -> dict:
        (nights, french, foreign, day_trippers, covered, prev_nights, same_months_nights) = self.rows(
            """
            select sum(tourist_nights), sum(tourist_nights_french), sum(tourist_nights_foreign), sum(day_tripper_presences),
                   count(distinct month), sum(tourist_nights_previous_year),
                   sum(tourist_nights) filter (where tourist_nights_previous_year is not null)
            from marts.fluxvision_monthly where {territory} and year = $year""",
            year=year,
        )[0]
        (stay_avg,) = self.rows(
            """select sum(stay_nights * stays) / nullif(sum(stays), 0)
            from marts.fluxvision_stay_lengths where {territory} and year = $year""",
            year=year,
        )[0]
        busiest = self.busiest_days(year)
        return {
            "tourist_nights": nights,
            "tourist_nights_french": french,
            "tourist_nights_foreign": foreign,
            "foreign_share_pct": round(100 * foreign / nights, 1) if nights else None,
            "day_tripper_presences": day_trippers,
            "months_covered": covered,
            "tourist_nights_change_pct": round(100 * (same_months_nights - prev_nights) / prev_nights, 1)
            if prev_nights
            else None,
            "average_stay_nights": round(stay_avg, 1) if stay_avg else None,
            "busiest_day": busiest[0][0].isoformat() if busiest else None,
            "busiest_day_presences": busiest[0][2] if busiest else None,
        }

    def busiest_days(self, year: int) -> list[tuple]:
        mart = "fluxvision_busiest_days" if self.ot_code else "departement_fluxvision_busiest_days"
        return self.rows(
            f"""select day, weekday_label, visitor_presences, tourist_nights, is_school_holiday, is_bank_holiday
            from marts.{mart} where {{territory}} and year = $year order by rank""",
            year=year,
        )

    def daily(self, year: int) -> dict:
        """(day, category, provenance) → daytime presences, for the year and the one before."""
        out = {}
        for day, category, provenance, value in self.rows(
            """
                select day, category_code, provenance_code, sum(day_presences) from marts.fluxvision_daily_presences
                where {territory} and year in ($year, $year - 1) group by all""",
            year=year,
        ):
            out[(day, category, provenance)] = value
        return out

    def monthly(self, year: int) -> list[tuple]:
        return self.rows(
            """select month, sum(tourist_nights_french), sum(tourist_nights_foreign), sum(tourist_nights_previous_year)
            from marts.fluxvision_monthly where {territory} and year = $year group by month order by month""",
            year=year,
        )

    def origins(self, year: int, measure: str, scope: str) -> list[tuple]:
        label = "origin_departement" if scope == "france" else "origin_country"
        return self.rows(
            f"""select {label}, sum(volume) as v from marts.fluxvision_origins
            where {{territory}} and year = $year and measure = $measure and origin_scope = $scope
            group by 1 order by v desc, 1 limit 10""",
            year=year,
            measure=measure,
            scope=scope,
        )

    def weekdays(self, year: int, provenances: tuple | None) -> list[tuple]:
        return self.rows(
            """select iso_weekday, sum(arrivals), sum(departures) from marts.fluxvision_weekday_movements
            where {territory} and year = $year and ($all or list_contains($provs, provenance_code)) group by 1 order by 1""",
            year=year,
            all=provenances is None,
            provs=list(provenances or []),
        )

    def stays(self, year: int, provenances: tuple | None) -> list[tuple]:
        return self.rows(
            """select stay_nights, any_value(stay_label), sum(stays) from marts.fluxvision_stay_lengths
            where {territory} and year = $year and ($all or list_contains($provs, provenance_code)) group by 1 order by 1""",
            year=year,
            all=provenances is None,
            provs=list(provenances or []),
        )


def _presence_series(daily: dict, year: int, categories, provenances) -> tuple[list, list, list]:
    totals: dict[date, float] = {}
    for (day, category, provenance), value in daily.items():
        if (categories is None or category in categories) and (provenances is None or provenance in provenances):
            totals[day] = totals.get(day, 0) + value
    days = sorted(d for d in totals if d.year == year)

    def previous(d: date):
        try:
            return totals.get(d.replace(year=year - 1))
        except ValueError:  # 29 February
            return None

    return days, [totals[d] for d in days], [previous(d) for d in days]


def build_report(con: duckdb.DuckDBPyConnection, year: int, ot_code: str | None, title: str) -> Report:
    from t82_pipeline.defs.fluxvision import charts  # matplotlib: only when a report is drawn, not in every run

    data = ReportData(con, ot_code)
    report = Report(year, ot_code, title, data.figures(year))
    months = [m for m, *_ in data.monthly(year)]
    report.months_label = (
        f"{FRENCH_MONTHS[months[0] - 1]} à {FRENCH_MONTHS[months[-1] - 1]} {year}" if months else str(year)
    )
    report.busiest = data.busiest_days(year)

    daily = data.daily(year)
    for category, provenance in valid_filters():
        days, values, previous = _presence_series(daily, year, CATEGORIES[category][1], PROVENANCES[provenance][1])
        report.charts[("presences", category, provenance)] = charts.daily_line(days, values, previous, str(year))
    monthly = data.monthly(year)
    report.charts[("nights", "*", "*")] = charts.monthly_stacked(
        [m for m, *_ in monthly],
        [f or 0 for _, f, _, _ in monthly],
        [x or 0 for _, _, x, _ in monthly],
        [p for *_, p in monthly],
    )
    for category, measure in (("tourist", "nuitees"), ("day_tripper", "presences_journee")):
        for scope, color in (("france", charts.COLORS["main"]), ("etranger", charts.COLORS["second"])):
            rows = data.origins(year, measure, scope)
            report.charts[(f"origins_{scope}", category, "*")] = charts.ranked_bars(
                [r[0] for r in rows], [r[1] for r in rows], color
            )
    for provenance, (_, provs) in PROVENANCES.items():
        rows = data.weekdays(year, provs)
        report.charts[("weekdays", "tourist", provenance)] = charts.grouped_bars(
            [WEEKDAYS[d - 1] for d, *_ in rows], [a for _, a, _ in rows], [b for *_, b in rows], ("arrivées", "départs")
        )
        rows = data.stays(year, provs)
        report.charts[("stays", "tourist", provenance)] = charts.bars(
            [label for _, label, _ in rows], [v for *_, v in rows]
        )
    (issued,) = con.execute("select max(issued_at)::date from marts.fluxvision_deliveries").fetchone()
    report.delivered_until = issued.strftime("%d/%m/%Y") if issued else ""
    report.html = render_html(report)
    report.pdf_html = render_html(report, for_pdf=True)
    return report


def is_default_view(chart: str, category: str, provenance: str) -> bool:
    """What the page shows before any filter is touched (and what the PDF shows)."""
    default_category = "all" if chart == "presences" else "tourist"
    return category in (default_category, "*") and provenance in ("all", "*")


def render_html(report: Report, for_pdf: bool = False) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("ot_report.html.j2").render(
        r=report,
        f=report.figures,
        fmt=fmt,
        categories=CATEGORIES,
        provenances=PROVENANCES,
        locals=sorted(LOCALS),
        month_names=FRENCH_MONTHS,
        is_default=is_default_view,
        for_pdf=for_pdf,
    )


def _build_one(args: tuple) -> Report:
    warehouse, year, ot_code, title = args
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set enable_progress_bar = false")  # workers' stderr is the run's log
        return build_report(con, year, ot_code, title)


def build_reports(warehouse: Path, wanted: list[tuple[int, str | None, str]]) -> list[Report]:
    """Charts are CPU-bound and independent per report: spread them over the cores."""
    args = [(warehouse, *w) for w in wanted]
    if len(args) < 4:
        return [_build_one(a) for a in args]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_build_one, args))


def year_signatures(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Which landed batches feed each year: a year whose batches did not change needs no new report."""
    return dict(
        con.execute("""
        select year, md5(string_agg(batch_id || ':' || figures, ',' order by batch_id))
        from marts.fluxvision_deliveries group by 1""").fetchall()
    )


def report_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [y for (y,) in con.execute("select distinct year from marts.fluxvision_monthly order by 1").fetchall()]
