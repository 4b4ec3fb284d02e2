"""Helpers for tests that start real server processes."""

import socket
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout_s: float, what: str, logs: list[Path] = (), poll_s: float = 2.0, details=None):
    """``predicate()``'s first truthy value; on time-out, fails with the tail of each log and
    ``details()`` (a browser's console, say)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll_s)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}:\n{tails}{details() if details else ''}")
