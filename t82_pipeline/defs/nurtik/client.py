"""Nurtik (Raccourci's CRM and e-mailing tool) behind one client. Nurtik publishes no API
documentation: the shape below is ASSUMED (docs/architecture.md §4, modelled
on Brevo/Mailchimp/Mautic) and must be confirmed with Raccourci. Change it here, and only here:
- ``GET /v1/contacts?updated_since=&page=&per_page=`` → ``{"data": [contact…], "meta": {"total"}}``;
  a contact embeds its consent history (``consents``) and interests;
- ``GET /v1/events?since=&page=&per_page=`` → the same envelope of activity events
  (open, click, form_submit, booking, unsubscribe…);
- bearer token auth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from t82_pipeline.lib.http import SourceError, retry_unparseable
from t82_pipeline.lib.json_api import BearerJsonApi

SOURCE = "nurtik"


@dataclass
class NurtikClient:
    # Base URL, token, session with retries (lib/json_api.py). Its retries of bodies that do not
    # parse apply to whole pages below: a page that parses with the wrong shape is not retried.
    api: BearerJsonApi
    per_page: int = 1000

    def _page(self, path: str, params: dict, page: int) -> tuple[list, int | None]:
        where = f"{path} page {page}"
        payload = self.api.get_once(path, {**params, "page": page, "per_page": self.per_page}, where)
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            raise SourceError(SOURCE, where, 'unexpected payload: {"data": [...], "meta": {...}} expected')
        meta = payload.get("meta") if isinstance(payload.get("meta"), dict) else {}
        total = meta.get("total")
        return payload["data"], total if isinstance(total, int) and not isinstance(total, bool) else None

    def _pages(self, path: str, params: dict) -> Iterator[dict]:
        """Pages until ``meta.total`` rows came, or an empty page: a server that caps its page size
        below ``per_page`` sends short pages that are not the last one."""
        page, received = 1, 0
        while True:
            data, total = retry_unparseable(
                lambda n=page: self._page(path, params, n), self.api.retries, self.api.backoff_s
            )
            yield from data
            received += len(data)
            if not data or (total is not None and received >= total) or (total is None and len(data) < self.per_page):
                return
            page += 1

    def contacts(self, updated_since: str | None) -> Iterator[dict]:
        return self._pages("/v1/contacts", {"updated_since": updated_since} if updated_since else {})

    def events(self, since: str | None) -> Iterator[dict]:
        return self._pages("/v1/events", {"since": since} if since else {})
