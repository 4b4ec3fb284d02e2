"""Dagster resources shared by every domain."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.mail import MailResource
from t82_pipeline.lib.settings import DUCKDB, Settings, get_settings
from t82_pipeline.lib.warehouse import WarehouseLocation, current_snapshot

# DuckDB lets one process write a file, and no other process open it meanwhile, even to read.
# The writer (dbt) and every asset that reads the warehouse share this pool (limit 1 in
# dagster.yaml), so runs started by schedules and sensors queue instead of failing on the lock.
WAREHOUSE_POOL = "duckdb_warehouse"


def reader_pool() -> str | None:
    """The pool of steps that read the warehouse: the writer's on one DuckDB file; none on a
    DuckLake, whose readers see the last committed state while dbt writes."""
    return WAREHOUSE_POOL if get_settings().warehouse_backend == DUCKDB else None


class WarehouseResource(DuckDBResource):
    """The warehouse, read-only (only dbt writes it), on either backend: dagster-duckdb's
    resource on the DuckDB file (with its retries while a lock is held), a DuckLake attached
    read-only otherwise. On a DuckLake a run reads one snapshot, the one its first reader saw:
    a blocking check and the publish after it read the same data while another job's dbt
    commits (on the DuckDB file the warehouse pool keeps dbt out meanwhile)."""

    backend: str = DUCKDB
    ducklake_catalog: str = ""
    ducklake_data_path: str = ""
    _snapshot: int | None = PrivateAttr(default=None)

    def location(self) -> WarehouseLocation:
        return WarehouseLocation(self.backend, self.database, self.ducklake_catalog, self.ducklake_data_path)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.backend == DUCKDB:
            with super().get_connection() as con:
                yield con
            return
        con = self.location().connect(self._snapshot)
        try:
            if self._snapshot is None:
                self._snapshot = current_snapshot(con)
            yield con
        finally:
            con.close()


def warehouse_resource(s: Settings) -> WarehouseResource:
    return WarehouseResource(
        database=str(s.warehouse_path),
        connection_config={"access_mode": "READ_ONLY"},
        backend=s.warehouse_backend,
        ducklake_catalog=secret("T82_DUCKLAKE_CATALOG", s.ducklake_catalog),
        ducklake_data_path=s.ducklake_data_path,
    )


class LandingResource(dg.ConfigurableResource):
    """The immutable landing zone (T82_LANDING_DIR)."""

    root: str

    def zone(self) -> LandingZone:
        return LandingZone(Path(self.root))


class DropFolderResource(dg.ConfigurableResource):
    """A folder where deliveries are dropped (files are read, never moved or changed). Hidden
    files (uploads in progress, editors' temporary files) are not deliveries."""

    path: str
    # A file is landed once its size and modification time held still this long: a copy in
    # progress is left for the next run.
    settle_seconds: float = 1.0

    def files(self, pattern: str) -> list[Path]:
        return sorted(p for p in Path(self.path).glob(pattern) if not p.name.startswith("."))

    def settled(self, paths: list[Path]) -> tuple[list[Path], list[Path]]:
        """(files whose size and mtime held still, files still being written)."""

        def signature(path: Path) -> tuple[int, int] | None:
            try:
                st = path.stat()
            except FileNotFoundError:
                return None
            return st.st_size, st.st_mtime_ns

        before = {p: signature(p) for p in paths}
        # Unchanged for settle_seconds already (its mtime says so): settled without waiting. Only
        # files written to within that time are watched again after it.
        recent = [
            p for p, sig in before.items() if sig is not None and time.time_ns() - sig[1] < self.settle_seconds * 1e9
        ]
        if recent:
            time.sleep(self.settle_seconds)
        still = [p for p in paths if before[p] is not None and (p not in recent or signature(p) == before[p])]
        return still, [p for p in paths if p not in still]


def secret(name: str, value: str) -> str | dg.EnvVar:
    """A secret as ``dg.EnvVar``: Dagster resolves it in the run's process, and the repository
    snapshot (what the UI and its GraphQL API show) holds the variable's name, never its value.
    A value not taken from the environment (a demo stand-in's, a test's) is passed as it is."""
    return dg.EnvVar(name) if value and os.environ.get(name) == value else value


def drop_folder(settings: Settings, folder: Path) -> DropFolderResource:
    return DropFolderResource(path=str(folder), settle_seconds=settings.drop_settle_seconds)


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources every domain uses: landing zone, mail, and the warehouse read-only."""
    return {
        "landing": LandingResource(root=str(s.landing_dir)),
        "mail": MailResource(
            smtp_host=s.smtp_host,
            smtp_port=s.smtp_port,
            smtp_user=s.smtp_user,
            smtp_password=secret("T82_SMTP_PASSWORD", s.smtp_password),
            starttls=s.smtp_starttls,
            sender=s.mail_from,
            outbox_dir=str(s.outbox_dir),
        ),
        "warehouse": warehouse_resource(s),
    }
