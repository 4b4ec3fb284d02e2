"""Fairguest → landing: establishments (full snapshots), ratings (a history of snapshots), and
reviews (incremental, from the API or back-office CSV/XLSX exports), one NDJSON line each."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from t82_pipeline.defs.fairguest.client import SOURCE, FairguestClient
from t82_pipeline.lib.archive import check_workbook
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.json_codec import dump_json
from t82_pipeline.lib.landing import LandedBatch, LandingZone
from t82_pipeline.lib.text import decode_export

REVIEWS = "fairguest_reviews"
RATINGS = "fairguest_ratings"
PLATFORM_SCALES = {"google": {5}, "booking": {10}, "tripadvisor": {5}, "airbnb": {5}, "expedia": {10}, "facebook": {5}}
# Back-office export columns (French headers) → review fields.
EXPORT_COLUMNS = {
    "id_avis": "review_id",
    "id_fiche": "sheet_id",
    "plateforme": "platform",
    "date": "published_at",
    "note": "rating",
    "echelle": "rating_scale",
    "langue": "lang",
    "titre": "title",
    "texte": "text",
}


def review_problem(review: dict) -> str | None:
    """Why a review cannot be kept, or None."""
    if not review.get("review_id") or not str(review.get("sheet_id", "")).strip().isdigit():
        return "missing review id or establishment (sheet) id"
    platform = str(review.get("platform", "")).lower()
    if platform not in PLATFORM_SCALES:
        return f"unknown platform '{review.get('platform')}'"
    try:
        rating, scale = float(review["rating"]), int(float(review["rating_scale"]))
    except (KeyError, TypeError, ValueError):
        return "rating or scale is not a number"
    if scale not in PLATFORM_SCALES[platform] or not 0 <= rating <= scale:
        return f"rating {rating} outside its scale /{scale} for {platform}"
    try:
        datetime.fromisoformat(str(review.get("published_at")))
    except ValueError:
        return f"unreadable date '{review.get('published_at')}'"
    return None


def _without_author(review: dict) -> str:
    """A quarantined review's copy: never the reviewer's name."""
    return json.dumps({k: v for k, v in review.items() if k != "author_name"}, ensure_ascii=False)


def land_establishments(client: FairguestClient, zone: LandingZone) -> LandedBatch:
    with zone.open_batch("fairguest_establishments") as batch:
        entry = batch.add_lines("establishments.ndjson", (dump_json(e) for e in client.establishments()))
        return zone.commit(
            batch, ["establishments.ndjson"], {"kind": "api", "mode": "full", "record_count": entry["rows"]}
        )


def land_ratings(client: FairguestClient, zone: LandingZone, sheet_ids: list[int]) -> LandedBatch:
    """The ratings as polled tonight, a new snapshot of the history only when they changed since
    the latest one (the ratings endpoint takes ids, not a date: every night asks for them all)."""
    latest = (zone.manifests(RATINGS) or [None])[-1]
    with zone.open_batch(RATINGS) as batch:
        lines = (
            dump_json(
                {
                    "sheet_id": sid,
                    "weighted_rating": r.get("weighted_rating"),
                    "is_valid": r.get("weighted_rating_is_valid"),
                }
            )
            for sid, r in client.ratings(sheet_ids)
        )
        entry = batch.add_lines("ratings.ndjson", lines)
        if latest is not None and latest["files"]["ratings.ndjson"]["sha256"] == entry["sha256"]:
            return LandedBatch(RATINGS, latest["batch_id"], zone.batch_folder(latest), latest, False)
        # What the snapshot follows, in its payload: ratings that go back to an earlier state
        # (A, B, then A again) are a new snapshot, never folded into the first one.
        batch.add_lines("applies_on.json", [dump_json({"batch_id": latest["batch_id"] if latest else None})])
        return zone.commit(
            batch,
            ["ratings.ndjson", "applies_on.json"],
            {"kind": "api", "mode": "differential", "record_count": entry["rows"]},
        )


# Platforms hand some reviews to Fairguest days after their publication date: each pull asks again
# for this many days before the latest landed review (staging keeps one row per review_id).
LATE_REVIEWS_WINDOW = timedelta(days=7)


def latest_review_date(zone: LandingZone) -> str | None:
    dates = [m["max_published_at"] for m in zone.manifests("fairguest_reviews") if m.get("max_published_at")]
    return max(dates) if dates else None


def reviews_since(zone: LandingZone) -> str | None:
    latest = latest_review_date(zone)
    if latest is None:
        return None
    try:
        return (datetime.fromisoformat(latest.replace("Z", "+00:00")) - LATE_REVIEWS_WINDOW).isoformat()
    except ValueError:
        return latest


def land_reviews_api(client: FairguestClient, zone: LandingZone) -> LandedBatch | None:
    """Reviews since a week before the newest landed (late ones are not skipped); those landed
    already, unchanged, are not landed again (None: nothing new)."""
    since = reviews_since(zone)
    repeated = zone.repeated(REVIEWS, "reviews.ndjson", "published_at", since, "max_published_at")
    seen: list[str] = []

    def reviews() -> Iterator[tuple[str, dict]]:
        for i, review in enumerate(client.reviews(since)):
            seen.append(str(review.get("published_at", "")))
            if hashlib.sha1(dump_json(review)).digest() not in repeated:
                yield f"reviews since={since} item {i} id={review.get('review_id')}", review

    with zone.open_batch(REVIEWS) as batch:
        entry = batch.add_checked_lines("reviews.ndjson", reviews(), review_problem, dump_json, _without_author)
        return zone.commit(
            batch,
            ["reviews.ndjson"],
            {
                "kind": "api",
                "mode": "differential",
                "request": {"since": since},
                "record_count": entry["rows"],
                "max_published_at": max([*seen, latest_review_date(zone) or ""]) or None,
            },
        )


def _export_rows(path: Path) -> list[dict]:
    if path.suffix.lower() == ".xlsx":
        import pandas as pd

        data = path.read_bytes()
        check_workbook(data, SOURCE, path.name)  # what pandas unpacks, it holds in memory
        try:
            return pd.read_excel(io.BytesIO(data), dtype=str).fillna("").to_dict("records")
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
            raise ValueError(f"unreadable workbook ({type(exc).__name__})") from None
    text = decode_export(path.read_bytes())
    if not text.strip():
        raise ValueError("the file is empty")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,")
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def land_export_file(zone: LandingZone, path: Path) -> LandedBatch:
    try:
        rows = _export_rows(path)
    except (OSError, ValueError, csv.Error) as exc:
        raise SourceError(SOURCE, path.name, f"export unreadable: {exc}") from None
    header = set(rows[0]) if rows else set()
    missing = [c for c in EXPORT_COLUMNS if c not in header]
    if missing:
        raise SourceError(SOURCE, path.name, f"export is missing column(s): {', '.join(missing)}")

    def reviews() -> Iterator[tuple[str, dict]]:
        for line, row in enumerate(rows, start=2):
            yield f"{path.name} line {line}", {target: row[source] for source, target in EXPORT_COLUMNS.items()}

    with zone.open_batch("fairguest_reviews") as batch:
        batch.copy_file("export" + path.suffix.lower(), path)
        entry = batch.add_checked_lines("reviews.ndjson", reviews(), review_problem, dump_json, _without_author)
        return zone.commit(
            batch,
            ["export" + path.suffix.lower()],
            {"kind": "export", "mode": "differential", "request": {"file": path.name}, "record_count": entry["rows"]},
        )
