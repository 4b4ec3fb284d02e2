"""Flux Vision end to end on generated deliveries in the real layout: landing by partition,
dbt marts, per-OT reports. Totals reconcile with the input files, a re-issued period replaces
the figures it repeats, a delivery dropped twice counts once, and the reports show the marts."""

import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter

import dagster as dg
import pytest

from t82_pipeline.defs.fluxvision.parsing import decode
from t82_pipeline.defs.fluxvision.sensors import fluxvision_drop_sensor
from t82_pipeline.demo.fluxvision_generator import ZONES
from t82_pipeline.lib.resources import DropFolderResource
from tests.support.departement import UNKNOWN_CATEGORY, flux_vision_deliveries
from tests.support.helpers import check_results, query, undeclared_columns

DELIVERIES = flux_vision_deliveries()
ORIGINAL_B4 = DELIVERIES[0]


@pytest.fixture(scope="module")
def fv(departement):
    # The nightly lands the drop folder too: the deliveries dropped before it land in its run.
    landed = [r for r in departement.runs.results if r.dagster_run.job_name == "nightly"]
    return {"settings": departement.settings, "landed": landed, "instance": departement.instance}


def label(text: str) -> str:
    """A raw Flux Vision label as the vocabulary seed keys it: no accent, lower case, single spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def input_volumes(drop, family: str = "Nuitee") -> Counter:
    """Σ of one family's volumes per (EPCI, provenance, category) label, straight from the files,
    re-issues replacing what they repeat (by day)."""
    by_key: dict[tuple, tuple] = {}
    issued = {d.file_name: d.issued for d in DELIVERIES}
    for path in sorted(drop.glob("*.zip")):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if f"/{family}_20" not in info.filename:
                    continue
                zone = next(z for z in ZONES if info.filename.startswith(z.code + "/"))
                for row in csv.DictReader(io.StringIO(decode(zf.read(info))), delimiter=";"):
                    key = (zone.epci_siren, row["Date"], label(row["Provenance"]), label(row["CategorieVisiteur"]))
                    version = issued.get(path.name, (0,))
                    if key not in by_key or by_key[key][0] < version:
                        by_key[key] = (version, int(row["Volume"]))
    totals = Counter()
    for (siren, _, provenance, category), (_, volume) in by_key.items():
        totals[(siren, provenance, category)] += volume
    return totals


def input_nights_by_zone(drop) -> Counter:
    totals = Counter()
    for (siren, _, _), volume in input_volumes(drop).items():
        totals[siren] += volume
    totals["248200065"] += 42  # the loose table
    return totals


def test_the_deliveries_dropped_together_land_in_one_run(fv):
    [landed] = fv["landed"]
    assert landed.success
    [materialization] = landed.asset_materializations_for_node("landing__fluxvision_deliveries")
    assert materialization.metadata["new_batches"].value == 5  # six files, one of them a copy
    checks = check_results(landed)
    assert checks["landing/fluxvision_deliveries:all_drop_files_loaded"] is True
    assert checks["landing/fluxvision_deliveries:all_delivery_tables_loaded"] is True
    assert checks["landing/fluxvision_deliveries:delivery_rows_are_valid"] is True


def test_nights_reconcile_with_the_input_files(fv):
    s = fv["settings"]
    marts = dict(query(s, "select epci_siren, sum(nights) from marts.fluxvision_daily_presences group by 1"))
    assert marts == dict(input_nights_by_zone(s.fluxvision_drop_dir))


def test_kpis_follow_the_flux_vision_definitions(fv):
    """Tourist nights = Touriste × (NonLocal + Etranger); French = × NonLocal; foreign = × Etranger;
    locals (Local) apart: each summed by hand from the delivered files, per OT."""
    s = fv["settings"]
    nights, days = input_volumes(s.fluxvision_drop_dir), input_volumes(s.fluxvision_drop_dir, "Diurne")
    # The spellings the deliveries use for each provenance (the generator plants variants).
    spellings = {"local": ("local",), "nonlocal": ("nonlocal", "non local"), "etranger": ("etranger", "international")}

    def summed(volumes, siren, provenance, categories):
        return sum(volumes[(siren, p, c)] for p in spellings[provenance] for c in categories)

    for ot, siren in query(s, "select ot_code, epci_siren from reference.tourist_offices_82"):
        tourists = {p: summed(nights, siren, p, ("touriste",)) for p in spellings}
        day_trippers = sum(
            summed(days, siren, p, ("excursionniste", "excursionniste recurrent")) for p in ("nonlocal", "etranger")
        )
        kpis = query(
            s,
            f"""select sum(tourist_nights), sum(tourist_nights_french), sum(tourist_nights_foreign),
                sum(tourist_nights_local), sum(day_tripper_presences)
                from marts.fluxvision_monthly where ot_code = '{ot}'""",
        )
        hand = (tourists["nonlocal"] + tourists["etranger"], tourists["nonlocal"], tourists["etranger"],
                tourists["local"], day_trippers)  # fmt: skip
        assert kpis == [hand], ot
    assert tourists["local"] > 0  # the definitions matter: locals are delivered


def test_reissue_replaces_and_nothing_is_duplicated(fv):
    s = fv["settings"]
    # July–October: one row per OT, day, category and provenance, every day present.
    assert query(
        s,
        """select count(*) from (select ot_code, day, category_code, provenance_code, count(*) n
                       from marts.fluxvision_daily_presences group by all having n > 1)""",
    ) == [(0,)]
    assert query(s, "select count(distinct day), count(distinct ot_code) from marts.fluxvision_daily_presences") == [
        (123, 10)
    ]
    # The re-issue's figures won for July–August (it revised them by 2 %). The original keeps only
    # what the re-issue does not repeat (a breakdown row the re-issue has no volume for).
    supplied = dict(
        query(s, "select delivered_file, figures from marts.fluxvision_deliveries where first_day < '2025-09-01'")
    )
    assert supplied[DELIVERIES[2].file_name] > 60_000
    assert supplied.get(ORIGINAL_B4.file_name, 0) < 0.02 * supplied[DELIVERIES[2].file_name]
    # Every daily presence figure was re-issued: the original supplies none of them.
    assert query(
        s,
        f"""select count(*) from staging.stg_fluxvision__volumes where breakdown is null
                        and family in ('Nuitee', 'Diurne') and day < '2025-09-01'
                        and source_file not like '{DELIVERIES[2].file_name}/%'""",
    ) == [(0,)]


def test_vocabulary_variants_are_normalised_and_unknowns_flagged(fv):
    s = fv["settings"]
    categories = dict(
        query(s, "select category_code, bool_and(is_known_vocabulary) from marts.fluxvision_daily_presences group by 1")
    )
    assert categories.pop(f"unknown:{UNKNOWN_CATEGORY.lower().replace(chr(39), ' ')}") is False
    assert categories == {
        c: True for c in ("tourist", "day_tripper", "recurrent_day_tripper", "resident", "habitually_present")
    }
    assert {p for (p,) in query(s, "select distinct provenance_code from marts.fluxvision_daily_presences")} == {
        "local",
        "non_local",
        "foreign",
    }


def test_calendar_origins_and_movements(fv):
    s = fv["settings"]
    assert query(
        s,
        """select bool_and(is_bank_holiday), bool_and(is_school_holiday) from marts.fluxvision_daily_presences
                       where day in ('2025-07-14', '2025-08-15')""",
    ) == [(True, True)]
    countries = {
        c
        for (c,) in query(
            s, "select distinct origin_country from marts.fluxvision_origins where origin_scope = 'etranger'"
        )
    }
    assert "OCÉAN INDIEN (LA RÉUNION, MAYOTTE, TAAF)" in countries and "ROYAUME-UNI" in countries
    top_weekday = query(
        s,
        """select weekday_label from marts.fluxvision_weekday_movements where ot_code = 'grand-montauban'
                              group by 1 order by sum(arrivals) desc limit 1""",
    )
    assert top_weekday == [("samedi",)]
    assert query(s, "select min(stay_nights), max(stay_nights) from marts.fluxvision_stay_lengths") == [(1, 13)]


def parse_figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)"[^>]*>([^<]*)<', html))


def number(text: str) -> float:
    return float(text.replace("\u202f", "").replace(",", ".").replace("%", "").strip())


def test_one_report_per_ot_showing_the_marts(fv):
    s = fv["settings"]
    folder = s.reports_dir / "fluxvision" / "2025"
    offices = [code for (code,) in query(s, "select ot_code from reference.tourist_offices_82")]
    for stem in [*offices, "departement"]:
        assert (folder / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (folder / f"{stem}.html").stat().st_size > 10_000
    for ot in offices:
        figures = parse_figures((folder / f"{ot}.html").read_text(encoding="utf-8"))
        nights, french, foreign, day_trippers = query(
            s,
            f"""select sum(tourist_nights), sum(tourist_nights_french),
            sum(tourist_nights_foreign), sum(day_tripper_presences) from marts.fluxvision_monthly
            where ot_code = '{ot}' and year = 2025""",
        )[0]
        assert number(figures["tourist_nights"]) == nights
        assert number(figures["tourist_nights_french"]) == french
        assert number(figures["tourist_nights_foreign"]) == foreign
        assert number(figures["day_tripper_presences"]) == day_trippers
        busiest = query(
            s,
            f"select day, visitor_presences from marts.fluxvision_busiest_days where ot_code = '{ot}' and year = 2025 and rank = 1",
        )[0]
        assert figures["busiest_day"] == busiest[0].strftime("%d/%m")
        assert number(figures["busiest_day_presences"]) == busiest[1]
    dept = parse_figures((folder / "departement.html").read_text(encoding="utf-8"))
    assert (
        number(dept["tourist_nights"])
        == query(s, "select sum(tourist_nights) from marts.departement_fluxvision_monthly where year = 2025")[0][0]
    )


def test_observatory_pages_are_self_contained_and_show_what_was_delivered(fv):
    root = fv["settings"].reports_dir / "fluxvision"
    entry = (root / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/grand-montauban.html"' in entry and 'href="2025/departement.pdf"' in entry
    assert (root / "2025" / "index.html").exists()
    for page in (root / "2025").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Nothing to fetch: no script, style, image or font from elsewhere, every byte inline.
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), page.name
        assert "<script src" not in html and "<link " not in html, page.name
    lomagne = (root / "2025" / "lomagne-tarn-et-garonnaise.html").read_text(encoding="utf-8")
    montauban = (root / "2025" / "grand-montauban.html").read_text(encoding="utf-8")
    assert 'id="geolife"' in lomagne and "Urbain dense" in lomagne
    assert 'id="geolife"' not in montauban and 'id="mobility"' not in montauban  # not delivered: hidden
    # The impossible combinations are declared with their reason, and a collection gap is noted.
    assert "ne peuvent pas être étrangers" in montauban and "n'a pas de nuitée" in montauban
    assert "Jours non collectés par Orange" in montauban and "29/08/2025" in montauban


def test_the_drop_sensor_asks_for_one_run_for_every_new_file(fv):
    drop = DropFolderResource(path=str(fv["settings"].fluxvision_drop_dir), settle_seconds=0)
    resources = {"fluxvision_drop": drop}
    # The nightly of this build landed every file: the sensor asks for nothing more.
    after_nightly = fluxvision_drop_sensor(dg.build_sensor_context(fv["instance"], resources=resources))
    assert not after_nightly.run_requests
    # On an instance that never landed them, all six files go in one run, and once only.
    fresh = dg.DagsterInstance.ephemeral()
    result = fluxvision_drop_sensor(dg.build_sensor_context(fresh, resources=resources))
    [request] = result.run_requests
    assert request.tags["t82/new_files"] == "6"
    again = fluxvision_drop_sensor(dg.build_sensor_context(fresh, cursor=result.cursor, resources=resources))
    assert not again.run_requests


def test_every_built_model_declares_what_it_outputs(fv):
    assert undeclared_columns(fv["settings"]) == []
