from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.nurtik.client import NurtikClient
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.settings import DEMO_CONTACT_KEY_SECRET, EMBEDDED


class NurtikResource(dg.ConfigurableResource):
    """Nurtik's API (shape assumed, see client.py); ``base_url="embedded"`` serves the generated sample data locally."""

    base_url: str
    token: str
    contact_key_secret: str  # keyed hash of e-mails; from T82_CONTACT_KEY_SECRET, never logged
    retries: int = 4
    timeout_s: float = 30.0
    samples_dir: str = ""

    @contextmanager
    def client(self) -> Iterator[NurtikClient]:
        if self.base_url != EMBEDDED and self.contact_key_secret == DEMO_CONTACT_KEY_SECRET:
            raise SourceError(
                "nurtik", "settings", "T82_CONTACT_KEY_SECRET must be set for real contacts (the demo secret is public)"
            )
        with build_session(self.retries) as session, self._served_url() as url:
            yield NurtikClient(url, self.token, session, self.timeout_s, retries=self.retries)

    @contextmanager
    def _served_url(self) -> Iterator[str]:
        if self.base_url != EMBEDDED:
            yield self.base_url.rstrip("/")
            return
        from t82_pipeline.demo.nurtik_server import serve_nurtik

        if not (Path(self.samples_dir) / "contacts.ndjson").exists():
            raise SourceError(
                "nurtik",
                "embedded",
                f"no sample data in {self.samples_dir}: run "
                "`python -m t82_pipeline.demo.generate`, or set T82_NURTIK_BASE_URL",
            )
        with serve_nurtik(Path(self.samples_dir), self.token) as url:
            yield url
