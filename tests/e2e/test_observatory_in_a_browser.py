"""The Flux Vision observatory as OT staff use it, in a real headless Chromium: from the entry
page to a territory, impossible filter combinations disabled with their reason, KPIs that follow
the period and equal the marts, the map switching to the world for foreign visitors, the current
selection exported to PDF, and nothing requested outside the file. A screenshot of each step is
saved with the test output (printed at the end)."""

import base64
import re

import dagster as dg
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from t82_pipeline.demo.fluxvision_generator import Delivery, write_delivery
from tests.support.browser import chromium, full_page_screenshot, requested_urls, screenshots_dir
from tests.support.env import isolated_settings
from tests.support.helpers import materialize, query
from tests.support.processes import wait_for

OT = "grand-montauban"
# Two summers: August 2025 against August 2024, with the demo's collection failure on 29 August.
DELIVERIES = [Delivery(2024, 4, 1400001), Delivery(2025, 3, 1500001), Delivery(2025, 4, 1500002)]


@pytest.fixture(scope="module")
def observatory(tmp_path_factory):
    with isolated_settings(tmp_path_factory.mktemp("observatory") / "data") as settings:
        for delivery in DELIVERIES:
            write_delivery(settings.fluxvision_drop_dir, delivery)
        # The deliveries, what they feed (the observatory among it) and the territory it reads.
        landing = dg.AssetSelection.assets(["landing", "fluxvision_deliveries"])
        built = materialize(settings, landing.downstream() | dg.AssetSelection.groups("reference"))
        assert built.success
        yield settings


def number(text: str) -> float:
    """A figure as the page prints it in French: 1 234 567 / +3,8 % / 26,2 %."""
    cleaned = re.sub(r"[^\d,+-]", "", text).replace(",", ".")
    return float(cleaned)


def kpi(driver, name: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'[data-kpi="{name}"]').text


def click_filter(driver, field: str, value: str):
    driver.find_element(By.CSS_SELECTOR, f'[data-filter="{field}"] [data-value="{value}"]').click()


def button(driver, field: str, value: str):
    return driver.find_element(By.CSS_SELECTOR, f'[data-filter="{field}"] [data-value="{value}"]')


def wait_redrawn(driver, before: str) -> str:
    return wait_for(
        lambda: (r := driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready")) != before and r,
        20, "the page to redraw", poll_s=0.1, details=lambda: f"\nbrowser console: {driver.get_log('browser')}",
    )  # fmt: skip


def test_an_ot_reads_its_observatory_in_a_browser(observatory, tmp_path):
    s = observatory
    root = s.reports_dir / "fluxvision"
    shots = screenshots_dir("observatory")
    steps = []
    with chromium(tmp_path / "profile") as driver:
        # 1. The entry page: choose the year, then the territory.
        driver.get((root / "index.html").as_uri())
        driver.find_element(By.CSS_SELECTOR, 'button.year[data-value="2025"]').click()
        steps.append(full_page_screenshot(driver, shots / "1-index.png"))
        section = driver.find_element(By.CSS_SELECTOR, '.year-territories[data-year="2025"]')
        section.find_element(By.CSS_SELECTOR, f'a[data-territory="{OT}"]').click()
        ready = wait_redrawn(driver, "0")
        assert driver.current_url.endswith(f"/2025/{OT}.html")
        nights = query(
            s, f"select sum(tourist_nights) from marts.fluxvision_monthly where ot_code = '{OT}' and year = 2025"
        )
        assert number(kpi(driver, "total")) == nights[0][0]
        steps.append(full_page_screenshot(driver, shots / "2-territory.png"))

        # 2. Residents cannot be foreign: "foreign" is disabled, with the reason shown.
        click_filter(driver, "category", "resident")
        ready = wait_redrawn(driver, ready)
        assert not button(driver, "provenance", "foreign").is_enabled()
        assert "ne peuvent pas être étrangers" in driver.find_element(By.ID, "filter-reasons").text
        steps.append(full_page_screenshot(driver, shots / "3-residents.png"))

        # 3. Day-trippers spend no night here: "nights" is disabled, the day is shown.
        click_filter(driver, "category", "day_tripper")
        ready = wait_redrawn(driver, ready)
        assert not button(driver, "moment", "night").is_enabled()
        assert "on" in button(driver, "moment", "day").get_attribute("class")
        assert button(driver, "provenance", "foreign").is_enabled()
        steps.append(full_page_screenshot(driver, shots / "4-day-trippers.png"))

        # 4. Tourists' nights in August: three KPIs equal the marts.
        click_filter(driver, "category", "tourist")
        ready = wait_redrawn(driver, ready)
        click_filter(driver, "moment", "night")
        ready = wait_redrawn(driver, ready)
        Select(driver.find_element(By.ID, "period")).select_by_value("m08")
        ready = wait_redrawn(driver, ready)
        total, change, foreign, days, gaps = query(
            s,
            f"""select tourist_nights, tourist_nights_change_pct, tourist_nights_foreign, days_delivered,
            collection_gap_days from marts.fluxvision_monthly where ot_code = '{OT}' and year = 2025 and month = 8""",
        )[0]
        assert gaps == 1  # the demo's collection failure, left out of the average and the comparison
        assert number(kpi(driver, "total")) == total
        assert number(kpi(driver, "change_n1")) == change
        assert number(kpi(driver, "foreign_share")) == round(100 * foreign / total, 1)
        assert number(kpi(driver, "daily_average")) == round(total / days)
        (stay,) = query(
            s,
            f"""select round(sum(stay_nights * stays) / sum(stays), 1) from marts.fluxvision_stay_lengths
            where ot_code = '{OT}' and year = 2025 and month = 8 and provenance_code in ('non_local', 'foreign')""",
        )[0]
        assert number(kpi(driver, "average_stay")) == stay
        (longest,) = query(
            s,
            f"""select origin from marts.fluxvision_stay_lengths_by_origin
            where ot_code = '{OT}' and year = 2025 and month = 8 and origin_scope = 'france'
            group by origin order by sum(stay_nights_total) / sum(stays) desc limit 1""",
        )[0]
        first_row = driver.find_element(By.CSS_SELECTOR, "#stays-by-origin tbody tr td").text
        assert first_row == longest  # who stays longest, in the chosen period
        # Period A (August) against period B (July), per collected day.
        Select(driver.find_element(By.ID, "period-b")).select_by_value("m07")
        ready = wait_redrawn(driver, ready)
        july, july_days = query(
            s,
            f"""select tourist_nights, days_delivered from marts.fluxvision_monthly
            where ot_code = '{OT}' and year = 2025 and month = 7""",
        )[0]
        per_day = total / days, july / july_days
        assert number(kpi(driver, "compare_change")) == round(100 * (per_day[0] - per_day[1]) / per_day[1], 1)
        steps.append(full_page_screenshot(driver, shots / "5-august.png"))

        # 5. Foreign visitors: the map of origins switches to the world.
        click_filter(driver, "provenance", "foreign")
        ready = wait_redrawn(driver, ready)
        assert driver.find_element(By.ID, "map-country").is_displayed()
        assert not driver.find_element(By.ID, "map-departement").is_displayed()
        assert not button(driver, "level", "departement").is_enabled()
        steps.append(full_page_screenshot(driver, shots / "6-foreign.png"))

        # 6. The current selection as PDF, the way "Exporter en PDF" prints it.
        assert driver.find_element(By.ID, "export-pdf").is_displayed()
        pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
        assert pdf[:5] == b"%PDF-"
        (shots / "7-selection.pdf").write_bytes(pdf)

        # Nothing left the file, and the console shows no error.
        requested = requested_urls(driver)
        assert any(u.endswith(f"/2025/{OT}.html") for u in requested)  # the log does see the pages' requests
        outside = [u for u in requested if not u.startswith(("file://", "data:"))]
        assert not outside, outside
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
    print("screenshots:", *steps, sep="\n  ")
