from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.fairguest.client import SOURCE, FairguestClient
from t82_pipeline.lib.http import build_session
from t82_pipeline.lib.json_api import BearerJsonApi
from t82_pipeline.lib.resources import drop_folder, secret
from t82_pipeline.lib.settings import Settings
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
            api = BearerJsonApi(SOURCE, url, self.token, session, self.timeout_s, self.retries)
            yield FairguestClient(api, self.group_id)

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
    # Where a provider asks to stop receiving reports (List-Unsubscribe): a mailbox someone reads.
    unsubscribe_address: str = ""


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "fairguest": FairguestResource(
            base_url=s.fairguest_base_url,
            group_id=s.fairguest_group_id,
            token=secret("T82_FAIRGUEST_TOKEN", s.fairguest_token),
            retries=s.http_retries,
            timeout_s=s.http_timeout_s,
            samples_dir=str(s.samples_dir / "fairguest"),
        ),
        "fairguest_drop": drop_folder(s, s.fairguest_drop_dir),
        "provider_reports": ProviderReportsTarget(
            ledger_path=str(s.state_dir / "report_ledger.duckdb"),
            output_dir=str(s.reports_dir / "fairguest"),
            link_template=s.fairguest_report_link,
            unsubscribe_address=s.unsubscribe_email,
        ),
    }
