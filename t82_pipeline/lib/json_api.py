"""A JSON API read with a bearer token (Fairguest's and Nurtik's): one GET that names the source
and the request in its errors, keeps the token out of them, and tries again a body cut short."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from t82_pipeline.lib.http import SourceError, UnparseableBody, body_excerpt, redact, retry_unparseable
from t82_pipeline.lib.json_codec import load_json


@dataclass
class BearerJsonApi:
    source: str
    base_url: str
    token: str
    session: requests.Session  # retries connection errors, 429 and 5xx (lib/http.build_session)
    timeout_s: float = 30.0
    retries: int = 4  # for bodies that do not parse
    backoff_s: float = 1.0

    def get(self, path: str, params: dict, where: str) -> object:
        """The decoded JSON of ``GET base_url + path``; ``where`` names the request in errors."""
        return retry_unparseable(lambda: self.get_once(path, params, where), self.retries, self.backoff_s)

    def get_once(self, path: str, params: dict, where: str) -> object:
        """One try (a caller that retries more than the body, a whole page, calls this)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.session.get(self.base_url + path, params=params, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise SourceError(self.source, where, redact(f"request failed after retries: {exc}", self.token)) from None
        if response.status_code != 200:
            problem = f"HTTP {response.status_code}: {body_excerpt(response)}"
            raise SourceError(self.source, where, redact(problem, self.token))
        try:
            return load_json(response.content)
        except ValueError:
            raise UnparseableBody(self.source, where, "response is not valid JSON (truncated body?)") from None
