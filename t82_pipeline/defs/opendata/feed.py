"""Open-data records → a DATAtourisme flux: ``index.json`` (one entry per record: label,
``lastUpdateDatatourisme``, the file relative to ``objects/``), one JSON-LD file per record under
``objects/<h>/<hh>/`` and ``context.jsonld``, published atomically (readers follow ``current``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from t82_pipeline.defs.opendata.ontology import REFERENCE, Ontology, term_problems, to_graph
from t82_pipeline.lib.json_codec import dump_json, load_json
from t82_pipeline.lib.leftovers import owned_name, remove_leftovers

# Beside a feed: the digest of each row its records were built from (changes.py), for our next
# night only; a dot file is never uploaded.
ROWS_FILE = ".rows.json"
# Minimum fields observed in 100 % of real published objects (research note §1.4).
REQUIRED = ("@id", "dc:identifier", "@type", "rdfs:label", "hasBeenCreatedBy", "isLocatedAt", "lastUpdate")


def record_problems(record: dict, ontology: Ontology, parse: bool = True) -> list[str]:
    """Why a record may not be published: minimum fields missing, terms the ontology does not
    define, or (with ``parse``) not valid JSON-LD. Feeds parse all records at once instead."""
    problems = [f"missing {name}" for name in REQUIRED if not record.get(name)]
    if "fr" not in record.get("rdfs:label", {}):
        problems.append("missing French label")
    problems += term_problems(record, ontology)
    if parse:
        problems += parse_problems(record)
    return problems


def parse_problems(record: dict) -> list[str]:
    try:
        return [] if len(to_graph(record)) else ["parses to no triple"]
    except Exception as exc:  # rdflib raises many kinds; any of them means "not valid RDF"
        return [f"does not parse as JSON-LD: {exc}"]


def record_file(record: dict) -> str:
    """The record's file, relative to ``objects/`` as the flux's index writes it (folders from the
    first hex digits of the record's UUID)."""
    uid = record["@id"].rsplit("/", 1)[-1]
    return f"{uid[0]}/{uid[:2]}/{uid}.json"


def flux_timestamp(moment: datetime) -> str:
    """``lastUpdateDatatourisme`` as the flux writes it: UTC, milliseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def record_text(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1)


def checker_version() -> str:
    """Identifies the ontology and context the RDF check used: a record checked under others is re-checked."""
    digest = hashlib.sha256()
    for path in sorted(REFERENCE.glob("*.jsonld")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class PreviousFeed:
    """The feed readers see now, when it was checked by the same checker: its record files are
    the proof that a record with the very same text already passed, and are reused as they are."""

    folder: Path
    stamps: dict[str, str] = field(default_factory=dict)  # record file → its lastUpdateDatatourisme
    # offer_key → what the feed made of that row: its digest and index entry, or why it was held back
    # (only when built by the same builder version).
    rows: dict[str, dict] = field(default_factory=dict)
    agenda: str | None = None  # the digest the agendas were built from
    _same: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Path, builder: str | None = None) -> PreviousFeed | None:
        publication = root / "current" / "publication.json"
        if not publication.exists():
            return None
        if json.loads(publication.read_text(encoding="utf-8")).get("checker") != checker_version():
            return None
        folder = (root / "current").resolve()
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        previous = cls(folder, {e["file"]: e["lastUpdateDatatourisme"] for e in index if "lastUpdateDatatourisme" in e})
        built = load_json((folder / ROWS_FILE).read_bytes()) if (folder / ROWS_FILE).exists() else {}
        if builder and built.get("builder") == builder:
            previous.rows, previous.agenda = built["rows"], built.get("agenda")
        return previous

    def agenda_files(self) -> dict[str, bytes]:
        return {p.relative_to(self.folder).as_posix(): p.read_bytes() for p in (self.folder / "agenda").glob("*.ics")}

    def keep_stamp(self, record: dict) -> bool:
        """Gives the record the date the feed last changed it, when it is published unchanged."""
        rel = record_file(record)
        if rel not in self.stamps:
            return False
        record["lastUpdateDatatourisme"] = self.stamps[rel]
        return self.has(record)

    def has(self, record: dict) -> bool:
        """Whether the published file holds this very record. Compared as data, parsed with
        orjson: serialising every record to compare texts was most of a quiet night's feed
        (1.2 ms a record, 83 s at the region's scale)."""
        rel = record_file(record)
        if rel not in self._same:
            path = self.folder / "objects" / rel
            self._same[rel] = path.exists() and load_json(path.read_bytes()) == record
        return self._same[rel]


def stamp_records(records: list[dict], previous: PreviousFeed | None, now: datetime) -> None:
    """``lastUpdateDatatourisme``: when the feed last changed the record. A record published as it
    was keeps its date, night after night; a new or changed one gets this publication's."""
    stamp = flux_timestamp(now)
    for record in records:
        if not (previous and previous.keep_stamp(record)):
            record["lastUpdateDatatourisme"] = stamp


def check_records(
    records: list[dict], ontology: Ontology, chunk: int = 500, previous: PreviousFeed | None = None
) -> tuple[list[dict], list[dict]]:
    """Splits records into publishable ones and held-back ones (with reasons). Records are parsed
    as RDF a chunk at a time (memory stays bounded at regional scale); per-record parses only
    to find the culprits of a chunk that fails. A record published as is in ``previous`` is not
    parsed again: on a quiet night only the changed records cost an RDF parse."""
    good, held, publishable = [], [], []
    for record in records:
        problems = record_problems(record, ontology, parse=False)
        if problems:
            held.append({"record": record["dc:identifier"], "reason": "; ".join(problems)})
        elif previous and previous.has(record):
            publishable.append(record)
        else:
            good.append(record)
    for start in range(0, len(good), chunk):
        part = good[start : start + chunk]
        try:
            to_graph(*part)
            publishable += part
        except Exception:
            for record in part:
                problems = parse_problems(record)
                if problems:
                    held.append({"record": record["dc:identifier"], "reason": "; ".join(problems)})
                else:
                    publishable.append(record)
    return publishable, held


@dataclass
class Feed:
    records: list[dict] = field(default_factory=list)  # built tonight
    held_back: list[dict] = field(default_factory=list)
    # Index entries (with their row's ``key``) of records published as they were: linked, not rebuilt.
    carried: list[dict] = field(default_factory=list)
    rows: dict[str, dict] = field(default_factory=dict)  # what ROWS_FILE records for the next night
    builder: str | None = None
    agenda: str | None = None


def current_fingerprint(root: Path) -> str | None:
    """The input fingerprint of the feed readers see now (None: no feed yet)."""
    path = root / "current" / "publication.json"
    return json.loads(path.read_text(encoding="utf-8")).get("input_fingerprint") if path.exists() else None


def publish(
    feed: Feed,
    root: Path,
    policy_version: str,
    extra_files: dict[str, bytes] | None = None,
    fingerprint: str | None = None,
    previous: PreviousFeed | None = None,
) -> Path:
    """Writes the whole feed in a new folder, then swaps the ``current`` link in one step.
    The previous feed stays complete and readable until the swap."""
    root.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root, ".tmp-feed-", ".current-")  # a crashed publish's half-written feed or link
    stamp = datetime.now(UTC)
    target = root / f"feed-{stamp:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    tmp = root / owned_name(".tmp-feed-")
    try:
        _write_feed(tmp, feed, stamp, policy_version, extra_files or {}, fingerprint, previous)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # the current feed was never touched
        raise
    tmp.rename(target)

    link_tmp = root / owned_name(".current-")
    link_tmp.symlink_to(target.name)
    previous = (root / "current").resolve() if (root / "current").is_symlink() else None
    os.replace(link_tmp, root / "current")  # atomic on POSIX
    # Keep the previous feed for readers still in it; drop older ones.
    for old in root.glob("feed-*"):
        if old not in (target, previous):
            shutil.rmtree(old, ignore_errors=True)
    return target


def _write_feed(
    tmp: Path,
    feed: Feed,
    stamp: datetime,
    policy_version: str,
    extra_files: dict[str, bytes],
    fingerprint: str | None,
    previous: PreviousFeed | None,
) -> None:
    objects = tmp / "objects"
    entries = [(record["dc:identifier"], index_entry(record), record) for record in feed.records]
    entries += [(c["key"], {k: v for k, v in c.items() if k != "key"}, None) for c in feed.carried]
    entries.sort(key=lambda e: e[0])
    for folder in sorted({(objects / entry["file"]).parent for _, entry, _ in entries} | {objects}):
        folder.mkdir(parents=True, exist_ok=True)
    for _, entry, record in entries:
        rel = entry["file"]
        if record is None or (previous and previous.has(record)):
            _link_or_copy(previous.folder / "objects" / rel, objects / rel)
        else:
            (objects / rel).write_text(record_text(record), encoding="utf-8")
    index = [entry for _, entry, _ in entries]
    (tmp / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    if feed.builder:
        (tmp / ROWS_FILE).write_bytes(dump_json({"builder": feed.builder, "agenda": feed.agenda, "rows": feed.rows}))
    shutil.copy(REFERENCE / "context.jsonld", tmp / "context.jsonld")
    for rel, content in extra_files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(content)
    (tmp / "publication.json").write_text(
        json.dumps(
            {
                "published_at": stamp.isoformat(),
                "policy_version": policy_version,
                "records": len(feed.records),
                "input_fingerprint": fingerprint,
                "checker": checker_version(),
                "held_back": feed.held_back,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )


def index_entry(record: dict) -> dict:
    """The record's entry in ``index.json``, as the flux writes it."""
    return {
        "label": record["rdfs:label"]["fr"][0],
        "lastUpdateDatatourisme": record["lastUpdateDatatourisme"],
        "file": record_file(record),
    }


def _link_or_copy(source: Path, target: Path) -> None:
    """The same bytes as the previous feed: shared (published files are never rewritten)."""
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def upload(feed_dir: Path, base_url: str, session, token: str = "", timeout_s: float = 60.0) -> str:
    """Copies a built feed to an HTTP PUT / object-storage target: every file under a new prefix
    first, then the ``current.json`` pointer that readers follow. A failure part-way leaves the
    pointer, and so the previous feed, untouched."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    prefix = f"{base_url.rstrip('/')}/{feed_dir.name}"
    for path in sorted(p for p in feed_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(feed_dir).as_posix()
        kind = (
            "text/calendar"
            if rel.endswith(".ics")
            else "application/ld+json"
            if rel.endswith(".jsonld")
            else "application/json"
        )
        response = session.put(
            f"{prefix}/{rel}", data=path.read_bytes(), timeout=timeout_s, headers={**headers, "Content-Type": kind}
        )
        if response.status_code >= 300:
            raise RuntimeError(f"[opendata] PUT {prefix}/{rel}: HTTP {response.status_code}; previous feed kept")
    pointer = json.dumps({"current": feed_dir.name, "index": f"{feed_dir.name}/index.json"})
    response = session.put(
        f"{base_url.rstrip('/')}/current.json",
        data=pointer,
        timeout=timeout_s,
        headers={**headers, "Content-Type": "application/json"},
    )
    if response.status_code >= 300:
        raise RuntimeError(f"[opendata] PUT current.json: HTTP {response.status_code}; previous feed kept")
    return prefix
