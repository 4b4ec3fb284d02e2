"""A local stand-in for Fairguest serving the generated data in the shapes of client.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from t82_pipeline.demo.sit_generator import REFERENCE_DATE


def weighted_ratings(reviews: list[dict]) -> dict[int, dict]:
    """Fairguest-like rating: mean /10 of the last 36 months, valid from 10 reviews."""
    since = (datetime.combine(REFERENCE_DATE, datetime.min.time()) - timedelta(days=3 * 365)).isoformat()
    per_sheet: dict[int, list[float]] = {}
    for r in reviews:
        if r["published_at"] >= since:
            per_sheet.setdefault(r["sheet_id"], []).append(r["rating"] / r["rating_scale"] * 10)
    return {sid: {"weighted_rating": round(sum(v) / len(v), 2), "weighted_rating_is_valid": len(v) >= 10}
            for sid, v in per_sheet.items()}


@contextmanager
def serve_fairguest(folder: Path, token: str) -> Iterator[str]:
    establishments = json.loads((folder / "establishments.json").read_text(encoding="utf-8"))
    reviews = sorted((json.loads(line) for line in (folder / "reviews.ndjson").read_text(encoding="utf-8").splitlines()),
                     key=lambda r: (r["published_at"], r["review_id"]))
    ratings = weighted_ratings(reviews)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, payload: object, status: int = 200) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url, q = urlparse(self.path), parse_qs(urlparse(self.path).query)
            if self.headers.get("Authorization") != f"Bearer {token}":
                return self._json({"error": "unauthorized"}, 401)
            if url.path.endswith("/fairguest-ratings"):
                ids = [int(i) for i in q.get("ids", [""])[0].split(",") if i]
                return self._json({str(i): ratings[i] for i in ids if i in ratings})
            if url.path.endswith("/sheets"):
                return self._json(establishments)
            if url.path.endswith("/reviews"):
                since = q.get("since", [""])[0]
                page, size = int(q.get("page", ["1"])[0]), int(q.get("size", ["500"])[0])
                selected = [r for r in reviews if r["published_at"] > since]
                return self._json({"total": len(selected), "page": page, "reviews": selected[(page - 1) * size: page * size]})
            self._json({"error": "not found"}, 404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
