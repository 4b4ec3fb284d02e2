"""Immutable landing zone: payloads exactly as received, plus one manifest per batch.

Layout: ``<landing>/<source>/<load_date>/<batch_id>/{<files>, manifest.json}``.
A batch is assembled in a hidden temporary folder and renamed into place in one step, so a
reader never sees half a batch; what a crash leaves (a process killed mid-batch) is removed
by the next batch of that source. The batch id is derived
from the payload's sha256: landing the same payload twice is a no-op, even from two runs at once
(a file lock per source makes "already landed?" and the rename one step).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from t82_pipeline.lib.leftovers import owned_name, remove_leftovers

T = TypeVar("T")

MANIFEST = "manifest.json"
QUARANTINE = "quarantine.ndjson"
TMP_PREFIX = ".tmp-"


@dataclass
class LandedBatch:
    source: str
    batch_id: str
    path: Path
    manifest: dict
    is_new: bool

    @property
    def quarantined(self) -> list[dict]:
        q = self.path / QUARANTINE
        if not q.exists():
            return []
        return [json.loads(line) for line in q.read_text(encoding="utf-8").splitlines()]


@dataclass
class Landed:
    """What a landing run landed (new batches and ones already there) and what to say of it:
    metadata, and check results (``dagster.AssetCheckResult``) for its landing asset."""

    batches: list[LandedBatch] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    check_results: list = field(default_factory=list)

    @property
    def new(self) -> list[LandedBatch]:
        return [b for b in self.batches if b.is_new]


@dataclass
class BatchWriter:
    """Collects the files of one batch in a temporary folder until it is committed."""

    source: str
    tmp_dir: Path
    files: dict[str, dict] = field(default_factory=dict)
    quarantine_count: int = 0

    def add_bytes(self, name: str, data: bytes, rows: int | None = None) -> dict:
        target = self.tmp_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self._register(name, hashlib.sha256(data).hexdigest(), len(data), rows)

    def add_lines(self, name: str, lines: Iterable[bytes]) -> dict:
        """Writes NDJSON (one ``bytes`` line each, without newline) while hashing it."""
        digest, size, rows = hashlib.sha256(), 0, 0
        with open(self.tmp_dir / name, "wb") as out:
            for line in lines:
                chunk = line + b"\n"
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                rows += 1
        return self._register(name, digest.hexdigest(), size, rows)

    def add_checked_lines(
        self,
        name: str,
        records: Iterable[tuple[str, T]],
        problem: Callable[[T], str | None],
        encode: Callable[[T], bytes],
        raw: Callable[[T], str | None] = lambda record: None,
    ) -> dict:
        """The one check-and-quarantine path of every source: each ``(where, record)`` whose
        ``problem`` is not None is quarantined with it (and ``raw``'s copy, None for personal
        data); every other record lands as ``encode``'s line."""

        def kept() -> Iterator[bytes]:
            for where, record in records:
                if reason := problem(record):
                    self.quarantine(where, reason, raw(record))
                else:
                    yield encode(record)

        return self.add_lines(name, kept())

    def copy_file(self, name: str, src: Path) -> dict:
        shutil.copyfile(src, self.tmp_dir / name)
        return self.add_existing(name)

    def add_existing(self, name: str, rows: int | None = None) -> dict:
        """Registers a file written straight into the batch folder (e.g. Parquet from DuckDB)."""
        path = self.tmp_dir / name
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return self._register(name, digest.hexdigest(), path.stat().st_size, rows)

    def quarantine(self, record_ref: str, reason: str, raw: str | None = None) -> None:
        """Keeps a bad record aside with the reason; the rest of the batch still lands."""
        entry = {"source": self.source, "record": record_ref, "reason": reason}
        if raw is not None:
            entry["raw"] = raw[:2000]
        with open(self.tmp_dir / QUARANTINE, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.quarantine_count += 1

    def _register(self, name: str, sha256: str, size: int, rows: int | None) -> dict:
        entry = {"sha256": sha256, "bytes": size, "rows": rows}
        self.files[name] = entry
        return entry


class LandingZone:
    def __init__(self, root: Path):
        self.root = Path(root)

    def manifests(self, source: str) -> list[dict]:
        """All committed manifests of a source, oldest first. Hidden folders (a batch being written
        or removed by another run) are never walked: they can vanish mid-walk."""
        found = [json.loads(p.read_text(encoding="utf-8")) for p in (self.root / source).glob(f"[!.]*/*/{MANIFEST}")]
        return sorted(found, key=lambda m: (m["received_at"], m["batch_id"]))

    def batch_folder(self, manifest: dict) -> Path:
        return next((self.root / manifest["source"]).glob(f"*/{manifest['batch_id']}"))

    def repeated(self, source: str, file_name: str, field: str, since: str | None, manifest_key: str) -> set[bytes]:
        """The lines a pull asked for records ``since`` a date would land again: an API asked from
        the newest record landed (inclusive), or a few days before it (late records), sends those
        records again. These are the digests of the landed lines whose ``field`` is at or after
        ``since``, in the batches whose ``manifest_key`` (their newest record) is; the same record
        sent again, unchanged, is no change and lands nothing."""
        if not since:
            return set()
        found = set()
        for manifest in self.manifests(source):
            if (manifest.get(manifest_key) or "") < since:
                continue
            path = self.batch_folder(manifest) / file_name
            with open(path, "rb") as lines:
                for line in lines:
                    if str(json.loads(line).get(field) or "") >= since:
                        found.add(hashlib.sha1(line.rstrip(b"\n")).digest())
        return found

    def landed_copy(self, source: str, path: Path) -> LandedBatch | None:
        """The batch that landed this very file as its whole payload (a dropped file landed by an
        earlier run): found by its bytes before it is parsed again, which costs more than hashing."""
        with open(path, "rb") as f:
            file_digest = hashlib.file_digest(f, "sha256").hexdigest()
        existing = self.find_by_payload(source, hashlib.sha256(file_digest.encode()).hexdigest())
        if existing is None:
            return None
        manifest = json.loads((existing / MANIFEST).read_text(encoding="utf-8"))
        return LandedBatch(source, manifest["batch_id"], existing, manifest, False)

    def find_by_payload(self, source: str, payload_sha256: str) -> Path | None:
        for manifest_path in (self.root / source).glob(f"[!.]*/*/{MANIFEST}"):
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("payload_sha256") == payload_sha256:
                return manifest_path.parent
        return None

    def remove_leftovers(self, source: str) -> list[Path]:
        """Half-written batches of crashed runs (their process is gone)."""
        return remove_leftovers(self.root / source, TMP_PREFIX)

    @contextmanager
    def open_batch(self, source: str) -> Iterator[BatchWriter]:
        self.remove_leftovers(source)
        tmp = self.root / source / owned_name(TMP_PREFIX)
        tmp.mkdir(parents=True)
        try:
            yield BatchWriter(source=source, tmp_dir=tmp)
        finally:
            # Committed batches were renamed away; anything left here is an aborted batch.
            shutil.rmtree(tmp, ignore_errors=True)

    def commit(
        self,
        writer: BatchWriter,
        payload_files: Iterable[str],
        metadata: dict,
        received_at: datetime | None = None,
    ) -> LandedBatch | None:
        """Moves the batch into place, unless the same payload already landed. A batch of changes
        that holds none (its payload files of lines all empty, nothing quarantined) lands nothing:
        None. A full snapshot always lands, empty or not (it says what exists)."""
        payload_files = list(payload_files)
        if (
            metadata.get("mode") != "full"
            and writer.quarantine_count == 0
            and all(writer.files[name].get("rows") == 0 for name in payload_files)
        ):
            return None
        digest = hashlib.sha256()
        for name in sorted(payload_files):
            digest.update(writer.files[name]["sha256"].encode())
        payload_sha256 = digest.hexdigest()

        with self._source_lock(writer.source):
            existing = self.find_by_payload(writer.source, payload_sha256)
            if existing is not None:
                manifest = json.loads((existing / MANIFEST).read_text(encoding="utf-8"))
                return LandedBatch(writer.source, manifest["batch_id"], existing, manifest, False)
            return self._move_into_place(writer, payload_sha256, metadata, received_at)

    @contextmanager
    def _source_lock(self, source: str) -> Iterator[None]:
        """Held while a batch is checked against what landed and renamed into place: a sensor's run
        and the nightly may land the same dropped file at the same moment."""
        with open(self.root / source / ".commit.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _move_into_place(
        self, writer: BatchWriter, payload_sha256: str, metadata: dict, received_at: datetime | None
    ) -> LandedBatch:
        received_at = received_at or datetime.now(UTC)
        batch_id = f"{received_at:%Y%m%dT%H%M%S}-{payload_sha256[:12]}"
        manifest = {
            "source": writer.source,
            "batch_id": batch_id,
            "received_at": received_at.isoformat(),
            "payload_sha256": payload_sha256,
            "files": writer.files,
            "quarantined": writer.quarantine_count,
            **metadata,
        }
        (writer.tmp_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = self.root / writer.source / f"{received_at:%Y-%m-%d}" / batch_id
        final.parent.mkdir(parents=True, exist_ok=True)
        writer.tmp_dir.rename(final)
        return LandedBatch(writer.source, batch_id, final, manifest, True)
