"""A local stand-in for Nurtik serving the generated data in the shapes of defs/nurtik/client.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from t82_pipeline.demo.local_server import SortedNdjson, json_with_rows, serve_json


@contextmanager
def serve_nurtik(folder: Path, token: str) -> Iterator[str]:
    def load(name: str, key: str) -> SortedNdjson:
        return SortedNdjson(folder / name, lambda r: (r[key], r.get("contact_id", ""), r.get("event_id", "")))

    data = {
        "/v1/contacts": (load("contacts.ndjson", "updated_at"), "updated_since"),
        "/v1/events": (load("events.ndjson", "occurred_at"), "since"),
    }

    def route(path: str, q: dict, headers: dict) -> tuple[int, object]:
        if headers.get("Authorization") != f"Bearer {token}":
            return 401, {"error": "unauthorized"}
        if path not in data:
            return 404, {"error": "not found"}
        rows, param = data[path]
        page = int(q.get("page", ["1"])[0])
        total, selected = rows.page_after(q.get(param, [""])[0], page, int(q.get("per_page", ["1000"])[0]))
        return 200, json_with_rows("data", selected, meta={"total": total, "page": page})

    try:
        with serve_json(route) as url:
            yield url
    finally:
        for rows, _ in data.values():
            rows.close()
