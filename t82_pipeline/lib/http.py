"""HTTP session with retries, and errors that name the source without leaking secrets."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
# A server may ask to wait (Retry-After); beyond this the night would stall on one source.
MAX_RETRY_AFTER_S = 120.0


class CappedRetry(Retry):
    """urllib3's Retry, with the server's Retry-After capped."""

    def get_retry_after(self, response):  # noqa: ANN001, ANN201 - urllib3's signature
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER_S)


class SourceError(RuntimeError):
    """A source failed in a way a data engineer must read: names source, request, problem."""

    def __init__(self, source: str, where: str, problem: str):
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"[{source}] {where}: {problem}")


class UnparseableBody(SourceError):
    """An HTTP 200 whose body does not parse (cut by a gateway or proxy): worth another try."""


T = TypeVar("T")


def retry_unparseable(attempt: Callable[[], T], retries: int, backoff_s: float) -> T:
    """``attempt()`` again, with exponential backoff, while it raises UnparseableBody: a truncated
    200 is treated like a 5xx. The last error is raised when the retries are spent."""
    for n in range(retries + 1):
        try:
            return attempt()
        except UnparseableBody:
            if n == retries:
                raise
            time.sleep(min(backoff_s * 2**n, 60))
    raise AssertionError("unreachable")


def build_session(retries: int, backoff_factor: float = 1.0) -> requests.Session:
    """Retries connection errors, timeouts, 429 and 5xx with exponential backoff.

    urllib3 honours ``Retry-After`` on 429/503 (capped); POST is retried too because every source call
    t82 makes is a read (Apidae searches are POSTed only to keep the key out of URLs and logs).
    """
    retry = CappedRetry(
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
