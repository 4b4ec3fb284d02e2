"""Dagster resources shared by every domain."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.mail import MailResource
from t82_pipeline.lib.settings import Settings

# DuckDB lets one process write a file, and no other process open it meanwhile, even to read.
# The writer (dbt) and every asset that reads the warehouse share this pool (limit 1 in
# dagster.yaml), so runs started by schedules and sensors queue instead of failing on the lock.
WAREHOUSE_POOL = "duckdb_warehouse"


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
        if paths and self.settle_seconds > 0:
            time.sleep(self.settle_seconds)
        still = [p for p in paths if before[p] is not None and signature(p) == before[p]]
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
        # Read-only access for publish assets; only dbt writes the warehouse.
        "warehouse": DuckDBResource(database=str(s.warehouse_path), connection_config={"access_mode": "READ_ONLY"}),
    }
