"""Nurtik → landing. Contacts are personal data: landing is the restricted zone that holds them
as received, except people on the suppression list (erased, or purged at the end of their
retention period), who are never landed again. Every contact row is checked; a bad row is
quarantined with its reason and the rest lands."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from t82_pipeline.defs.nurtik.client import NurtikClient
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.json_codec import dump_json
from t82_pipeline.lib.landing import MANIFEST, BatchWriter, LandedBatch, LandingZone
from t82_pipeline.lib.pseudonym import contact_key
from t82_pipeline.lib.text import decode_export

CONTACTS, EVENTS, EXPORTS, SUPPRESSIONS = "nurtik_contacts", "nurtik_events", "nurtik_exports", "nurtik_suppressions"
SOURCE_NAME = "nurtik"
CONSENT_STATUSES = {"pending", "confirmed", "unsubscribed", "bounced", "complained"}
# Back-office export vocabulary (assumed, French UI) → API consent status.
EXPORT_STATUS = {
    "inscrit": "confirmed",
    "desinscrit": "unsubscribed",
    "désinscrit": "unsubscribed",
    "en_attente": "pending",
    "npai": "bounced",
}
ANSWERS = {"confirmer": "confirm", "mettre_a_jour": "update", "refuser": "decline"}


def _is_timestamp(value: str | None) -> bool:
    try:
        datetime.fromisoformat((value or "").replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def contact_problem(contact: dict, seen_ids: dict[str, str], secret: str) -> str | None:
    """Why a contact row cannot load, or None. ``seen_ids`` maps contact ids to keys already accepted."""
    key = contact_key(contact.get("email"), secret)
    if key is None:
        return "no e-mail"
    for field in ("created_at", "updated_at"):
        if not _is_timestamp(contact.get(field)):
            return f"malformed date in {field}: {contact.get(field)!r}"
    for consent in contact.get("consents") or []:
        if consent.get("status") not in CONSENT_STATUSES:
            return f"unknown consent status {consent.get('status')!r}"
        if not _is_timestamp(consent.get("collected_at")):
            return f"malformed consent date {consent.get('collected_at')!r}"
    known = seen_ids.get(contact.get("contact_id"))
    if known is not None and known != key:
        return f"contact id {contact.get('contact_id')} already used by another e-mail"
    seen_ids[contact.get("contact_id")] = key
    return None


SUPPRESSED_IDS = "suppressed_ids.ndjson"  # keyed Nurtik contact ids, beside the keyed e-mails


def contact_id_key(contact_id: object, secret: str) -> str | None:
    """A Nurtik contact id as a keyed hash: its events and rows are recognised, never kept in clear."""
    return contact_key(f"id:{contact_id}", secret) if contact_id not in (None, "") else None


def _suppressed(zone: LandingZone, file_name: str, field: str) -> set[str]:
    found = set()
    for path in (zone.root / SUPPRESSIONS).glob(f"*/*/{file_name}"):
        found |= {json.loads(line)[field] for line in path.read_text(encoding="utf-8").splitlines()}
    return found


def suppressed_keys(zone: LandingZone) -> set[str]:
    return _suppressed(zone, "suppressions.ndjson", "contact_key")


def suppressed_id_keys(zone: LandingZone) -> set[str]:
    """The contact ids of erased people: their later events and rows are never landed either."""
    return _suppressed(zone, SUPPRESSED_IDS, "contact_id_key")


def _land_contact_rows(
    zone: LandingZone,
    source: str,
    rows: Iterable[tuple[str, dict]],
    secret: str,
    raw: tuple[str, Path] | None,
    metadata: dict,
) -> LandedBatch:
    suppressed, suppressed_ids = suppressed_keys(zone), suppressed_id_keys(zone)
    seen: dict[str, str] = {}
    tally = {"suppressed": 0, "latest": ""}

    def accepted(writer: BatchWriter) -> Iterator[bytes]:
        # Streamed to the file: a region's contacts held as a list took hundreds of megabytes.
        for ref, contact in rows:
            problem = contact_problem(contact, seen, secret)
            if problem:
                writer.quarantine(ref, problem)  # no raw copy: it is personal data
            elif (
                contact_key(contact["email"], secret) in suppressed
                or contact_id_key(contact.get("contact_id"), secret) in suppressed_ids
            ):
                tally["suppressed"] += 1
            else:
                tally["latest"] = max(tally["latest"], contact["updated_at"])
                yield dump_json(contact)

    with zone.open_batch(source) as writer:
        kept = writer.add_lines("contacts.ndjson", accepted(writer))["rows"]
        payload = ["contacts.ndjson"]
        if metadata.get("mode") == "full":
            # A full pull says when it was taken, in its payload: the same list a week later is a
            # new full snapshot (the one staging reads from), never folded into the older one.
            writer.add_lines("pull.json", [dump_json({"full_pull_at": datetime.now(UTC).isoformat()})])
            payload.append("pull.json")
        if raw is not None:
            writer.copy_file(raw[0], raw[1])
            payload = [raw[0]]
        return zone.commit(
            writer,
            payload,
            {
                **metadata,
                "record_count": kept,
                "suppressed_not_landed": tally["suppressed"],
                "max_updated_at": tally["latest"] or None,
            },
        )


def full_pull_due(zone: LandingZone, every_days: int, now: datetime | None = None) -> bool:
    """Whether tonight pulls the whole contact list: none landed yet, or the last is that old."""
    fulls = [m["received_at"] for m in zone.manifests(CONTACTS) if m.get("mode") == "full"]
    if not fulls:
        return True
    return (now or datetime.now(UTC)) - datetime.fromisoformat(max(fulls)) >= timedelta(days=every_days)


def land_contacts(client: NurtikClient, zone: LandingZone, secret: str, full: bool = False) -> LandedBatch | None:
    """Contacts updated since the newest one landed (incremental), as received; those sent again
    unchanged are not landed again, and a pull with nothing new lands nothing (None). A ``full``
    pull lands the whole list: staging reads from it on, so contacts deleted in Nurtik leave."""
    since = None if full else max((m.get("max_updated_at") or "" for m in zone.manifests(CONTACTS)), default="") or None
    repeated = zone.repeated(CONTACTS, "contacts.ndjson", "updated_at", since, "max_updated_at")
    rows = (
        (f"contact {c.get('contact_id')}", c)
        for c in client.contacts(since)
        if hashlib.sha1(dump_json(c)).digest() not in repeated
    )
    return _land_contact_rows(
        zone,
        CONTACTS,
        rows,
        secret,
        None,
        {"kind": "nurtik_contacts", "mode": "full" if full else "delta", "request": {"updated_since": since}},
    )


def land_events(client: NurtikClient, zone: LandingZone, secret: str) -> LandedBatch | None:
    """Events since the newest one landed; those sent again are not landed again (None: nothing new)."""
    since = max((m.get("max_occurred_at") or "" for m in zone.manifests(EVENTS)), default="") or None
    repeated = zone.repeated(EVENTS, "events.ndjson", "occurred_at", since, "max_occurred_at")
    latest = [""]
    erased, dropped = suppressed_id_keys(zone), [0]

    def events() -> Iterator[bytes]:
        for event in client.events(since):
            latest[0] = max(latest[0], event["occurred_at"])
            line = dump_json(event)
            if hashlib.sha1(line).digest() in repeated:
                continue
            if contact_id_key(event.get("contact_id"), secret) in erased:  # an erased person's activity
                dropped[0] += 1
                continue
            yield line

    with zone.open_batch(EVENTS) as writer:
        count = writer.add_lines("events.ndjson", events())["rows"]
        return zone.commit(
            writer,
            ["events.ndjson"],
            {
                "kind": "nurtik_events",
                "mode": "delta",
                "request": {"since": since},
                "record_count": count,
                "suppressed_not_landed": dropped[0],
                "max_occurred_at": latest[0] or None,
            },
        )


def _export_timestamp(value: str) -> str | None:
    """The back-office writes dd/mm/yyyy hh:mm; None when it is not a date."""
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y %H:%M").replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


def export_row_to_contact(row: dict) -> dict:
    """A row of the contacts export, in the API's contact shape (unknown values kept for the checks)."""
    status = EXPORT_STATUS.get((row.get("statut_newsletter") or "").strip().lower(), row.get("statut_newsletter"))
    proof = (row.get("preuve_consentement") or "").strip()
    collected = _export_timestamp(row.get("date_consentement") or "") or _export_timestamp(
        row.get("date_creation") or ""
    )
    return {
        "contact_id": row.get("contact_id"),
        "email": (row.get("email") or "").strip() or None,
        "first_name": row.get("prenom") or None,
        "last_name": row.get("nom") or None,
        "phone": row.get("telephone") or None,
        "postcode": row.get("code_postal") or None,
        "country_iso2": row.get("pays") or None,
        "lang": "fr",
        "created_at": _export_timestamp(row.get("date_creation") or "") or row.get("date_creation"),
        "updated_at": _export_timestamp(row.get("date_modification") or "") or row.get("date_modification"),
        "source": "export",
        "global_status": "active",
        "consents": [
            {
                "purpose": "newsletter",
                "channel": "email",
                "status": status,
                "optin_method": "double" if proof else "import",
                "collected_at": collected or "",
                "confirmed_at": collected if proof else None,
                "ip": None,
                "form_id": proof.split(":", 1)[1] if proof.startswith("formulaire:") else None,
                "wording_version": None,
            }
        ],
        "interests": [
            {"interest_code": i, "source": "export", "set_at": collected}
            for i in (row.get("centres_interet") or "").split("|")
            if i
        ],
    }


def land_export_file(zone: LandingZone, path: Path, secret: str) -> LandedBatch:
    """A contacts export or requalification answers (CSV, ';'), kept as received plus NDJSON."""
    try:
        text = decode_export(path.read_bytes())
    except ValueError as exc:
        raise SourceError(
            SOURCE_NAME, path.name, f"neither UTF-8 nor Windows-1252 ({exc.reason} at byte {exc.start})"
        ) from None
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if "reponse" in (reader.fieldnames or []):
        return _land_answers(zone, path, reader, secret)
    rows = ((f"{path.name} line {n}", export_row_to_contact(row)) for n, row in enumerate(reader, start=2))
    return _land_contact_rows(
        zone,
        EXPORTS,
        rows,
        secret,
        (path.name, path),
        {"kind": "nurtik_contacts_export", "mode": "delta", "file_name": path.name},
    )


def _land_answers(zone: LandingZone, path: Path, reader: csv.DictReader, secret: str) -> LandedBatch:
    suppressed, suppressed_ids = suppressed_keys(zone), suppressed_id_keys(zone)
    kept, dropped = [], 0
    with zone.open_batch(EXPORTS) as writer:
        for n, row in enumerate(reader, start=2):
            answer = ANSWERS.get((row.get("reponse") or "").strip().lower())
            key = contact_key(row.get("email"), secret)
            if key is None or answer is None or not _is_timestamp(row.get("date_reponse")):
                writer.quarantine(
                    f"{path.name} line {n}",
                    "no e-mail"
                    if key is None
                    else f"unknown answer {row.get('reponse')!r}"
                    if answer is None
                    else f"malformed date {row.get('date_reponse')!r}",
                )
                continue
            if key in suppressed or contact_id_key(row.get("contact_id"), secret) in suppressed_ids:
                dropped += 1
                continue
            kept.append(json.dumps({**row, "answer": answer}, ensure_ascii=False).encode())
        writer.add_lines("answers.ndjson", kept)
        writer.copy_file(path.name, path)
        return zone.commit(
            writer,
            [path.name],
            {
                "kind": "nurtik_requalification_answers",
                "mode": "delta",
                "file_name": path.name,
                "record_count": len(kept),
                "suppressed_not_landed": dropped,
            },
        )


def suppress(zone: LandingZone, keys: set[str], reason: str, secret: str, ids: set[str] = frozenset()) -> dict:
    """Adds keys (and contact ids, keyed) to the suppression list, then rewrites them out of every
    landed Nurtik file."""
    now = datetime.now(UTC).isoformat()
    id_keys = {contact_id_key(i, secret) for i in ids} - {None}
    with zone.open_batch(SUPPRESSIONS) as writer:
        writer.add_lines(
            "suppressions.ndjson",
            (json.dumps({"contact_key": k, "reason": reason, "suppressed_at": now}).encode() for k in sorted(keys)),
        )
        writer.add_lines(SUPPRESSED_IDS, (json.dumps({"contact_id_key": k}).encode() for k in sorted(id_keys)))
        zone.commit(
            writer,
            ["suppressions.ndjson", SUPPRESSED_IDS],
            {"kind": "nurtik_suppressions", "reason": reason, "record_count": len(keys)},
        )
    return rewrite_without(zone, keys, reason, secret, ids)


def scrub_drop_folder(zone: LandingZone, files: list[Path], keys: set[str], ids: set[str], secret: str) -> dict:
    """The originals still in the drop folder hold the people too: a file already landed (its
    landed copy was rewritten) is deleted, one not landed yet loses these people's rows."""
    deleted = rewritten = 0
    for path in files:
        raw = path.read_bytes()
        try:
            rows = list(csv.DictReader(io.StringIO(decode_export(raw)), delimiter=";"))
        except (ValueError, csv.Error):
            continue  # a file that cannot be read never landed a row either
        if not any(contact_key(r.get("email"), secret) in keys or r.get("contact_id") in ids for r in rows):
            continue
        payload = hashlib.sha256(hashlib.sha256(raw).hexdigest().encode()).hexdigest()
        if zone.find_by_payload(EXPORTS, payload) is not None:
            path.unlink()
            deleted += 1
        else:
            _rewrite_csv(
                path.parent,
                path,
                lambda r: contact_key(r.get("email"), secret) in keys or r.get("contact_id") in ids,
                None,
            )
            rewritten += 1
    return {"drop_files_deleted": deleted, "drop_files_rewritten": rewritten}


def _contact_files(zone: LandingZone) -> Iterator[tuple[Path, Path]]:
    """(batch, file) of every landed file that holds contacts."""
    for source in (CONTACTS, EXPORTS):
        for batch in sorted(p.parent for p in (zone.root / source).glob(f"*/*/{MANIFEST}")):
            for path in sorted(batch.iterdir()):
                if (path.suffix == ".ndjson" and path.name != "quarantine.ndjson") or path.suffix == ".csv":
                    yield batch, path


def _people_in(path: Path, secret: str) -> Iterator[tuple[str | None, str | None]]:
    """(keyed e-mail, contact id) of each contact of a landed file."""
    if path.suffix == ".csv":
        for row in csv.DictReader(io.StringIO(decode_export(path.read_bytes())), delimiter=";"):
            yield contact_key(row.get("email"), secret), row.get("contact_id")
    else:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            yield contact_key(record.get("email"), secret), record.get("contact_id")


def linked_people(zone: LandingZone, keys: set[str], secret: str) -> tuple[set[str], set[str]]:
    """Everyone the requests point at, with every address and id ever linked to them: a person
    landed as alice.old@ then as alice.new@ (same contact id) is one person to erase."""
    pairs = {pair for _, path in _contact_files(zone) for pair in _people_in(path, secret)}
    keys, ids = set(keys), set()
    while True:
        linked = {(k, i) for k, i in pairs if k in keys or (i is not None and i in ids)}
        more_keys, more_ids = {k for k, _ in linked} - {None}, {i for _, i in linked} - {None}
        if more_keys <= keys and more_ids <= ids:
            return keys, ids
        keys, ids = keys | more_keys, ids | more_ids


def remove_crash_leftovers(zone: LandingZone) -> None:
    """Half-written batches and rewrites of crashed runs may hold personal data: gone first."""
    for source in (CONTACTS, EXPORTS, EVENTS, SUPPRESSIONS):
        zone.remove_leftovers(source)
        for stale in (zone.root / source).glob("*/*/.*.tmp"):
            stale.unlink(missing_ok=True)


def rewrite_without(zone: LandingZone, keys: set[str], reason: str, secret: str, ids: set[str] = frozenset()) -> dict:
    """Landing is append-only for everyone else: only these people's lines are rewritten out
    (by keyed e-mail or by contact id), and their activity events."""
    remove_crash_leftovers(zone)
    removed, contact_ids = 0, set(ids)
    for batch, path in _contact_files(zone):
        if path.suffix == ".ndjson":

            def gone(line: str) -> bool:
                record = json.loads(line)
                if contact_key(record.get("email"), secret) in keys or record.get("contact_id") in contact_ids:
                    contact_ids.add(record.get("contact_id"))
                    return True
                return False

            removed += _rewrite_lines(batch, path, gone, reason)
        else:
            removed += _rewrite_csv(
                batch,
                path,
                lambda row: contact_key(row.get("email"), secret) in keys or row.get("contact_id") in contact_ids,
                reason,
            )
    for batch in sorted(p.parent for p in (zone.root / EVENTS).glob(f"*/*/{MANIFEST}")):
        removed += _rewrite_lines(
            batch, batch / "events.ndjson", lambda line: json.loads(line).get("contact_id") in contact_ids, reason
        )
    return {"people": len(keys), "lines_removed": removed}


def _rewrite_lines(batch: Path, path: Path, gone, reason: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not gone(line)]
    if len(kept) != len(lines):
        _replace(batch, path, "".join(line + "\n" for line in kept), reason, len(lines) - len(kept))
    return len(lines) - len(kept)


def _rewrite_csv(batch: Path, path: Path, gone, reason: str) -> int:
    text = decode_export(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    removed = 0
    for row in reader:
        if gone(row):
            removed += 1
        else:
            writer.writerow(row)
    if removed:
        _replace(batch, path, out.getvalue(), reason, removed)
    return removed


def _replace(batch: Path, path: Path, text: str, reason: str | None, removed: int) -> None:
    """Rewrites a file in one step; in a landed batch (``reason`` given) its manifest says so."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    if reason is None:
        return
    manifest_path = batch / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.setdefault("rewritten", []).append(
        {"file": path.name, "reason": reason, "lines_removed": removed, "at": datetime.now(UTC).isoformat()}
    )
    tmp = manifest_path.with_name(f".{MANIFEST}.tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, manifest_path)
