"""The local stand-ins for vendor APIs (embedded default, tests): a JSON server on loopback."""

from __future__ import annotations

import bisect
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from t82_pipeline.lib.json_codec import load_json

# (path, query, headers) → (status, JSON payload, or a body already encoded)
Route = Callable[[str, dict[str, list[str]], dict[str, str]], tuple[int, object]]


@contextmanager
def serve_json(route: Route) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            status, payload = route(url.path, parse_qs(url.query), dict(self.headers))
            body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
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


class SortedNdjson:
    """An NDJSON file served in the order of ``key`` (a tuple whose first item is what ``since``
    compares with), as a database index would: pages are found by bisection and read from disk.
    Only keys and line offsets stay in memory; a region's contacts held as dicts took gigabytes,
    and a scan per page grew with the square of their number. ``visit`` sees each row once."""

    def __init__(self, path: Path, key: Callable[[dict], tuple], visit: Callable[[dict], None] | None = None):
        entries, offset = [], 0
        with open(path, "rb") as f:
            for line in f:
                row = load_json(line)  # orjson: the index of a region's contacts is built in seconds
                if visit:
                    visit(row)
                entries.append((key(row), offset, len(line)))
                offset += len(line)
        entries.sort()
        self.keys = [k[0] for k, _, _ in entries]
        self.spans = [(o, n) for _, o, n in entries]
        self.fd = os.open(path, os.O_RDONLY)  # pread: safe from the server's threads

    def close(self) -> None:
        os.close(self.fd)

    def page_after(self, since: str, page: int, size: int) -> tuple[int, list[bytes]]:
        """How many rows come after ``since``, and the ``page``-th page of them (raw JSON)."""
        start = bisect.bisect_right(self.keys, since)
        offset = start + (page - 1) * size
        return len(self.keys) - start, [os.pread(self.fd, n, o).rstrip() for o, n in self.spans[offset : offset + size]]


def json_with_rows(rows_field: str, rows: list[bytes], **fields: object) -> bytes:
    """A JSON object of ``fields`` plus ``rows_field``: the raw rows, not decoded and re-encoded."""
    head = json.dumps(fields, ensure_ascii=False)[:-1] + (", " if fields else "")
    return head.encode() + f'"{rows_field}": ['.encode() + b",".join(rows) + b"]}"
