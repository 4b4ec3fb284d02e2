"""The production deployment as docker/docker-compose.yml describes it. Docker does not run
here, so these tests read the compose file and the image's recipe; test_production_processes.py
starts the same processes with the same commands and environment."""

import re
from pathlib import Path

import yaml

from t82_pipeline.lib.settings import REPO_ROOT

DOCKER = REPO_ROOT / "docker"


def compose() -> dict:
    return yaml.safe_load((DOCKER / "docker-compose.yml").read_text())


def t82_services() -> dict[str, dict]:
    return {name: s for name, s in compose()["services"].items() if "build" in s}


def env_file_variables(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if re.match(r"^[A-Z][A-Z0-9_]*=", line))
    return {name: value for name, value in pairs}


def service_environment(service: dict, env_file_stands_for: Path) -> dict[str, str]:
    """What compose gives a container: its env_file(s), then `environment` on top."""
    env: dict[str, str] = {}
    for entry in service.get("env_file", []):
        path = entry["path"] if isinstance(entry, dict) else entry
        assert (DOCKER / path).resolve() == (REPO_ROOT / ".env").resolve(), path
        env.update(env_file_variables(env_file_stands_for))
    env.update({k: str(v) for k, v in (service.get("environment") or {}).items()})
    return env


def test_every_setting_of_env_example_reaches_every_t82_service():
    example = REPO_ROOT / ".env.example"
    names = {n for n in env_file_variables(example) if n.startswith(("T82_", "DAGSTER_PG_"))}
    assert "T82_CONTACT_KEY_SECRET" in names and "T82_SMTP_PASSWORD" in names and len(names) > 25
    services = t82_services()
    assert set(services) == {"user_code", "webserver", "daemon"}
    for name, service in services.items():
        env = service_environment(service, example)
        assert names - set(env) == set(), name
        assert env["T82_ENV"] == "production" and env["T82_DATA_DIR"] == "/data", name


def without_host_and_port(command: list[str]) -> list[str]:
    return [arg for i, arg in enumerate(command) if i == 0 or command[i - 1] not in ("-h", "-p")]


def test_the_three_processes_are_the_ones_the_production_test_starts():
    from tests.e2e.test_production_processes import COMMANDS

    compose_commands = {name: without_host_and_port(s["command"]) for name, s in t82_services().items()}
    assert compose_commands == {name: without_host_and_port(c) for name, c in COMMANDS.items()}


def test_the_ui_is_published_on_loopback_only():
    assert compose()["services"]["webserver"]["ports"] == ["127.0.0.1:3000:3000"]


def test_the_image_and_ci_install_the_same_os_package_list():
    listed = [
        line for line in (DOCKER / "os-packages.txt").read_text().splitlines() if line and not line.startswith("#")
    ]
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"} <= set(listed)
    assert "docker/os-packages.txt" in (DOCKER / "Dockerfile").read_text()
    assert "docker/os-packages.txt" in (REPO_ROOT / ".ci" / "run").read_text()
