"""Client of the Apidae API v002 search endpoint (``recherche/list-objets-touristiques``).

Real behaviour it handles (docs/architecture.md §4): credentials travel inside the
``query`` JSON; pages of at most 200 by ``first``/``count`` with a stable ``order``; the
``objetsTouristiques`` key is absent when ``numFound`` is 0; errors are plain-text bodies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

import requests

from t82_pipeline.lib.http import SourceError, UnparseableBody, body_excerpt, redact, retry_unparseable
from t82_pipeline.lib.json_codec import load_json

SEARCH_PATH = "/api/v002/recherche/list-objets-touristiques"
SOURCE = "apidae"
# The delta pull lists the project with only these fields (pages of a few kilobytes), then asks
# for the changed objects by id, at most MAX_IDS per request.
LISTING_FIELDS = ("id", "gestion.dateModification")
MAX_IDS = 200


@dataclass
class ApidaePage:
    first: int
    num_found: int
    objects: list[dict]
    query_echo: dict


@dataclass
class ApidaeClient:
    base_url: str
    api_key: str
    project_id: str
    session: requests.Session
    selection_ids: tuple[int, ...] = ()
    page_size: int = 200
    timeout_s: float = 30.0
    response_fields: tuple[str, ...] = ("@all",)
    locales: tuple[str, ...] = ("fr", "en")
    retries: int = 4  # for bodies that do not parse (HTTP errors are retried by the session)
    backoff_s: float = 1.0

    def query(self, first: int, fields: tuple[str, ...] = (), ids: tuple[int, ...] = ()) -> dict:
        q = {
            "apiKey": self.api_key,
            "projetId": self.project_id,
            "first": first,
            "count": len(ids) if ids else self.page_size,
            # IDENTIFIANT keeps pages disjoint while we walk them.
            "order": "IDENTIFIANT",
            "asc": True,
            "responseFields": list(fields or self.response_fields),
            "locales": list(self.locales),
        }
        if self.selection_ids:
            q["selectionIds"] = list(self.selection_ids)
        if ids:
            q["identifiants"] = list(ids)
        return q

    def where(self, first: int, ids: tuple[int, ...] = ()) -> str:
        if ids:
            return f"{SEARCH_PATH} identifiants={ids[0]}…{ids[-1]} ({len(ids)} ids)"
        return f"{SEARCH_PATH} first={first} count={self.page_size}"

    def fetch_body(self, first: int, fields: tuple[str, ...] = (), ids: tuple[int, ...] = ()) -> bytes:
        """One page's body as received (checked for HTTP errors, not parsed)."""
        try:
            response = self.session.post(
                self.base_url + SEARCH_PATH,
                data={"query": json.dumps(self.query(first, fields, ids))},
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise SourceError(
                SOURCE, self.where(first, ids), redact(f"request failed after retries: {exc}", self.api_key)
            ) from None
        if response.status_code != 200:
            raise SourceError(
                SOURCE,
                self.where(first, ids),
                redact(f"HTTP {response.status_code}: {body_excerpt(response)}", self.api_key),
            )
        return response.content

    def parse_page(self, first: int, body: bytes) -> ApidaePage:
        try:
            payload = load_json(body)
        except ValueError:
            raise UnparseableBody(SOURCE, self.where(first), not_json(body)) from None
        if not isinstance(payload, dict) or "numFound" not in payload:
            raise SourceError(SOURCE, self.where(first), "unexpected envelope: no numFound (schema changed?)")
        echo = {k: v for k, v in payload.get("query", {}).items() if k != "apiKey"}
        return ApidaePage(
            first=first,
            num_found=int(payload["numFound"]),
            objects=payload.get("objetsTouristiques", []),
            query_echo=echo,
        )

    def fetch_page(self, first: int) -> ApidaePage:
        return retry_unparseable(lambda: self.parse_page(first, self.fetch_body(first)), self.retries, self.backoff_s)

    def fetch_head(self) -> tuple[bytes, ApidaePage]:
        """The first page, as received and parsed (its numFound says how many pages follow)."""

        def attempt() -> tuple[bytes, ApidaePage]:
            body = self.fetch_body(0)
            return body, self.parse_page(0, body)

        return retry_unparseable(attempt, self.retries, self.backoff_s)

    def list_modifications(self) -> dict[int, str | None]:
        """id → gestion.dateModification of every object of the project (small pages). A listing
        that does not account for every object numFound announces (a server paging fewer than
        asked is followed page by page; an unreadable id, a repeated one, a count that moved) is
        refused: an object missing from it would be recorded as deleted."""
        listed: dict[int, str | None] = {}
        first, total, announced = 0, 1, None
        while first < total:
            page = retry_unparseable(
                partial(lambda f: self.parse_page(f, self.fetch_body(f, LISTING_FIELDS)), first),
                self.retries,
                self.backoff_s,
            )
            announced = page.num_found if announced is None else announced
            if page.num_found != announced:
                raise SourceError(SOURCE, self.where(first), f"numFound moved from {announced} to {page.num_found} "
                                  "while listing: listing refused, nothing recorded as deleted")  # fmt: skip
            if page.num_found and not page.objects:
                raise SourceError(SOURCE, self.where(first), f"an empty page before the {page.num_found} "
                                  "objects announced: listing refused, nothing recorded as deleted")  # fmt: skip
            for n, obj in enumerate(page.objects):
                object_id = obj.get("id") if isinstance(obj, dict) else None
                if not isinstance(object_id, int) or isinstance(object_id, bool) or object_id in listed:
                    problem = "repeated" if object_id in listed else "unreadable"
                    raise SourceError(SOURCE, f"{self.where(first)} item {n}", f"{problem} id {str(object_id)[:40]!r}: "
                                      "listing refused, nothing recorded as deleted")  # fmt: skip
                gestion = obj.get("gestion") if isinstance(obj.get("gestion"), dict) else {}
                listed[object_id] = gestion.get("dateModification")
            # Follow what the server gave: one capping pages below `count` loses nothing.
            total, first = page.num_found, first + len(page.objects)
        return listed


def not_json(body: bytes) -> str:
    return f"response is not valid JSON (truncated body?), {len(body)} bytes received"
