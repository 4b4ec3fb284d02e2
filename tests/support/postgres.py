"""A real PostgreSQL for tests, started from the system's server binaries in a temp folder.

initdb refuses to run as root, so as root the server runs as the `postgres` user.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str = "postgres"

    def dsn(self, db: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        auth = user or self.user
        if password:
            auth += f":{password}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{db}"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], as_postgres: bool) -> None:
    if as_postgres:
        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


@contextmanager
def postgres_server(password: str | None = None):
    """With ``password``, the server asks for it (SCRAM) from every client; else it trusts them."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries not found: .ci/run installs Debian's postgresql package")
        pytest.skip("PostgreSQL server binaries (initdb) not installed")
    as_postgres = os.geteuid() == 0
    # Its own folder: pytest's temp root is private to root, and the server runs as postgres.
    workdir = Path(tempfile.mkdtemp(prefix="t82-pg-"))
    data, sock = workdir / "data", workdir / "sock"
    sock.mkdir()
    if as_postgres:
        shutil.chown(workdir, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    port = _free_port()
    auth = ["-A", "trust"]
    if password is not None:
        pwfile = workdir / "pwfile"
        pwfile.write_text(password, encoding="utf-8")
        if as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        auth = ["-A", "scram-sha-256", f"--pwfile={pwfile}"]
    _run(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", *auth, "-E", "UTF8", "--no-locale"],
        as_postgres,
    )
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(workdir / "server.log"),
            "-w",
            "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1",
            "start",
        ],
        as_postgres,
    )
    try:
        yield PostgresServer("127.0.0.1", port)
    finally:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], as_postgres)
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(server: PostgresServer, name: str, password: str | None = None) -> None:
    import psycopg2

    con = psycopg2.connect(server.dsn(), password=password) if password else psycopg2.connect(server.dsn())
    con.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        con.cursor().execute(f'create database "{name}"')
    finally:
        con.close()
