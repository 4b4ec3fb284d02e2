from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.fairguest.client import FairguestClient
from t82_pipeline.lib.http import build_session
from t82_pipeline.lib.settings import EMBEDDED


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

    @contextmanager
    def _served_url(self) -> Iterator[str]:
        if self.base_url != EMBEDDED:
            yield self.base_url.rstrip("/")
            return
        from t82_pipeline.demo.fairguest_server import serve_fairguest
        from t82_pipeline.lib.http import SourceError

        if not (Path(self.samples_dir) / "establishments.json").exists():
            raise SourceError(
                "fairguest",
                "embedded",
                f"no sample data in {self.samples_dir}: run "
                "`python -m t82_pipeline.demo.generate`, or set T82_FAIRGUEST_BASE_URL",
            )
        with serve_fairguest(Path(self.samples_dir), self.token) as url:
            yield url
