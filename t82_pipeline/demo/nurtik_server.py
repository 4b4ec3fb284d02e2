"""A local stand-in for Nurtik serving the generated data in the shapes of defs/nurtik/client.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from t82_pipeline.demo.local_server import SortedNdjson, json_with_rows, serve_json


@contextmanager
def serve_nurtik(folder: Path, token: str) -> Iterator[str]:
    # Each file is indexed when its path is first asked for: a client pulling contacts does not
    # wait for the events' index, and the other way round.
    files = {
        "/v1/contacts": ("contacts.ndjson", "updated_at", "updated_since"),
        "/v1/events": ("events.ndjson", "occurred_at", "since"),
    }
    loaded: dict[str, SortedNdjson] = {}
    lock = threading.Lock()

    def rows_of(path: str) -> SortedNdjson:
        name, key, _ = files[path]
        with lock:  # the server answers from several threads
            if path not in loaded:
                loaded[path] = SortedNdjson(
                    folder / name, lambda r: (r[key], r.get("contact_id", ""), r.get("event_id", ""))
                )
            return loaded[path]

    def route(path: str, q: dict, headers: dict) -> tuple[int, object]:
        if headers.get("Authorization") != f"Bearer {token}":
            return 401, {"error": "unauthorized"}
        if path not in files:
            return 404, {"error": "not found"}
        rows, param = rows_of(path), files[path][2]
        page = int(q.get("page", ["1"])[0])
        total, selected = rows.page_after(q.get(param, [""])[0], page, int(q.get("per_page", ["1000"])[0]))
        return 200, json_with_rows("data", selected, meta={"total": total, "page": page})

    try:
        with serve_json(route) as url:
            yield url
    finally:
        for rows in loaded.values():
            rows.close()
