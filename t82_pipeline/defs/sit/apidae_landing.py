"""Apidae → landing: API snapshots and export ZIPs, both as NDJSON of unchanged objects."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from t82_pipeline.defs.sit.apidae_client import ApidaePage, ApidaeClient
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.json_codec import dump_json, load_json
from t82_pipeline.lib.landing import BatchWriter, LandedBatch, LandingZone

SOURCE = "apidae"
# Reference files the staging needs to resolve communes and labels of an export.
REQUIRED_EXPORT_FILES = ("communes.json", "elements_reference.json")
# Apidae writes management dates as 2017-10-03T15:26:47.009+0000; staging parses exactly that.
APIDAE_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}[+-]\d{2}:?\d{2}")


def _bad_management_date(obj: dict) -> str | None:
    gestion = obj.get("gestion") if isinstance(obj.get("gestion"), dict) else {}
    for field in ("dateCreation", "dateModification"):
        value = gestion.get(field)
        if value is not None and not (isinstance(value, str) and APIDAE_DATETIME.fullmatch(value)):
            return f"gestion.{field} is not an Apidae date-time: {str(value)[:40]!r}"
    return None


def _object_lines(batch: BatchWriter, objects: Iterator[tuple[str, dict]]) -> Iterator[bytes]:
    """One line per object; objects without a usable id or with a malformed management date
    are quarantined."""
    seen: set[int] = set()
    for where, obj in objects:
        object_id = obj.get("id") if isinstance(obj, dict) else None
        if not isinstance(object_id, int):
            batch.quarantine(where, "object has no integer 'id'", json.dumps(obj, ensure_ascii=False)[:2000])
            continue
        if bad_date := _bad_management_date(obj):
            batch.quarantine(f"{where} id={object_id}", bad_date)
            continue
        if object_id in seen:
            batch.quarantine(f"{where} id={object_id}", "duplicate id in the same batch")
            continue
        seen.add(object_id)
        yield dump_json(obj)


def land_api_snapshot(client: ApidaeClient, zone: LandingZone) -> LandedBatch:
    """Walks every page of the project's search and lands it as one full-snapshot batch."""
    pages: list[ApidaePage] = []

    def objects() -> Iterator[tuple[str, dict]]:
        for page in client.iter_pages():
            pages.append(page)
            for i, obj in enumerate(page.objects):
                yield f"page first={page.first} item {i}", obj
            page.objects = []  # stream: keep the envelope, drop the objects once written

    with zone.open_batch(SOURCE) as batch:
        entry = batch.add_lines("objects.ndjson", _object_lines(batch, objects()))
        last = pages[-1]
        received = entry["rows"] + batch.quarantine_count
        if received != last.num_found:
            # Objects changed while paging, or the server capped results: keep, but say so.
            batch.quarantine("envelope", f"numFound={last.num_found} but {received} objects received")
        return zone.commit(
            batch,
            payload_files=["objects.ndjson"],
            metadata={
                "kind": "api",
                "mode": "full",
                "request": {"url": client.base_url, "query": last.query_echo, "pages": len(pages)},
                "num_found": last.num_found,
                "record_count": entry["rows"],
            },
        )


def read_notification(zip_path: Path) -> dict:
    """Export notification fields saved next to the ZIP (``<name>.zip.json``), if any.

    Apidae POSTs projetId, statut, ponctuel, reinitialisation, urlRecuperation and
    urlConfirmation when an export is ready; whoever receives it drops them here.
    """
    sidecar = zip_path.with_name(zip_path.name + ".json")
    return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}


def land_export_zip(zone: LandingZone, zip_path: Path) -> LandedBatch:
    notification = read_notification(zip_path)
    full = str(notification.get("reinitialisation", "false")).lower() == "true"
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(SOURCE, zip_path.name, f"not a readable ZIP: {exc}") from None
    with archive:
        names = [n for n in archive.namelist() if not n.startswith("__MACOSX/") and not n.endswith("/")]
        missing = [f for f in REQUIRED_EXPORT_FILES if f not in names]
        if missing:
            raise SourceError(SOURCE, zip_path.name, f"export is missing reference file(s): {', '.join(missing)}")

        def load(name: str) -> object:
            try:
                return load_json(archive.read(name))
            except ValueError as exc:
                raise SourceError(SOURCE, f"{zip_path.name}:{name}", f"invalid JSON: {exc}") from None

        def objects() -> Iterator[tuple[str, dict]]:
            for name in sorted(n for n in names if n.startswith("objets_modifies/")):
                content = load(name)
                for i, obj in enumerate(content if isinstance(content, list) else [content]):
                    yield f"{zip_path.name}:{name} item {i}", obj

        with zone.open_batch(SOURCE) as batch:
            batch.copy_file("export.zip", zip_path)
            entry = batch.add_lines("objects.ndjson", _object_lines(batch, objects()))
            batch.add_lines("communes.ndjson", (dump_json(c) for c in load("communes.json")))
            batch.add_lines("elements_reference.ndjson", (dump_json(e) for e in load("elements_reference.json")))
            deleted = load("objets_supprimes.json") if "objets_supprimes.json" in names else []
            batch.add_lines("deletions.ndjson", (dump_json({"id": i}) for i in deleted))
            return zone.commit(
                batch,
                payload_files=["export.zip"],
                metadata={
                    "kind": "export",
                    "mode": "full" if full else "differential",
                    "request": {
                        "file": zip_path.name,
                        "projetId": notification.get("projetId"),
                        "ponctuel": notification.get("ponctuel"),
                    },
                    "record_count": entry["rows"],
                    "deleted_count": len(deleted),
                },
            )
