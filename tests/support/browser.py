"""A real headless browser for the pages people look at: Debian's chromium driven by its
chromedriver through Selenium (both installed by .ci/run), with the network and console logs."""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Chromium's own background traffic is turned off: only the page's requests are left to check.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1300,1600",
]


def screenshots_dir(name: str) -> Path:
    """Where a test's screenshots go (kept with the test output, printed by the test)."""
    folder = Path(os.environ.get("T82_TEST_OUTPUT", REPO / "test-output")) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def chromium(user_data_dir: Path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={user_data_dir}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver, documents: str = "file://") -> list[str]:
    """Every request made by documents under ``documents`` (the browser's own pages, such as its
    start page, are not the page under test)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent" and params.get("documentURL", "").startswith(documents):
            urls.append(params["request"]["url"])
    return urls


def full_page_screenshot(driver, path: Path) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1300, min(height + 40, 12000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1300, 1600)
    return path
