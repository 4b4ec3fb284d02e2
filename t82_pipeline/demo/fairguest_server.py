"""A local stand-in for Fairguest serving the generated data in the shapes of client.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from t82_pipeline.demo.local_server import page_after, serve_json
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
    published = [r["published_at"] for r in reviews]
    ratings = weighted_ratings(reviews)

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
            total, selected = page_after(reviews, published, q.get("since", [""])[0], page, int(q.get("size", ["500"])[0]))
            return 200, {"total": total, "page": page, "reviews": selected}
        return 404, {"error": "not found"}

    with serve_json(route) as url:
        yield url
