from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.nurtik.client import SOURCE, NurtikClient
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.json_api import BearerJsonApi
from t82_pipeline.lib.resources import drop_folder, secret
from t82_pipeline.lib.settings import DEMO_CONTACT_KEY_SECRET, EMBEDDED, Settings
from t82_pipeline.lib.stand_in import api_base_url


class NurtikResource(dg.ConfigurableResource):
    """Nurtik's API (shape assumed, see client.py); ``base_url="embedded"`` serves the generated sample data locally."""

    base_url: str
    token: str
    contact_key_secret: str  # keyed hash of e-mails; from T82_CONTACT_KEY_SECRET, never logged
    retries: int = 4
    timeout_s: float = 30.0
    samples_dir: str = ""
    full_pull_days: int = 7  # the whole contact list when the last full pull is this old (deletions)

    @contextmanager
    def client(self) -> Iterator[NurtikClient]:
        if self.base_url != EMBEDDED and self.contact_key_secret == DEMO_CONTACT_KEY_SECRET:
            raise SourceError(
                "nurtik", "settings", "T82_CONTACT_KEY_SECRET must be set for real contacts (the demo secret is public)"
            )
        with build_session(self.retries) as session, self._served_url() as url:
            yield NurtikClient(BearerJsonApi(SOURCE, url, self.token, session, self.timeout_s, self.retries))

    def _served_url(self) -> AbstractContextManager[str]:
        def serve():
            from t82_pipeline.demo.nurtik_server import serve_nurtik

            return serve_nurtik(Path(self.samples_dir), self.token)

        sample = Path(self.samples_dir) / "contacts.ndjson"
        return api_base_url("nurtik", self.base_url, sample, "T82_NURTIK_BASE_URL", serve)


class SegmentExportTarget(dg.ConfigurableResource):
    folder: str


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "nurtik": NurtikResource(
            base_url=s.nurtik_base_url,
            token=secret("T82_NURTIK_TOKEN", s.nurtik_token),
            contact_key_secret=secret("T82_CONTACT_KEY_SECRET", s.contact_key_secret),
            retries=s.http_retries,
            timeout_s=s.http_timeout_s,
            samples_dir=str(s.samples_dir / "nurtik"),
            full_pull_days=s.nurtik_full_pull_days,
        ),
        "nurtik_drop": drop_folder(s, s.nurtik_drop_dir),
        "nurtik_erasure_requests": drop_folder(s, s.nurtik_erasure_dir),
        "segment_exports": SegmentExportTarget(folder=str(s.segments_dir)),
    }
