"""Two modes, chosen explicitly: production refuses to start on any demo fallback."""

import subprocess
import sys

import pytest

from t82_pipeline.lib.settings import DEMO_CONTACT_KEY_SECRET, REPO_ROOT, SettingsError
from tests.support.env import isolated_settings

REAL = {
    "T82_ENV": "production",
    "T82_APIDAE_BASE_URL": "https://api.apidae-tourisme.com",
    "T82_APIDAE_API_KEY": "k-real",
    "T82_APIDAE_PROJECT_ID": "4242",
    "T82_FAIRGUEST_BASE_URL": "https://api.fairguest.example",
    "T82_FAIRGUEST_TOKEN": "t-real",
    "T82_NURTIK_BASE_URL": "https://api.nurtik.example",
    "T82_NURTIK_TOKEN": "n-real",
    "T82_CONTACT_KEY_SECRET": "a-long-random-secret-of-at-least-32-chars",
    "T82_SMTP_HOST": "smtp.example",
    "T82_ALERT_EMAILS": "data@example.org",
    "T82_UNSUBSCRIBE_EMAIL": "stop-reports@example.org",
}


def test_embedded_is_the_default_and_keeps_its_stand_ins(tmp_path):
    with isolated_settings(tmp_path) as s:
        assert s.mode == "embedded" and s.apidae_base_url == "embedded"
        assert s.contact_key_secret == DEMO_CONTACT_KEY_SECRET
        s.check()


def test_a_complete_production_configuration_loads(tmp_path):
    with isolated_settings(tmp_path, **REAL) as s:
        s.check()
        assert s.is_production


def test_production_names_every_problem_by_setting(tmp_path):
    env = {
        **REAL,
        "T82_FAIRGUEST_BASE_URL": "embedded",
        "T82_CONTACT_KEY_SECRET": DEMO_CONTACT_KEY_SECRET,
        "T82_NURTIK_TOKEN": "demo-token",
        "T82_SMTP_HOST": "",
        "T82_ALERT_EMAILS": " , ",
        "T82_UNSUBSCRIBE_EMAIL": "",
    }
    with isolated_settings(tmp_path, **env) as s, pytest.raises(SettingsError) as error:
        s.check()
    message = str(error.value)
    for name in (
        "T82_FAIRGUEST_BASE_URL",
        "T82_CONTACT_KEY_SECRET",
        "T82_NURTIK_TOKEN",
        "T82_SMTP_HOST",
        "T82_ALERT_EMAILS",
        "T82_UNSUBSCRIBE_EMAIL",
    ):
        assert name in message
    assert len(error.value.problems) == 6
    assert "T82_APIDAE" not in message


def test_production_has_no_fallback_for_an_unset_variable(tmp_path):
    env = {
        k: v
        for k, v in REAL.items()
        if k not in ("T82_NURTIK_BASE_URL", "T82_CONTACT_KEY_SECRET", "T82_APIDAE_API_KEY")
    }
    with isolated_settings(tmp_path, **env) as s, pytest.raises(SettingsError) as error:
        s.check()
    assert {p.split()[0] for p in error.value.problems} == {
        "T82_NURTIK_BASE_URL",
        "T82_CONTACT_KEY_SECRET",
        "T82_APIDAE_API_KEY",
    }


def test_a_short_contact_key_secret_is_refused(tmp_path):
    with isolated_settings(tmp_path, **{**REAL, "T82_CONTACT_KEY_SECRET": "short"}) as s, pytest.raises(SettingsError):
        s.check()


def test_an_unknown_mode_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="T82_ENV"), isolated_settings(tmp_path, T82_ENV="prod"):
        pass


def test_the_code_location_refuses_to_load_in_production_with_the_demo_secret(tmp_path):
    """As `dagster api grpc -m t82_pipeline.definitions` would load it."""
    env = {
        "PATH": "/usr/bin:/bin",
        "T82_DATA_DIR": str(tmp_path),
        **REAL,
        "T82_CONTACT_KEY_SECRET": DEMO_CONTACT_KEY_SECRET,
        "T82_APIDAE_BASE_URL": "embedded",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import t82_pipeline.definitions"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "T82_CONTACT_KEY_SECRET" in done.stderr and "T82_APIDAE_BASE_URL" in done.stderr
    assert "refuses to start in T82_ENV=production" in done.stderr


def test_the_warehouse_backend_is_checked_in_every_mode(tmp_path):
    with isolated_settings(tmp_path) as s:
        assert s.warehouse_backend == "duckdb"
    with isolated_settings(tmp_path, T82_WAREHOUSE="sqlite") as s, pytest.raises(SettingsError, match="T82_WAREHOUSE"):
        s.check()
    with isolated_settings(tmp_path, T82_WAREHOUSE="ducklake") as s:
        with pytest.raises(SettingsError, match="T82_DUCKLAKE_CATALOG is empty"):
            s.check()
    catalog = "postgres:host=db dbname=lake user=t82 password=p4ss-word"
    with isolated_settings(tmp_path, T82_WAREHOUSE="ducklake", T82_DUCKLAKE_CATALOG=catalog) as s:
        s.check()
        assert "p4ss" not in repr(s)
    # The retention reaches SQL (the maintenance after each DuckLake build): only "<n> <unit>".
    bad = {"T82_WAREHOUSE": "ducklake", "T82_DUCKLAKE_CATALOG": catalog, "T82_DUCKLAKE_RETENTION": "1 day'); drop"}
    with isolated_settings(tmp_path, **bad) as s, pytest.raises(SettingsError, match="T82_DUCKLAKE_RETENTION"):
        s.check()


@pytest.mark.parametrize("size", ["0", "-5", "201"])
def test_an_apidae_page_size_outside_what_apidae_allows_is_refused(tmp_path, size):
    with isolated_settings(tmp_path, T82_APIDAE_PAGE_SIZE=size) as s, pytest.raises(SettingsError, match="PAGE_SIZE"):
        s.check()
