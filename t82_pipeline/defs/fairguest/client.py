"""Fairguest (Raccourci) behind one client. Fairguest publishes no API documentation:
- OBSERVED (Woody front-end code): ``GET /v2/fairguest/sheets/fairguest-ratings?ids=<csv>&fairguestGroup=<id>``
  → ``{"<sheet id>": {"weighted_rating": 8.4, "weighted_rating_is_valid": true}}``, ratings /10;
- ASSUMED (docs/architecture.md §4, to confirm with Raccourci):
  ``GET /v2/fairguest/groups/{group}/sheets`` → the group's establishments, and
  ``GET /v2/fairguest/groups/{group}/reviews?since=&page=&size=`` → ``{"total", "page", "reviews": [...]}``,
  bearer token auth. Change these paths here, and only here, when the real API is known.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.json_api import BearerJsonApi

SOURCE = "fairguest"
RATINGS_PATH = "/v2/fairguest/sheets/fairguest-ratings"


@dataclass
class FairguestClient:
    api: BearerJsonApi  # base URL, token, session with retries (lib/json_api.py)
    group_id: str
    page_size: int = 500

    def _get(self, path: str, params: dict) -> object:
        return self.api.get(path, params, f"{path} {params.get('page', '')}".strip())

    def establishments(self) -> list[dict]:
        payload = self._get(f"/v2/fairguest/groups/{self.group_id}/sheets", {})
        if not isinstance(payload, list):
            raise SourceError(SOURCE, "sheets", "unexpected payload: a list of establishments was expected")
        return payload

    def ratings(self, sheet_ids: list[int], batch: int = 100) -> Iterator[tuple[int, dict]]:
        for start in range(0, len(sheet_ids), batch):
            ids = sheet_ids[start : start + batch]
            payload = self._get(RATINGS_PATH, {"ids": ",".join(map(str, ids)), "fairguestGroup": self.group_id})
            for key, value in payload.items():
                yield int(key), value

    def reviews(self, since: str | None) -> Iterator[dict]:
        page = 1
        while True:
            params = {"page": page, "size": self.page_size, **({"since": since} if since else {})}
            payload = self._get(f"/v2/fairguest/groups/{self.group_id}/reviews", params)
            if not isinstance(payload, dict) or "reviews" not in payload:
                raise SourceError(SOURCE, f"reviews page {page}", "unexpected envelope: no 'reviews' (schema changed?)")
            yield from payload["reviews"]
            if page * self.page_size >= int(payload.get("total", 0)) or not payload["reviews"]:
                return
            page += 1
