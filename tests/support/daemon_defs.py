"""A tiny code location for the daemon integration test: an every-minute schedule (stopped
until the test turns it on through the webserver) running a job that takes a few seconds."""

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg


@dg.asset
def heartbeat() -> None:
    time.sleep(float(os.environ.get("T82_TEST_RUN_SECONDS", "1")))
    out = Path(os.environ["T82_TEST_HEARTBEAT_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{datetime.now(UTC):%H%M%S%f}").write_text("ok")


# A short maximum runtime lets run monitoring settle a run whose worker was killed.
heartbeat_job = dg.define_asset_job("heartbeat_job", selection=[heartbeat], tags={"dagster/max_runtime": "30"})
every_minute = dg.ScheduleDefinition(name="every_minute", job=heartbeat_job, cron_schedule="* * * * *")

defs = dg.Definitions(assets=[heartbeat], jobs=[heartbeat_job], schedules=[every_minute])
