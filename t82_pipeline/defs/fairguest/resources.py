from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.fairguest.client import FairguestClient
from t82_pipeline.lib.http import build_session
from t82_pipeline.lib.stand_in import api_base_url


class FairguestResource(dg.ConfigurableResource):
    """Fairguest's API; ``base_url="embedded"`` serves the generated sample data locally."""

    base_url: str
    group_id: str
    token: str
    retries: int = 4
    timeout_s: float = 30.0
    samples_dir: str = ""

    @contextmanager
    def client(self) -> Iterator[FairguestClient]:
        with build_session(self.retries) as session, self._served_url() as url:
            yield FairguestClient(url, self.group_id, self.token, session, self.timeout_s, retries=self.retries)

    def _served_url(self) -> AbstractContextManager[str]:
        def serve():
            from t82_pipeline.demo.fairguest_server import serve_fairguest

            return serve_fairguest(Path(self.samples_dir), self.token)

        sample = Path(self.samples_dir) / "establishments.json"
        return api_base_url("fairguest", self.base_url, sample, "T82_FAIRGUEST_BASE_URL", serve)


class ProviderReportsTarget(dg.ConfigurableResource):
    """Where provider reports go and what was sent (the marts are read through ``warehouse``)."""

    ledger_path: str
    output_dir: str
    link_template: str = "https://www.fairguest.com/?idFiche={sheet_id}"
