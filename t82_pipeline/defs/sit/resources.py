"""The one resource in front of Apidae: its base URL, key and project come from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import requests

from t82_pipeline.defs.sit.apidae_client import ApidaeClient
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.resources import drop_folder, secret
from t82_pipeline.lib.settings import Settings
from t82_pipeline.lib.stand_in import api_base_url

CONFIRMATION_PATH = "/api/v002/export/confirmation"


class ConfirmationRefused(SourceError):
    """A notification's urlConfirmation that is not Apidae's: never fetched, never retried."""


class ApidaeResource(dg.ConfigurableResource):
    """Apidae API v002. ``base_url="embedded"`` serves the generated sample objects from a
    local HTTP server for the duration of a run, so the demo runs the real client code."""

    base_url: str
    api_key: str
    project_id: str
    selection_ids: list[int] = []
    page_size: int = 200
    full_snapshot_days: int = 7  # a full snapshot when the last is this old; other nights pull the delta
    timeout_s: float = 30.0
    retries: int = 4
    backoff_factor: float = 1.0
    samples_file: str = ""

    @classmethod
    def from_settings(cls, s: Settings, api_key: str | dg.EnvVar | None = None) -> ApidaeResource:
        return cls(
            base_url=s.apidae_base_url,
            api_key=api_key or s.apidae_api_key,
            project_id=s.apidae_project_id,
            selection_ids=list(s.apidae_selection_ids),
            page_size=s.apidae_page_size,
            full_snapshot_days=s.apidae_full_snapshot_days,
            timeout_s=s.http_timeout_s,
            retries=s.http_retries,
            samples_file=str(s.samples_dir / "apidae" / "objects.ndjson"),
        )

    @contextmanager
    def client(self) -> Iterator[ApidaeClient]:
        session = build_session(self.retries, self.backoff_factor)
        with session, self._served_url() as url:
            yield ApidaeClient(
                base_url=url,
                api_key=self.api_key,
                project_id=self.project_id,
                session=session,
                selection_ids=tuple(self.selection_ids),
                page_size=self.page_size,
                timeout_s=self.timeout_s,
                retries=self.retries,
                backoff_s=self.backoff_factor,
            )

    def confirmation_problem(self, url: object) -> str | None:
        """Why a notification's urlConfirmation is not fetched: it comes with the dropped file, so
        it must be Apidae's own confirmation endpoint (the configured API's scheme, host and port,
        the export confirmation path), never another address of the network."""
        try:
            parts, api = urlsplit(url if isinstance(url, str) else ""), urlsplit(self.base_url)
            origin = (parts.scheme, parts.hostname, parts.port)
        except ValueError:
            return "not a URL"
        if not parts.scheme or not parts.hostname:
            return "not a URL"
        if origin != (api.scheme, api.hostname, api.port) or api.scheme not in ("https", "http"):
            return f"not the Apidae API ({api.scheme}://{api.hostname or self.base_url})"
        if parts.path != CONFIRMATION_PATH or parts.username or parts.password:
            return f"not Apidae's export confirmation ({CONFIRMATION_PATH})"
        return None

    def confirm_export(self, url: str) -> None:
        """Tells Apidae an export was consumed (GET, as the official PHP client does). Errors
        name the host only: the URL carries the export's hash. A URL that is not Apidae's
        confirmation is refused (ConfirmationRefused), never fetched."""
        if problem := self.confirmation_problem(url):
            raise ConfirmationRefused("apidae", "export confirmation", f"urlConfirmation refused: {problem}")
        parts = urlsplit(url)
        where = f"export confirmation at {parts.scheme}://{parts.hostname}"
        with build_session(self.retries, self.backoff_factor) as session:
            try:
                response = session.get(url, timeout=self.timeout_s)
            except requests.RequestException as exc:
                raise SourceError("apidae", where, f"request failed after retries ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise SourceError("apidae", where, f"HTTP {response.status_code}")

    def _served_url(self) -> AbstractContextManager[str]:
        def serve():
            from t82_pipeline.demo.apidae_server import serve_objects

            return serve_objects(Path(self.samples_file), self.api_key)

        return api_base_url("apidae", self.base_url, Path(self.samples_file), "T82_APIDAE_BASE_URL", serve)


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "apidae": ApidaeResource.from_settings(s, api_key=secret("T82_APIDAE_API_KEY", s.apidae_api_key)),
        "apidae_export_drop": drop_folder(s, s.apidae_export_drop_dir),
        "tif_drop": drop_folder(s, s.tif_drop_dir),
    }
