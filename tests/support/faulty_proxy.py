"""A real HTTP proxy on loopback in front of a vendor stand-in, which misbehaves on request:
cuts a page's body (an HTTP 200 that is not whole JSON, as gateways do) or answers 503."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests


@dataclass
class Faults:
    truncate_once: set[int] = field(default_factory=set)  # Apidae `first` values cut on their first request
    truncate_always: bool = False
    down: bool = False
    requests: list[int] = field(default_factory=list)  # the `first` of every search request seen


def _first(body: bytes) -> int:
    try:
        return int(json.loads(parse_qs(body.decode())["query"][0]).get("first", 0))
    except (KeyError, ValueError):
        return -1


@contextmanager
def faulty_proxy(upstream: str) -> Iterator[tuple[str, Faults]]:
    faults = Faults()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _forward(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            first = _first(body)
            faults.requests.append(first)
            if faults.down:
                return self._reply(503, b"Service temporairement indisponible", "text/plain")
            answer = requests.request(
                method,
                upstream + self.path,
                data=body,
                timeout=30,
                headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
            )
            content = answer.content
            if answer.status_code == 200 and (faults.truncate_always or first in faults.truncate_once):
                faults.truncate_once.discard(first)
                content = content[: len(content) // 2]
            self._reply(answer.status_code, content, answer.headers.get("Content-Type", "application/json"))

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._forward("GET")

        def do_POST(self) -> None:
            self._forward("POST")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", faults
    finally:
        server.shutdown()
        server.server_close()
