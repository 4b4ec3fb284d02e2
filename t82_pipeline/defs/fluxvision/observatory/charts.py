"""The observatory's charts as Vega-Lite specifications (Altair). Each chart reads named
datasets: the page's script replaces them when a filter changes (``view.data(name, rows)``), and
the PDF renders the same specification with the default selection's rows (vl-convert → SVG)."""

from __future__ import annotations

import altair as alt

COLORS = {"main": "#8a1538", "second": "#2f6f8f", "third": "#c9a227", "grey": "#9aa5ad"}
YEAR_COLORS = ["#8a1538", "#2f6f8f", "#c9a227", "#9aa5ad"]  # N, N-1, N-2, N-3
WIDTH = 640


def _named(name: str) -> alt.NamedData:
    return alt.NamedData(name=name)


def daily() -> alt.LayerChart:
    """Each day of the period, N against N-1 on N's calendar; a collection gap breaks the line."""
    line = (
        alt.Chart(_named("daily"))
        .mark_line(strokeWidth=1.4)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%d %b")),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.0f")),
            color=alt.Color("year:N", title="Année", sort="descending", scale=alt.Scale(range=YEAR_COLORS)),
            tooltip=[alt.Tooltip("date:T", title="Jour", format="%A %d %B"), "year:N",
                     alt.Tooltip("value:Q", title="Volume", format=",.0f")],
        )
    )  # fmt: skip
    gaps = (
        alt.Chart(_named("gaps"))
        .mark_rule(color=COLORS["grey"], strokeDash=[3, 3])
        .encode(x="date:T", tooltip=[alt.Tooltip("date:T", title="Jour", format="%d/%m/%Y"), alt.Tooltip("note:N")])
    )
    return alt.layer(line, gaps).properties(width=WIDTH, height=220)


def monthly() -> alt.Chart:
    return (
        alt.Chart(_named("monthly"))
        .mark_bar()
        .encode(
            x=alt.X("month_label:N", title=None, sort=alt.EncodingSortField("month", op="min")),
            xOffset=alt.XOffset("year:N", sort="descending"),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.0f")),
            color=alt.Color("year:N", title="Année", sort="descending", scale=alt.Scale(range=YEAR_COLORS)),
            tooltip=["month_label:N", "year:N", alt.Tooltip("value:Q", title="Volume", format=",.0f")],
        )
        .properties(width=WIDTH, height=200)
    )


def _choropleth(shapes: alt.Data, key: str, dataset: str, projection: str, height: int) -> alt.Chart:
    return (
        alt.Chart(shapes)
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_lookup(lookup=key, from_=alt.LookupData(_named(dataset), "code", ["value", "label"]))
        .transform_calculate(value="datum.value || 0")
        .encode(
            color=alt.Color(
                "value:Q", title=None, scale=alt.Scale(scheme="reds", type="sqrt"), legend=alt.Legend(format=",.0f")
            ),
            tooltip=[alt.Tooltip("label:N", title="Origine"), alt.Tooltip("value:Q", title="Volume", format=",.0f")],
        )
        .project(projection)
        .properties(width=WIDTH, height=height)
    )


def origins_map(kind: str, shapes: dict) -> alt.Chart:
    """Origins on the French départements or regions (GeoJSON), or on the world (TopoJSON)."""
    if kind == "country":
        data = alt.InlineData(values=shapes, format=alt.DataFormat(type="topojson", feature="countries"))
        return _choropleth(data, "id", "origin_volumes", "equalEarth", 340)
    data = alt.InlineData(values=shapes, format=alt.DataFormat(property="features"))
    return _choropleth(data, "properties.code", "origin_volumes", "conicConformal", 420)


def territories_map(features: list[dict]) -> alt.Chart:
    """The ten territories shaded by the selection: which consume the most and the least."""
    data = alt.InlineData(values=features)
    return (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=1)
        .transform_lookup(lookup="properties.ot_code", from_=alt.LookupData(_named("territory_volumes"), "code",
                                                                           ["value", "label", "current"]))
        .encode(
            color=alt.Color("value:Q", title=None, scale=alt.Scale(scheme="blues"), legend=alt.Legend(format=",.0f")),
            strokeWidth=alt.condition("datum.current", alt.value(3), alt.value(0.8)),
            stroke=alt.condition("datum.current", alt.value(COLORS["main"]), alt.value("white")),
            tooltip=[alt.Tooltip("label:N", title="Territoire"), alt.Tooltip("value:Q", title="Volume", format=",.0f")],
        )
        .project("conicConformal")
        .properties(width=420, height=360)
    )  # fmt: skip


def weekdays() -> alt.Chart:
    return (
        alt.Chart(_named("weekdays"))
        .mark_bar()
        .encode(
            x=alt.X("weekday_label:N", title=None, sort=alt.EncodingSortField("weekday", op="min")),
            xOffset=alt.XOffset("provenance:N"),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.0f")),
            color=alt.Color("provenance:N", title="Provenance", scale=alt.Scale(range=YEAR_COLORS[:3])),
            column=alt.Column("movement:N", title=None, sort=["Arrivées", "Départs"]),
            tooltip=["movement:N", "weekday_label:N", "provenance:N", alt.Tooltip("value:Q", format=",.0f")],
        )
        .properties(width=290, height=180)
    )


def stays() -> alt.Chart:
    return (
        alt.Chart(_named("stays"))
        .mark_bar(color=COLORS["second"])
        .encode(
            x=alt.X("label:N", title=None, sort=alt.EncodingSortField("nights", op="min")),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.0f")),
            tooltip=["label:N", alt.Tooltip("value:Q", title="Séjours", format=",.0f")],
        )
        .properties(width=WIDTH, height=180)
    )


def ranked_origins() -> alt.Chart:
    """The attendance view of origins: the fifteen largest, as bars (instead of the map)."""
    return (
        alt.Chart(_named("origin_ranking"))
        .mark_bar(color=COLORS["main"])
        .encode(
            y=alt.Y("label:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=None, axis=alt.Axis(format=",.0f")),
            tooltip=["label:N", alt.Tooltip("value:Q", title="Volume", format=",.0f")],
        )
        .properties(width=520, height=300)
    )


def specs(territory_features: list[dict], shapes: dict[str, dict]) -> dict[str, dict]:
    """Every chart of a page, by the id of the element it is drawn in."""
    charts = {
        "daily": daily(),
        "monthly": monthly(),
        "map-departement": origins_map("departement", shapes["departement"]),
        "map-region": origins_map("region", shapes["region"]),
        "map-country": origins_map("country", shapes["country"]),
        "origin-ranking": ranked_origins(),
        "territories": territories_map(territory_features),
        "weekdays": weekdays(),
        "stays": stays(),
    }
    config = {"mark": {"invalid": "break-paths-show-domains"}, "font": "DejaVu Sans, Arial, sans-serif"}
    return {name: {**chart.to_dict(validate=False), "config": config} for name, chart in charts.items()}
