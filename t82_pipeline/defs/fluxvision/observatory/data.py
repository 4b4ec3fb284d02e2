"""What one territory's observatory page embeds, read from the marts: compact rows the page's
script filters and sums (visitor category × provenance × period × day or night), so every chart,
KPI and table follows the filters offline. One territory = an OT, or the département (None).

Other OTs' figures appear only as period totals (the territory map and comparison), the
département's shared comparison figures; their daily series never leave their own page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb

from t82_pipeline.defs.fluxvision.observatory.periods import periods_of_year

YEARS_BACK = 3  # N against N-1, N-2 and N-3, where delivered
# Filter vocabulary: the page's codes → the marts' category and provenance codes.
CATEGORIES = {
    "tourist": ("tourist",),
    "day_tripper": ("day_tripper", "recurrent_day_tripper"),
    "local": ("tourist", "day_tripper", "recurrent_day_tripper"),  # provenance local only
    "resident": ("resident", "habitually_present"),
}
PROVENANCES = {"all": ("non_local", "foreign"), "french": ("non_local",), "foreign": ("foreign",)}


def provenances_of(category: str, provenance: str) -> tuple[str, ...]:
    """Locals and residents live in the département: they are neither French visitors nor foreign."""
    if category in ("local", "resident"):
        return ("local",)
    return PROVENANCES[provenance]


def cell_code(category: str, provenance: str) -> str:
    return f"{category}|{provenance}"


@dataclass
class TerritoryData:
    year: int
    ot_code: str | None
    title: str
    years: list[int]
    cells: list[str] = field(default_factory=list)  # "category|provenance" as in the marts
    days: list[str] = field(default_factory=list)  # ISO dates, every year shown
    daily: list[list] = field(default_factory=list)  # [day index, cell index, nights, day presences]
    gaps: dict[str, str] = field(default_factory=dict)  # ISO date → note
    periods: dict = field(default_factory=dict)
    origins: list[list] = field(default_factory=list)
    weekdays: list[list] = field(default_factory=list)
    stays: list[list] = field(default_factory=list)
    stays_by_origin: list[list] = field(default_factory=list)
    territories: dict = field(default_factory=dict)
    geolife: list[list] = field(default_factory=list)
    mobility: list[list] = field(default_factory=list)
    delivered_until: str = ""

    @property
    def file_stem(self) -> str:
        return self.ot_code or "departement"

    def to_json(self) -> str:
        return script_json({k: v for k, v in self.__dict__.items()})


def script_json(value: object) -> str:
    """JSON to write inside a page's <script> element: every <, > and & escaped (``\\u003c``…), so
    no label (``</script>``, ``<!--<script>``) can end the element or open a comment in it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class ObservatoryQueries:
    def __init__(self, con: duckdb.DuckDBPyConnection, ot_code: str | None):
        self.con, self.ot_code = con, ot_code
        self.where = "ot_code = $ot" if ot_code else "true"

    def rows(self, sql: str, **params) -> list[tuple]:
        if self.ot_code:
            params["ot"] = self.ot_code
        return self.con.execute(sql.replace("{territory}", self.where), params).fetchall()

    def load(self, year: int, title: str) -> TerritoryData:
        years = [
            y
            for (y,) in self.rows(
                "select distinct year from marts.fluxvision_daily_presences where {territory} "
                "and year between $first and $year order by 1",
                first=year - YEARS_BACK,
                year=year,
            )
        ]
        data = TerritoryData(year, self.ot_code, title, years)
        self._daily(data)
        data.periods = {str(y): periods_of_year(y, self._school_holidays(y)) for y in years}
        data.origins = self._list(
            """select year, month, measure, category_code, provenance_code, origin_scope,
                   origin_departement_code, origin_departement, origin_region_code, origin_new_region,
                   origin_country_iso_numeric, origin_country_name, sum(volume)
            from marts.fluxvision_origins where {territory} and year in ($year, $year - 1) group by all""",
            year=year,
        )
        data.weekdays = self._list(
            """select year, month, category_code, provenance_code, iso_weekday, sum(arrivals), sum(departures)
            from marts.fluxvision_weekday_movements where {territory} and year = $year group by all""",
            year=year,
        )
        data.stays = self._list(
            """select year, month, provenance_code, stay_nights, sum(stays) from marts.fluxvision_stay_lengths
            where {territory} and year = $year group by all order by stay_nights""",
            year=year,
        )
        data.stays_by_origin = self._list(
            """select month, origin_scope, origin, sum(stays), sum(stay_nights_total)
            from marts.fluxvision_stay_lengths_by_origin where {territory} and year = $year group by all""",
            year=year,
        )
        data.geolife = self._list(
            """select month, measure, category_code, provenance_code, geolife_profile, sum(volume)
            from marts.fluxvision_geolife_profiles where {territory} and year = $year group by all""",
            year=year,
        )
        data.mobility = self._list(
            """select flow_family, flow_moment, category_code, provenance_code, place, sum(volume)
            from marts.fluxvision_mobility_flows where {territory} and year = $year group by all
            order by 6 desc limit 200""",
            year=year,
        )
        data.territories = self._territories(year)
        (issued,) = self.con.execute("select max(issued_at)::date from marts.fluxvision_deliveries").fetchone()
        data.delivered_until = issued.strftime("%d/%m/%Y") if issued else ""
        return data

    def _list(self, sql: str, **params) -> list[list]:
        return [[_plain(v) for v in row] for row in self.rows(sql, **params)]

    def _daily(self, data: TerritoryData) -> None:
        rows = self.rows(
            """select day, category_code || '|' || provenance_code, sum(nights), sum(day_presences),
                   bool_or(is_collection_gap)
            from marts.fluxvision_daily_presences
            where {territory} and year between $first and $year group by 1, 2 order by 1, 2""",
            first=data.years[0] if data.years else data.year,
            year=data.year,
        )
        day_index: dict[date, int] = {}
        cell_index: dict[str, int] = {}
        for day, cell, nights, presences, _ in rows:
            d = day_index.setdefault(day, len(day_index))
            c = cell_index.setdefault(cell, len(cell_index))
            data.daily.append([d, c, int(nights), int(presences)])
        data.days = [d.isoformat() for d in day_index]
        data.cells = list(cell_index)
        gap_where = "ot_code = $ot" if self.ot_code else "true"
        # For the département, a day is a gap when every zone failed it (one zone's gap is noted
        # on that OT's page; the département total still holds the nine others).
        gap_sql = f"""select day, any_value(note) from marts.fluxvision_collection_gaps
            where {gap_where} and year between $first and $year group by day""" + (
            "" if self.ot_code else " having count(*) = (select count(distinct ot_code) from marts.fluxvision_monthly)"
        )
        params = {"first": data.years[0] if data.years else data.year, "year": data.year}
        if self.ot_code:
            params["ot"] = self.ot_code
        data.gaps = {d.isoformat(): note for d, note in self.con.execute(gap_sql, params).fetchall()}

    def _school_holidays(self, year: int) -> list[date]:
        return [
            d
            for (d,) in self.rows(
                """select distinct day from marts.fluxvision_daily_presences
                where {territory} and year = $year and is_school_holiday order by 1""",
                year=year,
            )
        ]

    def _territories(self, year: int) -> dict:
        """Every OT's totals per period and filter cell, for the map of the ten territories."""
        shapes = dict(self.con.execute("select ot_code, geometry_geojson from marts.ot_territory_shapes").fetchall())
        names = dict(self.con.execute("select ot_code, ot_name from reference.tourist_offices_82").fetchall())
        holidays = [
            d
            for (d,) in self.con.execute(
                "select distinct day from marts.fluxvision_daily_presences where year = $y and is_school_holiday",
                {"y": year},
            ).fetchall()
        ]
        periods = periods_of_year(year, holidays)
        # Period membership as rows (code, month or day): DuckDB sums every OT's cells in one pass.
        members = [(c, m, None) for c, p in periods.items() for m in p.get("months", [])]
        members += [(c, None, d) for c, p in periods.items() for d in p.get("days", [])]
        rows = self.con.execute(
            """with periods as (
                select unnest($codes) as code, unnest($months::integer[]) as month, unnest($days::date[]) as day
            )
            select d.ot_code, p.code, d.category_code || '|' || d.provenance_code, sum(d.nights), sum(d.day_presences)
            from marts.fluxvision_daily_presences d
            join periods p on p.month = d.month or p.day = d.day
            where d.year = $y and not d.is_collection_gap
            group by all""",
            {
                "y": year,
                "codes": [m[0] for m in members],
                "months": [m[1] for m in members],
                "days": [m[2] for m in members],
            },
        ).fetchall()
        totals: dict[str, dict] = {code: {} for code in names}
        for ot, code, cell, nights, presences in rows:
            totals[ot].setdefault(code, {})[cell] = [int(nights), int(presences)]
        return {
            code: {
                "name": names[code],
                "shape": json.loads(shapes[code]) if code in shapes else None,
                "totals": totals[code],
            }
            for code in names
        }


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__int__") and not isinstance(value, (str, bool, float)):
        return int(value)
    return value
