"""Apidae → landing: API snapshots and export ZIPs, both as NDJSON of unchanged objects."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb

from t82_pipeline.defs.sit.apidae_client import MAX_IDS, ApidaeClient, ApidaePage, not_json
from t82_pipeline.lib.archive import READ_ERRORS, open_zip
from t82_pipeline.lib.http import SourceError, UnparseableBody, retry_unparseable
from t82_pipeline.lib.json_codec import dump_json, load_json
from t82_pipeline.lib.landing import BatchWriter, LandedBatch, LandingZone

SOURCE = "apidae"
# Reference files the staging needs to resolve communes and labels of an export.
REQUIRED_EXPORT_FILES = ("communes.json", "elements_reference.json")
# Apidae writes management dates as 2017-10-03T15:26:47.009+0000; staging parses exactly that.
APIDAE_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}[+-]\d{2}:?\d{2}")


NO_ID = "object has no integer 'id'"
DUPLICATE = "duplicate id in the same batch"
# DuckDB parses the fetched pages and hands back, per object in API order, its JSON text and the
# fields the checks need: no Python object is built for an object's fields.
PAGE_OBJECTS_SQL = """
with pages as (
    select cast(parse_filename(filename, true) as bigint) as first, objetsTouristiques as objs
    from read_json({files}, format = 'auto', filename = true, maximum_object_size = 1073741824,
                   columns = {{objetsTouristiques: 'JSON[]'}})
),
objects as (
    select first, generate_subscripts(objs, 1) - 1 as item, unnest(objs) as obj from pages
)
select first, item, obj::varchar, json_type(obj, '$.id'), obj ->> '$.id',
       json_type(obj, '$.gestion.dateCreation'), obj ->> '$.gestion.dateCreation',
       json_type(obj, '$.gestion.dateModification'), obj ->> '$.gestion.dateModification'
from objects
"""
INTEGER_JSON_TYPES = ("UBIGINT", "BIGINT")


def _date_problem(field: str, value: object) -> str | None:
    if value is not None and not (isinstance(value, str) and APIDAE_DATETIME.fullmatch(value)):
        return f"gestion.{field} is not an Apidae date-time: {str(value)[:40]!r}"
    return None


# (where, integer id or None, gestion.dateCreation, gestion.dateModification, the object's line)
Candidate = tuple[str, object, object, object, Callable[[], bytes]]


def _add_checked_objects(batch: BatchWriter, candidates: Iterator[Candidate]) -> dict:
    """objects.ndjson, one line per object; objects without an integer id or with a malformed
    management date, and repeated ids, are quarantined."""
    seen: set = set()

    def problem(candidate: Candidate) -> str | None:
        _, object_id, created, modified, _ = candidate
        if object_id is None:
            return NO_ID
        if bad_date := _date_problem("dateCreation", created) or _date_problem("dateModification", modified):
            return bad_date
        if object_id in seen:
            return DUPLICATE
        seen.add(object_id)
        return None

    located = ((c[0] if c[1] is None else f"{c[0]} id={c[1]}", c) for c in candidates)
    return batch.add_checked_lines(
        "objects.ndjson",
        located,
        problem,
        encode=lambda c: c[4](),
        raw=lambda c: c[4]().decode()[:2000] if c[1] is None else None,  # what an id-less object was
    )


def _object_candidates(objects: Iterator[tuple[str, object]]) -> Iterator[Candidate]:
    """Objects already decoded (export files)."""
    for where, obj in objects:
        fields = obj if isinstance(obj, dict) else {}
        object_id = fields.get("id")
        gestion = fields.get("gestion") if isinstance(fields.get("gestion"), dict) else {}
        yield (
            where,
            object_id if isinstance(object_id, int) and not isinstance(object_id, bool) else None,
            gestion.get("dateCreation"),
            gestion.get("dateModification"),
            partial(dump_json, obj),
        )


def _page_candidates(rows: Iterator[tuple]) -> Iterator[Candidate]:
    """Rows of PAGE_OBJECTS_SQL. A JSON null is no date; any other non-string's text cannot look
    like a date-time, so it is checked as text."""
    for first, item, line, id_type, object_id, created_type, created, modified_type, modified in rows:
        yield (
            f"page first={first} item {item}",
            object_id if id_type in INTEGER_JSON_TYPES else None,
            None if created_type in (None, "NULL") else created,
            None if modified_type in (None, "NULL") else modified,
            line.encode,
        )


def _fetch_pages(client: ApidaeClient, folder: Path) -> tuple[ApidaePage, list[Path]]:
    """Every page of the search, written as received. Only the first is parsed in Python: its
    numFound says how many pages follow (its objects are dropped, DuckDB reads them). A page
    whose body is not whole JSON (cut on its way) is fetched again, like a 5xx."""
    body, head = client.fetch_head()
    # A server that pages fewer objects than asked (150 where 200 were) is walked by what it gives.
    stride = min(client.page_size, len(head.objects)) if head.num_found > len(head.objects) else client.page_size
    if head.num_found and not stride:
        raise SourceError(SOURCE, client.where(0), f"first page empty while numFound={head.num_found}")
    head.objects = []
    pages = []
    for first in range(0, max(head.num_found, 1), stride):
        pages.append(folder / f"{first:012d}.json")
        pages[-1].write_bytes(body if first == 0 else client.fetch_body(first))
    for page in _unparseable(pages[1:]):
        retry_unparseable(partial(_refetch, client, page), client.retries, client.backoff_s)
    return head, pages


def _unparseable(pages: list[Path]) -> list[Path]:
    """Pages that are not valid JSON, found by DuckDB in one pass (no object decoded in Python)."""
    if not pages:
        return []
    with duckdb.connect() as con:
        bad = con.execute(
            "select filename from read_text($files) where not json_valid(content)", {"files": [str(p) for p in pages]}
        ).fetchall()
    return [Path(name) for (name,) in bad]


def _refetch(client: ApidaeClient, page: Path) -> None:
    first = int(page.stem)
    body = client.fetch_body(first)
    page.write_bytes(body)
    if _unparseable([page]):
        raise UnparseableBody(SOURCE, client.where(first), not_json(body))


def _page_rows(client: ApidaeClient, pages: list[Path]) -> Iterator[tuple]:
    files = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in pages) + "]"
    with duckdb.connect() as con:
        try:  # a bad page can surface at execute or while rows stream: the batch is not committed
            result = con.execute(PAGE_OBJECTS_SQL.format(files=files))
            while rows := result.fetchmany(2048):
                yield from rows
        except duckdb.Error as exc:
            for page in pages:  # name the page DuckDB could not read
                body = page.read_bytes()
                try:
                    load_json(body)
                except ValueError:
                    raise SourceError(SOURCE, client.where(int(page.stem)), not_json(body)) from None
            raise SourceError(SOURCE, f"{len(pages)} pages", f"pages could not be read: {exc}") from None


def land_api_snapshot(client: ApidaeClient, zone: LandingZone) -> LandedBatch:
    """Walks every page of the project's search and lands it as one full-snapshot batch."""
    with (
        zone.open_batch(SOURCE) as batch,
        tempfile.TemporaryDirectory(prefix=".pages-", dir=batch.tmp_dir.parent) as folder,
    ):
        head, pages = _fetch_pages(client, Path(folder))
        rows = _page_rows(client, pages) if head.num_found else iter(())
        entry = _add_checked_objects(batch, _page_candidates(rows))
        received = entry["rows"] + batch.quarantine_count
        if received < head.num_found:
            # Every object left out would vanish from the current state: the snapshot is refused.
            raise SourceError(SOURCE, f"{len(pages)} pages", f"numFound={head.num_found} but {received} "
                              "objects received: snapshot refused, the last good state stays")  # fmt: skip
        if received > head.num_found:  # objects added while paging: kept, and said
            batch.quarantine("envelope", f"numFound={head.num_found} but {received} objects received")
        return zone.commit(
            batch,
            payload_files=["objects.ndjson"],
            metadata={
                "kind": "api",
                "mode": "full",
                "request": {"url": client.base_url, "query": head.query_echo, "pages": len(pages)},
                "num_found": head.num_found,
                "record_count": entry["rows"],
            },
        )


@dataclass
class LandedState:
    """Apidae's current state as landed: each object's gestion.dateModification, and when each id
    an export deleted since the last full snapshot was deleted (the received_at of that batch)."""

    modified: dict[int, str | None] = field(default_factory=dict)
    deleted_at: dict[int, str] = field(default_factory=dict)
    last_batch_id: str = ""  # the newest batch this state includes

    def wants(self, object_id: int, listed: str | None) -> bool:
        """Whether a listed object must be fetched: new, or modified after what landed. An id a
        later batch deleted (an export) comes back only with a modification after that deletion."""
        if object_id in self.modified:
            return _after(listed, self.modified[object_id])
        return object_id not in self.deleted_at or _after(listed, self.deleted_at[object_id])


def _instant(value: str | None) -> datetime | None:
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(value or "", pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value or "")
    except ValueError:
        return None


def _after(listed: str | None, landed: str | None) -> bool:
    new, old = _instant(listed), _instant(landed)
    return new is None or old is None or new > old  # unreadable dates: fetch, the checks will tell


def landed_state(zone: LandingZone) -> LandedState | None:
    """The latest full batch and every batch after it (API deltas, exports), in landing order,
    deletions applied. None before any full batch."""
    manifests = zone.manifests(SOURCE)
    fulls = [i for i, m in enumerate(manifests) if m.get("mode") == "full"]
    if not fulls:
        return None
    state = LandedState(last_batch_id=manifests[-1]["batch_id"])
    with duckdb.connect() as con:
        for manifest in manifests[fulls[-1] :]:
            folder = next((zone.root / SOURCE).glob(f"*/{manifest['batch_id']}"))
            if (folder / "objects.ndjson").stat().st_size:
                for object_id, modified in con.execute(
                    """select id, gestion.dateModification from read_json($path, format = 'newline_delimited',
                    columns = {id: 'BIGINT', gestion: 'STRUCT(dateModification VARCHAR)'})""",
                    {"path": str(folder / "objects.ndjson")},
                ).fetchall():
                    state.modified[object_id] = modified
                    state.deleted_at.pop(object_id, None)
            deletions = folder / "deletions.ndjson"
            if deletions.exists() and deletions.stat().st_size:
                for (object_id,) in con.execute(
                    "select id from read_json($path, format = 'newline_delimited', columns = {id: 'BIGINT'})",
                    {"path": str(deletions)},
                ).fetchall():
                    state.modified.pop(object_id, None)
                    # An id that left the API's listing comes back as soon as it is listed again
                    # (back in the selection); one an export deleted, only if modified since.
                    if manifest.get("kind") == "export":
                        state.deleted_at[object_id] = manifest["received_at"]
    return state


def land_api_delta(client: ApidaeClient, zone: LandingZone, state: LandedState) -> LandedBatch | None:
    """Lists the project with ids and modification dates only, fetches the new and changed objects
    by id, and lands them with the ids that disappeared as one differential batch (the staging
    applies it on top of the last full snapshot, like an export). None when nothing changed."""
    listed = client.list_modifications()
    changed = sorted(i for i, modified in listed.items() if state.wants(i, modified))
    deleted = sorted(set(state.modified) - set(listed))
    if not changed and not deleted:
        return None
    with (
        zone.open_batch(SOURCE) as batch,
        tempfile.TemporaryDirectory(prefix=".pages-", dir=batch.tmp_dir.parent) as folder,
    ):
        pages = {}
        for k in range(0, len(changed), MAX_IDS):
            ids = tuple(changed[k : k + MAX_IDS])
            pages[Path(folder) / f"{k:012d}.json"] = ids
            retry_unparseable(partial(_fetch_ids, client, Path(folder) / f"{k:012d}.json", ids),
                              client.retries, client.backoff_s)  # fmt: skip
        rows = _page_rows(client, list(pages)) if pages else iter(())
        entry = _add_checked_objects(batch, _page_candidates(rows))
        batch.add_lines("deletions.ndjson", (dump_json({"id": i}) for i in deleted))
        # What the delta applies on, in its payload: the same changes on another state (an object
        # that left, came back, and left again) are a new batch, never one already landed.
        batch.add_lines("applies_on.json", [dump_json({"batch_id": state.last_batch_id})])
        received = entry["rows"] + batch.quarantine_count
        if received != len(changed):
            batch.quarantine("delta", f"{len(changed)} changed objects asked by id but {received} received")
        return zone.commit(
            batch,
            payload_files=["objects.ndjson", "deletions.ndjson", "applies_on.json"],
            metadata={
                "kind": "api",
                "mode": "differential",
                "applies_on": state.last_batch_id,
                "request": {"url": client.base_url, "listed": len(listed), "pages": len(pages)},
                "num_found": len(listed),
                "record_count": entry["rows"],
                "deleted_count": len(deleted),
            },
        )


def _fetch_ids(client: ApidaeClient, page: Path, ids: tuple[int, ...]) -> None:
    body = client.fetch_body(0, ids=ids)
    page.write_bytes(body)
    if _unparseable([page]):
        raise UnparseableBody(SOURCE, client.where(0, ids), not_json(body))


def read_notification(zip_path: Path) -> dict:
    """Export notification fields saved next to the ZIP (``<name>.zip.json``), if any.

    Apidae POSTs projetId, statut, ponctuel, reinitialisation, urlRecuperation and
    urlConfirmation when an export is ready; whoever receives it drops them here.
    """
    sidecar = zip_path.with_name(zip_path.name + ".json")
    return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}


def land_export_zip(zone: LandingZone, zip_path: Path) -> LandedBatch:
    if (landed := zone.landed_copy(SOURCE, zip_path)) is not None:
        return landed
    notification = read_notification(zip_path)
    full = str(notification.get("reinitialisation", "false")).lower() == "true"
    archive = open_zip(zip_path, SOURCE)
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
            except READ_ERRORS as exc:
                raise SourceError(SOURCE, f"{zip_path.name}:{name}", f"damaged archive entry: {exc}") from None

        def objects() -> Iterator[tuple[str, dict]]:
            for name in sorted(n for n in names if n.startswith("objets_modifies/")):
                content = load(name)
                for i, obj in enumerate(content if isinstance(content, list) else [content]):
                    yield f"{zip_path.name}:{name} item {i}", obj

        with zone.open_batch(SOURCE) as batch:
            batch.copy_file("export.zip", zip_path)
            entry = _add_checked_objects(batch, _object_candidates(objects()))
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
