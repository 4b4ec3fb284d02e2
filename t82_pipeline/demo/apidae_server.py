"""A local stand-in for the Apidae API, serving generated objects over real HTTP.

It answers ``POST|GET /api/v002/recherche/list-objets-touristiques`` like Apidae does
(envelope with ``query`` echo, ``numFound``, ``objetsTouristiques`` omitted when empty, plain
text errors; ``responseFields`` keeps only the paths asked for, ``identifiants`` restricts the
search to those ids), so the embedded default runs the production client code unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SEARCH_PATH = "/api/v002/recherche/list-objets-touristiques"


def _project(obj: dict, fields: list[str]) -> dict:
    """Only the dotted paths asked for; absent or empty fields are omitted, as Apidae does."""
    out: dict = {}
    for field in fields:
        source, target, parts = obj, out, field.split(".")
        for i, part in enumerate(parts):
            if not isinstance(source, dict) or part not in source:
                break
            source = source[part]
            if i == len(parts) - 1:
                target[part] = source
            else:
                target = target.setdefault(part, {})
    return out


def _handler(objects: list[bytes], api_key: str, max_count: int = 200) -> type[BaseHTTPRequestHandler]:
    ids = [json.loads(line)["id"] for line in objects]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test and job logs quiet
            pass

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _search(self, params: dict[str, list[str]]) -> None:
            try:
                query = json.loads(params["query"][0])
            except (KeyError, ValueError):
                return self._reply(404, b"Parametre query absent ou invalide", "text/plain")
            if query.get("apiKey") != api_key:
                return self._reply(404, b"Cle d'API ou projet invalide", "text/plain")
            first, count = int(query.get("first", 0)), min(int(query.get("count", 20)), max_count)
            found = range(len(objects))
            if wanted := set(query.get("identifiants") or ()):
                found = [i for i in found if ids[i] in wanted]
            page = [objects[i] for i in found[first : first + count]]
            fields = query.get("responseFields") or ["@all"]
            if "@all" not in fields:
                page = [json.dumps(_project(json.loads(line), fields)).encode() for line in page]
            echo = json.dumps({**query, "searchFields": "NOM_DESCRIPTION_CRITERES"}).encode()
            body = b'{"query":' + echo + b',"numFound":' + str(len(found)).encode()
            if page:
                body += b',"objetsTouristiques":[' + b",".join(page) + b"]"
            body += b',"formatVersion":"v002"}'
            self._reply(200, body, "application/json;charset=UTF-8")

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path != SEARCH_PATH:
                return self._reply(404, b"Not found", "text/plain")
            self._search(parse_qs(url.query))

        def do_POST(self) -> None:
            if urlparse(self.path).path != SEARCH_PATH:
                return self._reply(404, b"Not found", "text/plain")
            length = int(self.headers.get("Content-Length", 0))
            self._search(parse_qs(self.rfile.read(length).decode()))

    return Handler


@contextmanager
def serve_objects(ndjson_path: Path, api_key: str, max_count: int = 200) -> Iterator[str]:
    """Serves the objects on 127.0.0.1 (a free port) for the duration of the block, pages of at
    most ``max_count`` objects whatever ``count`` asks (Apidae's most is 200)."""
    lines = [line for line in ndjson_path.read_bytes().splitlines() if line.strip()]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lines, api_key, max_count))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
