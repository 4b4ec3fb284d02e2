"""Dropping Flux Vision deliveries with `dagster-daemon` running is enough: the sensors land
each file as a partition, then one refresh builds the marts and writes the per-OT reports."""

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from t82_pipeline.demo.fluxvision_generator import Delivery, write_delivery
from t82_pipeline.lib.settings import REPO_ROOT
from tests.env import isolated_settings

pytestmark = pytest.mark.slow
BIN = os.path.dirname(sys.executable)


def test_dropped_deliveries_reach_marts_and_reports_through_the_daemon(tmp_path):
    with isolated_settings(tmp_path / "data") as settings:
        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copy(REPO_ROOT / "data" / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
        workspace = tmp_path / "workspace.yaml"
        workspace.write_text(f"load_from:\n  - python_file:\n      relative_path: {REPO_ROOT / 'tests' / 'fluxvision_daemon_defs.py'}\n"
                             f"      location_name: fluxvision_test\n      working_directory: {REPO_ROOT}\n")
        write_delivery(settings.fluxvision_drop_dir, Delivery(2025, 4, 1493230))
        log = tmp_path / "daemon.log"
        daemon = subprocess.Popen([os.path.join(BIN, "dagster-daemon"), "run", "-w", str(workspace)],
                                  env={**os.environ, "DAGSTER_HOME": str(home)}, stdout=open(log, "w"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
        report = settings.reports_dir / "fluxvision" / "2025" / "grand-montauban.pdf"
        try:
            deadline = time.monotonic() + 420
            while time.monotonic() < deadline and not (report.exists() and (report.parent / ".data_signature").exists()):
                if "Error loading repository location" in log.read_text():
                    break
                time.sleep(3)
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
        assert report.exists(), "no report after 7 minutes:\n" + log.read_text()[-4000:]
        assert len(list(report.parent.glob("*.pdf"))) == 11  # ten OTs and the département
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            assert con.sql("select count(distinct ot_code), count(distinct day) from marts.fluxvision_daily_presences").fetchone() == (10, 62)
