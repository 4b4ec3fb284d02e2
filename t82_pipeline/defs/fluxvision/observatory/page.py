"""Rendering the observatory: one self-contained page per territory and year (data, chart
specifications, Vega's JavaScript and the style all inline: nothing is requested), its default
PDF (the same charts as SVG through vl-convert, then WeasyPrint), and the year → territory index."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import vl_convert
from jinja2 import Environment, FileSystemLoader, select_autoescape

from t82_pipeline.defs.fluxvision.observatory import charts
from t82_pipeline.defs.fluxvision.observatory.data import ObservatoryQueries, TerritoryData, script_json
from t82_pipeline.defs.fluxvision.observatory.maps import france_shapes, world_topology
from t82_pipeline.defs.fluxvision.observatory.selection import busiest_days, default_datasets
from t82_pipeline.defs.fluxvision.observatory.summary import fmt, signed, year_summary

HERE = Path(__file__).parent
LOCALE = "fr-FR"
PDF_CHARTS = {  # chart id → title in the PDF
    "daily": "Nuitées touristiques au fil des jours (année précédente en bleu)",
    "monthly": "Nuitées touristiques par mois",
    "map-departement": "Origine des touristes français (nuitées par département)",
    "territories": "Nuitées touristiques des dix territoires",
    "weekdays": "Arrivées et départs de touristes selon le jour de la semaine",
    "stays": "Durée des séjours touristiques",
}


@dataclass
class TerritoryPage:
    year: int
    file_stem: str
    title: str
    html: str
    pdf_html: str
    figures: dict


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(HERE), autoescape=select_autoescape(["html", "j2"]))


@cache
def _assets() -> dict[str, str]:
    """Vega, Vega-Lite and vega-embed bundled with their dependencies (vl-convert ships them)."""
    return {
        "vega_bundle": vl_convert.javascript_bundle().replace("</script", "<\\/script"),
        "script": (HERE / "observatory.js").read_text(encoding="utf-8"),
        "css": (HERE / "observatory.css").read_text(encoding="utf-8"),
        "locale_json": script_json(
            {"format": vl_convert.get_format_locale(LOCALE), "time": vl_convert.get_time_format_locale(LOCALE)}
        ),
    }


def _shapes() -> dict:
    return {"departement": france_shapes("departement"), "region": france_shapes("region"), "country": world_topology()}


def _territory_features(data: TerritoryData) -> list[dict]:
    return [
        {"type": "Feature", "properties": {"ot_code": code, "name": t["name"]}, "geometry": t["shape"]}
        for code, t in data.territories.items()
        if t["shape"]
    ]


def _period_groups(data: TerritoryData) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list] = {}
    for code, p in data.periods.get(str(data.year), {}).items():
        groups.setdefault(p["group"], []).append((code, p["label"]))
    return list(groups.items())


def _with_rows(spec: dict, datasets: dict) -> dict:
    """The specification with the selection's rows beside its own inline data (the shapes)."""
    return {**spec, "datasets": {**spec.get("datasets", {}), **datasets}}


def _svg(spec: dict, datasets: dict) -> str:
    return vl_convert.vegalite_to_svg(_with_rows(spec, datasets), format_locale=LOCALE, time_format_locale=LOCALE)


def build_page(
    con: duckdb.DuckDBPyConnection, year: int, ot_code: str | None, title: str, years: list[int]
) -> TerritoryPage:
    data = ObservatoryQueries(con, ot_code).load(year, title)
    summary = year_summary(con, ot_code, year)
    specs = charts.specs(_territory_features(data), _shapes())
    datasets = default_datasets(data)
    gap_days = ", ".join(f"{iso[8:]}/{iso[5:7]}/{iso[:4]}" for iso in sorted(data.gaps) if iso.startswith(str(year)))
    geolife: dict[str, int] = {}
    for *_rest, profile, volume in data.geolife:
        geolife[profile] = geolife.get(profile, 0) + volume
    common = {"d": data, "s": summary, "fmt": fmt, "signed": signed, "gap_days": gap_days or "aucun"}
    # The page's charts start with the default selection's rows; its script recomputes them.
    page_specs = {name: _with_rows(spec, datasets) for name, spec in specs.items()}
    html = (
        _env()
        .get_template("territory.html.j2")
        .render(
            **common,
            **_assets(),
            other_years=[y for y in years if y != year],
            period_groups=_period_groups(data),
            geolife=sorted(geolife.items(), key=lambda kv: -kv[1]),
            data_json=data.to_json(),
            specs_json=script_json(page_specs),
        )
    )
    svgs = [(label, _svg(specs[name], datasets)) for name, label in PDF_CHARTS.items()]
    pdf_html = (
        _env()
        .get_template("territory_pdf.html.j2")
        .render(**common, css=_assets()["css"], svgs=svgs, busiest=busiest_days(data))
    )
    return TerritoryPage(year, data.file_stem, title, html, pdf_html, summary)


def render_index(years: list[int], territories: list[tuple[str, str]], current: int, prefix: str) -> str:
    """The entry page: choose the year, then the territory (``prefix`` is the way to the year folders)."""
    return (
        _env()
        .get_template("index.html.j2")
        .render(
            years=sorted(years, reverse=True),
            territories=territories,
            current=current,
            prefix=prefix,
            css=_assets()["css"],
        )
    )
