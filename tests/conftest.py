import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
AS_OF_DATE = "2026-11-01"  # generated data is anchored on this date

# Before anything imports t82: never touch the developer's data/ folder.
os.environ["T82_DATA_DIR"] = tempfile.mkdtemp(prefix="t82-tests-")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


DBT_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


def manifest_is_stale(project: Path) -> bool:
    manifest = project / "target" / "manifest.json"
    if not manifest.exists():
        return True
    files = [
        p
        for name in DBT_SOURCES
        for p in ([project / name] if (project / name).is_file() else (project / name).rglob("*"))
    ]
    return max(p.stat().st_mtime for p in files if p.is_file()) > manifest.stat().st_mtime


def pytest_configure(config: pytest.Config) -> None:
    """The dbt assets read the manifest at import (tests collect them): parse the models once, and
    only if one changed since the manifest was made (`make install` makes it)."""
    project = REPO / "dbt_project"
    if not manifest_is_stale(project):
        return
    from t82_pipeline.lib.settings import get_settings

    get_settings()
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project)], check=True
    )


# The end-to-end modules that read the shared built département (tests/e2e/conftest.py).
SHARE_THE_DEPARTEMENT = {
    f"tests/e2e/{name}.py"
    for name in ("test_automation", "test_fairguest", "test_fluxvision", "test_nurtik", "test_opendata", "test_sit")
}


def pytest_xdist_make_scheduler(config, log):
    """`make test` runs on two workers (pytest-xdist, --dist loadscope): a module stays on one
    worker (its module-scoped fixtures are built once), and the modules that share the built
    département go to the same worker (it is built once per session, not once per worker)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleSharingTheDepartement(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            return "departement" if module in SHARE_THE_DEPARTEMENT else module

    return ByModuleSharingTheDepartement(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses = {"departement", "departement_copy"} & set(getattr(item, "fixturenames", ()))
        if uses and item.nodeid.split("::")[0] not in SHARE_THE_DEPARTEMENT:
            raise pytest.UsageError(
                f"{item.nodeid} reads the built département: list its module in SHARE_THE_DEPARTEMENT"
            )


@pytest.fixture
def t82_settings(tmp_path: Path):
    """Settings of an isolated embedded default under tmp_path (env vars as in production)."""
    from tests.support.env import isolated_settings

    with isolated_settings(tmp_path / "data", T82_HTTP_RETRIES="2") as settings:
        yield settings


@contextmanager
def running_smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.messages = []
            self.refuse: set[str] = set()  # recipients this server answers 550 to

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in self.refuse:
                return "550 5.1.1 Mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:  # aiosmtpd does not report the port it got for port=0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        controller.refuse = handler.refuse
        yield controller, handler.messages
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    with running_smtp_server() as server:
        yield server
