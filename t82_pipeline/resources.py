"""Resources of every domain, built from settings (the one place environment is read)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from t82_pipeline.defs.dbt.project import dbt_project
from t82_pipeline.defs.dbt.resource import T82DbtCliResource
from t82_pipeline.defs.fairguest.resources import FairguestResource, ProviderReportsTarget
from t82_pipeline.defs.fluxvision.resources import FluxVisionReportsTarget
from t82_pipeline.defs.nurtik.resources import NurtikResource, SegmentExportTarget
from t82_pipeline.defs.opendata.resources import OpenDataTarget
from t82_pipeline.defs.ops.resources import AlertTarget
from t82_pipeline.defs.serving.resources import ServingTarget
from t82_pipeline.defs.sit.resources import ApidaeResource
from t82_pipeline.lib.mail import MailResource
from t82_pipeline.lib.resources import DropFolderResource, LandingResource
from t82_pipeline.lib.settings import Settings, get_settings


def secret(name: str, value: str) -> str | dg.EnvVar:
    """A secret as ``dg.EnvVar``: Dagster resolves it in the run's process, and the repository
    snapshot (what the UI and its GraphQL API show) holds the variable's name, never its value.
    A value not taken from the environment (a demo stand-in's, a test's) is passed as it is."""
    return dg.EnvVar(name) if value and os.environ.get(name) == value else value


def build_resources(settings: Settings | None = None) -> dict:
    s = settings or get_settings()

    def drop(folder: Path) -> DropFolderResource:
        return DropFolderResource(path=str(folder), settle_seconds=s.drop_settle_seconds)

    return {
        "landing": LandingResource(root=str(s.landing_dir)),
        "apidae": ApidaeResource.from_settings(s, api_key=secret("T82_APIDAE_API_KEY", s.apidae_api_key)),
        "apidae_export_drop": drop(s.apidae_export_drop_dir),
        "tif_drop": drop(s.tif_drop_dir),
        "fairguest": FairguestResource(
            base_url=s.fairguest_base_url,
            group_id=s.fairguest_group_id,
            token=secret("T82_FAIRGUEST_TOKEN", s.fairguest_token),
            retries=s.http_retries,
            timeout_s=s.http_timeout_s,
            samples_dir=str(s.samples_dir / "fairguest"),
        ),
        "fairguest_drop": drop(s.fairguest_drop_dir),
        "provider_reports": ProviderReportsTarget(
            ledger_path=str(s.state_dir / "report_ledger.duckdb"),
            output_dir=str(s.reports_dir / "fairguest"),
            link_template=s.fairguest_report_link,
        ),
        "fluxvision_drop": drop(s.fluxvision_drop_dir),
        "fluxvision_reports": FluxVisionReportsTarget(output_dir=str(s.reports_dir / "fluxvision")),
        "nurtik": NurtikResource(
            base_url=s.nurtik_base_url,
            token=secret("T82_NURTIK_TOKEN", s.nurtik_token),
            contact_key_secret=secret("T82_CONTACT_KEY_SECRET", s.contact_key_secret),
            retries=s.http_retries,
            timeout_s=s.http_timeout_s,
            samples_dir=str(s.samples_dir / "nurtik"),
        ),
        "nurtik_drop": drop(s.nurtik_drop_dir),
        "nurtik_erasure_requests": drop(s.nurtik_erasure_dir),
        "segment_exports": SegmentExportTarget(folder=str(s.segments_dir)),
        "datatourisme_drop": drop(s.datatourisme_drop_dir),
        # The dbt next to this interpreter: works without an activated venv.
        "dbt": T82DbtCliResource(
            project_dir=dbt_project(),
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
            landing_dir=str(s.landing_dir),
            build_record_path=str(s.warehouse_path.parent / "dbt_built_batches.json"),
        ),
        "opendata": OpenDataTarget(
            folder=str(s.opendata_dir),
            base_uri=s.opendata_base_uri,
            put_url=s.opendata_put_url,
            put_token=secret("T82_OPENDATA_PUT_TOKEN", s.opendata_put_token),
            http_retries=s.http_retries,
        ),
        "serving": ServingTarget(
            folder=str(s.serving_dir),
            manifest_path=str(dbt_project().manifest_path),
            pg_dsn=secret("T82_SERVING_PG_DSN", s.serving_pg_dsn),
            max_overnight_drop=s.serving_max_overnight_drop,
        ),
        "mail": MailResource(
            smtp_host=s.smtp_host,
            smtp_port=s.smtp_port,
            smtp_user=s.smtp_user,
            smtp_password=secret("T82_SMTP_PASSWORD", s.smtp_password),
            starttls=s.smtp_starttls,
            sender=s.mail_from,
            outbox_dir=str(s.outbox_dir),
        ),
        "alerts": AlertTarget(recipients=list(s.alert_emails)),
        # Read-only access for publish assets; only dbt writes the warehouse.
        "warehouse": DuckDBResource(database=str(s.warehouse_path), connection_config={"access_mode": "READ_ONLY"}),
    }
