"""A local stand-in for Fairguest serving the generated data in the shapes of client.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from t82_pipeline.demo.local_server import SortedNdjson, json_with_rows, serve_json
from t82_pipeline.demo.sit_generator import REFERENCE_DATE


class WeightedRatings:
    """Fairguest-like rating: mean /10 of the last 36 months, valid from 10 reviews."""

    def __init__(self) -> None:
        self.since = (datetime.combine(REFERENCE_DATE, datetime.min.time()) - timedelta(days=3 * 365)).isoformat()
        self.per_sheet: dict[int, list[float]] = {}

    def add(self, review: dict) -> None:
        if review["published_at"] >= self.since:
            self.per_sheet.setdefault(review["sheet_id"], []).append(review["rating"] / review["rating_scale"] * 10)

    def by_sheet(self) -> dict[int, dict]:
        return {
            sid: {"weighted_rating": round(sum(v) / len(v), 2), "weighted_rating_is_valid": len(v) >= 10}
            for sid, v in self.per_sheet.items()
        }


@contextmanager
def serve_fairguest(folder: Path, token: str) -> Iterator[str]:
    establishments = json.loads((folder / "establishments.json").read_text(encoding="utf-8"))
    weighted = WeightedRatings()
    reviews = SortedNdjson(folder / "reviews.ndjson", lambda r: (r["published_at"], r["review_id"]), visit=weighted.add)
    ratings = weighted.by_sheet()

    def route(path: str, q: dict, headers: dict) -> tuple[int, object]:
        if headers.get("Authorization") != f"Bearer {token}":
            return 401, {"error": "unauthorized"}
        if path.endswith("/fairguest-ratings"):
            ids = [int(i) for i in q.get("ids", [""])[0].split(",") if i]
            return 200, {str(i): ratings[i] for i in ids if i in ratings}
        if path.endswith("/sheets"):
            return 200, establishments
        if path.endswith("/reviews"):
            page = int(q.get("page", ["1"])[0])
            total, selected = reviews.page_after(q.get("since", [""])[0], page, int(q.get("size", ["500"])[0]))
            return 200, json_with_rows("reviews", selected, total=total, page=page)
        return 404, {"error": "not found"}

    try:
        with serve_json(route) as url:
            yield url
    finally:
        reviews.close()
