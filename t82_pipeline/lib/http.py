"""HTTP session with retries, and errors that name the source without leaking secrets."""

from __future__ import annotations

import re

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)


class SourceError(RuntimeError):
    """A source failed in a way a data engineer must read: names source, request, problem."""

    def __init__(self, source: str, where: str, problem: str):
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"[{source}] {where}: {problem}")


def build_session(retries: int, backoff_factor: float = 1.0) -> requests.Session:
    """Retries connection errors, timeouts, 429 and 5xx with exponential backoff.

    urllib3 honours ``Retry-After`` on 429/503; POST is retried too because every source call
    t82 makes is a read (Apidae searches are POSTed only to keep the key out of URLs and logs).
    """
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_factor,
        backoff_max=60,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST", "PUT"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "t82-pipeline (Tarn-et-Garonne Tourisme)"
    return session


def redact(text: str, *secrets: str) -> str:
    """Removes secret values, and anything shaped like ``apiKey=...``, from a message."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return re.sub(r'("?apiKey"?\s*[:=]\s*"?)[^"&,\s}]+', r"\1***", text)


def body_excerpt(response: requests.Response, limit: int = 300) -> str:
    return response.text[:limit].replace("\n", " ").strip()
