"""A local stand-in for Nurtik serving the generated data in the shapes of defs/nurtik/client.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from t82_pipeline.demo.local_server import serve_json


@contextmanager
def serve_nurtik(folder: Path, token: str) -> Iterator[str]:
    def load(name: str, key: str) -> list[dict]:
        rows = [json.loads(line) for line in (folder / name).read_text(encoding="utf-8").splitlines()]
        return sorted(rows, key=lambda r: (r[key], r.get("contact_id", ""), r.get("event_id", "")))

    data = {"/v1/contacts": (load("contacts.ndjson", "updated_at"), "updated_since", "updated_at"),
            "/v1/events": (load("events.ndjson", "occurred_at"), "since", "occurred_at")}

    def route(path: str, q: dict, headers: dict) -> tuple[int, object]:
        if headers.get("Authorization") != f"Bearer {token}":
            return 401, {"error": "unauthorized"}
        if path not in data:
            return 404, {"error": "not found"}
        rows, param, field = data[path]
        since = q.get(param, [""])[0]
        page, size = int(q.get("page", ["1"])[0]), int(q.get("per_page", ["1000"])[0])
        selected = [r for r in rows if r[field] > since]
        return 200, {"data": selected[(page - 1) * size: page * size], "meta": {"total": len(selected), "page": page}}

    with serve_json(route) as url:
        yield url
