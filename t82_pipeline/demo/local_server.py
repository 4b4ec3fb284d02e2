"""The local stand-ins for vendor APIs (embedded default, tests): a JSON server on loopback."""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# (path, query, headers) → (status, JSON payload)
Route = Callable[[str, dict[str, list[str]], dict[str, str]], tuple[int, object]]


@contextmanager
def serve_json(route: Route) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            status, payload = route(url.path, parse_qs(url.query), dict(self.headers))
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def page_after(rows: list[dict], keys: list[str], since: str, page: int, size: int) -> tuple[int, list[dict]]:
    """How many rows come after ``since`` and the ``page``-th page of them, ``rows`` being sorted
    by ``keys``: found by bisection, as a database index would (a region's contacts and events
    come in hundreds of pages; a scan per page grew with their square)."""
    start = bisect.bisect_right(keys, since)
    offset = start + (page - 1) * size
    return len(rows) - start, rows[offset:offset + size]
