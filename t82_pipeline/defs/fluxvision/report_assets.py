"""The Flux Vision observatory (observatory/): per year, an entry page and one interactive page and
one PDF per OT and for the département, regenerated after deliveries land (see sensors.py)."""

import os
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.fluxvision.observatory.build import build_pages, year_signatures
from t82_pipeline.defs.fluxvision.observatory.page import render_index
from t82_pipeline.defs.fluxvision.resources import FluxVisionReportsTarget
from t82_pipeline.lib.automation import follows_its_inputs
from t82_pipeline.lib.pdf import render_pdfs
from t82_pipeline.lib.resources import WarehouseResource, reader_pool
from t82_pipeline.lib.warehouse import TOURIST_OFFICES, missing_relations, nothing_to_publish, tourist_offices

MARTS = (
    "fluxvision_monthly",
    "fluxvision_daily_presences",
    "fluxvision_origins",
    "fluxvision_weekday_movements",
    "fluxvision_stay_lengths",
    "fluxvision_stay_lengths_by_origin",
    "fluxvision_collection_gaps",
    "fluxvision_geolife_profiles",
    "fluxvision_mobility_flows",
    "ot_territory_shapes",
    "fluxvision_busiest_days",
    "departement_fluxvision_busiest_days",
    "fluxvision_deliveries",
)
SIGNATURE = ".data_signature"


class FluxVisionReportConfig(dg.Config):
    years: list[int] = []  # default: every year whose deliveries changed since its reports were written
    ot_codes: list[str] = []  # default: every OT, plus the département


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # a reader never sees half a report


@dg.asset(
    key=["reports", "fluxvision_ot_reports"],
    output_required=False,
    automation_condition=follows_its_inputs(),
    pool=reader_pool(),
    group_name="fluxvision",
    owners=["team:data"],
    kinds={"python", "html", "pdf"},
    deps=[dg.AssetKey(["marts", m]) for m in MARTS],
    description=(
        "The Flux Vision observatory, in French and offline: <reports>/fluxvision/index.html (choose the year, "
        "then the territory), and per year <year>/index.html plus, for each OT and the département, an "
        "interactive page (visitor category, provenance, period, day or night; N against N-1…N-3; maps of "
        "origins and of the ten territories; weekdays, stays, busiest and key days) and its default PDF. "
        "Years whose deliveries did not change are kept."
    ),
)
def fluxvision_ot_reports(
    context: dg.AssetExecutionContext,
    config: FluxVisionReportConfig,
    fluxvision_reports: FluxVisionReportsTarget,
    warehouse: WarehouseResource,
):
    root = Path(fluxvision_reports.output_dir)
    with warehouse.get_connection() as con:
        if missing := missing_relations(con, [TOURIST_OFFICES, *(f"marts.{m}" for m in MARTS)]):
            yield nothing_to_publish(context, missing)
            return
        offices = list(tourist_offices(con).items())
        signatures = year_signatures(con)
    territories = [(code, name) for code, name in offices if not config.ot_codes or code in config.ot_codes]
    if not config.ot_codes:
        territories.append((None, "Tarn-et-Garonne (département)"))
    years = config.years or [
        y
        for y, sig in sorted(signatures.items())
        if not (root / str(y) / SIGNATURE).exists() or (root / str(y) / SIGNATURE).read_text(encoding="utf-8") != sig
    ]
    years_shown = sorted(signatures)
    pages = build_pages(
        warehouse.location(),
        [(year, code, name) for year in years for code, name in territories],
        years_shown,
    )
    for page, pdf in zip(pages, render_pdfs([p.pdf_html for p in pages]), strict=True):
        folder = root / str(page.year)
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(folder / f"{page.file_stem}.html", page.html.encode("utf-8"))
        _write_atomically(folder / f"{page.file_stem}.pdf", pdf)
    entries = [(code or "departement", name) for code, name in [(None, "Tarn-et-Garonne (département)"), *offices]]
    for year in years_shown:
        if (root / str(year)).is_dir():
            index = render_index(years_shown, entries, year, prefix="../")
            _write_atomically(root / str(year) / "index.html", index.encode("utf-8"))
    if years_shown:
        _write_atomically(root / "index.html", render_index(years_shown, entries, years_shown[-1], "").encode("utf-8"))
    for year in years:
        if year in signatures and not config.ot_codes:
            _write_atomically(root / str(year) / SIGNATURE, signatures[year].encode("utf-8"))
    context.log.info(
        f"[fluxvision] {len(pages)} observatory page(s) written for {years or 'no year (nothing changed)'}"
    )
    yield dg.MaterializeResult(
        metadata={
            "pages_written": len(pages),
            "years_written": ", ".join(map(str, years)) or "none (no delivery changed)",
            "years_available": ", ".join(map(str, sorted(signatures))) or "none (no delivery yet)",
            "folder": dg.MetadataValue.path(str(root)),
        }
    )
