"""The demo on production's run path: the embedded instance (data/dagster_home/dagster.yaml), a
real `dagster-daemon` that queues runs and ticks the sensors, and jobs launched through the
code location. The sensors record their cursors and partitions as in production, so opening
the UI afterwards finds nothing left to request, and every run shows under its job."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.settings import REPO_ROOT

BIN = Path(sys.executable).parent  # the installed tools, whatever PATH says
WORKSPACE = REPO_ROOT / "workspace.yaml"
DEFAULT_HOME = REPO_ROOT / "data" / "dagster_home"
INSTANCE_FILE = DEFAULT_HOME / "dagster.yaml"  # kept in git
STOP_GRACE_SECONDS = 30


class DemoError(RuntimeError):
    pass


def prepare_dagster_home() -> Path:
    """$DAGSTER_HOME (default data/dagster_home) with the project's instance file. An instance file
    someone wrote there themselves is kept."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_HOME)))
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    first_line = INSTANCE_FILE.read_text(encoding="utf-8").splitlines()[0]
    ours = not target.exists() or target.read_text(encoding="utf-8").startswith(first_line)
    if target.resolve() != INSTANCE_FILE.resolve() and ours:
        shutil.copyfile(INSTANCE_FILE, target)
    elif not ours:
        print(f"Dagster instance: keeping your own {target}")
    return home


@contextmanager
def running_daemon(log_path: Path | None) -> Iterator[subprocess.Popen]:
    """`dagster-daemon run` on the workspace, stopped (gracefully, then not) on the way out."""
    out = open(log_path, "a", encoding="utf-8") if log_path else None
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", str(WORKSPACE)],
        cwd=REPO_ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield daemon
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
        if out:
            out.close()


def launch(job: str, run_config: dict | None = None) -> str:
    """Submits a run as the UI's Launch button does: through the code location, to the run queue."""
    run_id = str(uuid.uuid4())
    done = subprocess.run(
        [
            str(BIN / "dagster"),
            "job",
            "launch",
            "-w",
            str(WORKSPACE),
            "-j",
            job,
            "--run-id",
            run_id,
            "--config-json",
            json.dumps(run_config or {}),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise DemoError(f"could not launch {job}: {done.stderr.strip()[-2000:]}")
    return run_id


def idle_sensor_names() -> list[str]:
    """The sensors that request runs (the drop folders', the automation; not the alerts): the demo
    waits until each has nothing left to request."""
    from t82_pipeline.definitions import defs

    return sorted(
        s.name
        for s in defs.get_repository_def().sensor_defs
        if s.has_jobs or isinstance(s, dg.AutomationConditionSensorDefinition)
    )


def sensors_idle(instance, names: list[str], since: float) -> bool:
    """Each sensor's latest tick started after `since` and requested nothing."""
    from dagster._core.definitions.run_request import InstigatorType
    from dagster._core.scheduler.instigation import TickStatus

    states = {s.instigator_name: s for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)}
    for name in names:
        state = states.get(name)
        ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1) if state else []
        if not ticks or ticks[0].status != TickStatus.SKIPPED or ticks[0].timestamp <= since:
            return False
    return True


class RunFollower:
    """Reports each run created since `since` once it ends (`on_finished(run)`), while waiting."""

    def __init__(self, instance, since: datetime, on_finished: Callable):
        self.instance, self.since, self.on_finished = instance, since, on_finished
        self.reported: set[str] = set()

    def wait(self, done: Callable[[list], bool], timeout_s: float = 3600) -> None:
        import dagster as dg

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            records = sorted(
                self.instance.get_run_records(dg.RunsFilter(created_after=self.since)), key=lambda r: r.create_timestamp
            )
            for record in records:
                if record.dagster_run.is_finished and record.dagster_run.run_id not in self.reported:
                    self.reported.add(record.dagster_run.run_id)
                    self.on_finished(record.dagster_run)
            if done(records):
                return
            time.sleep(2)
        raise DemoError(f"runs still going after {timeout_s:.0f} s: see the Dagster UI (make ui)")

    def wait_for_run(self, run_id: str) -> None:
        self.wait(lambda records: any(r.dagster_run.run_id == run_id and r.dagster_run.is_finished for r in records))

    def wait_until_idle(self, sensors: list[str]) -> None:
        """No run queued or going, and each sensor has ticked once more with nothing to request."""

        def idle(records) -> bool:
            if not records or not all(r.dagster_run.is_finished for r in records):
                return False
            return sensors_idle(self.instance, sensors, max(r.end_time or 0 for r in records))

        self.wait(idle)


def now() -> datetime:
    return datetime.now(UTC)
