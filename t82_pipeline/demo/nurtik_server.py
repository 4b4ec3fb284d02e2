"""A local stand-in for Nurtik serving the generated data in the shapes of defs/nurtik/client.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from t82_pipeline.demo.local_server import page_after, serve_json


@contextmanager
def serve_nurtik(folder: Path, token: str) -> Iterator[str]:
    def load(name: str, key: str) -> list[dict]:
        rows = [json.loads(line) for line in (folder / name).read_text(encoding="utf-8").splitlines()]
        return sorted(rows, key=lambda r: (r[key], r.get("contact_id", ""), r.get("event_id", "")))

    contacts, events = load("contacts.ndjson", "updated_at"), load("events.ndjson", "occurred_at")
    data = {"/v1/contacts": (contacts, [r["updated_at"] for r in contacts], "updated_since"),
            "/v1/events": (events, [r["occurred_at"] for r in events], "since")}

    def route(path: str, q: dict, headers: dict) -> tuple[int, object]:
        if headers.get("Authorization") != f"Bearer {token}":
            return 401, {"error": "unauthorized"}
        if path not in data:
            return 404, {"error": "not found"}
        rows, keys, param = data[path]
        page = int(q.get("page", ["1"])[0])
        total, selected = page_after(rows, keys, q.get(param, [""])[0], page, int(q.get("per_page", ["1000"])[0]))
        return 200, {"data": selected, "meta": {"total": total, "page": page}}

    with serve_json(route) as url:
        yield url
