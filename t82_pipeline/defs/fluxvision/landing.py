"""Landing one Flux Vision delivery: the file as received (ZIP, CSV or XLSX) and, next to it,
``parsed.parquet`` holding the rows of every table that passed the checks. Rejected tables are
quarantined with their file, line and reason; the rest of the delivery lands."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path, PurePosixPath

from t82_pipeline.defs.fluxvision.parsing import DeliveryParser, TableError, TableName, decode, xlsx_to_text
from t82_pipeline.lib.archive import MIB, READ_ERRORS, ArchiveLimits, open_zip
from t82_pipeline.lib.landing import LandedBatch, LandingZone
from t82_pipeline.lib.settings import REPO_ROOT
from t82_pipeline.lib.text import label_key

SOURCE = "fluxvision"
PARSED = "parsed.parquet"
DELIVERY_PATTERNS = ["*.zip", "*.csv", "*.xlsx"]
ZONE_ALIASES = REPO_ROOT / "dbt_project" / "seeds" / "fluxvision_zone_aliases.csv"
# A two-month delivery of the ten EPCI is a few MiB of small tables.
LIMITS = ArchiveLimits(max_entries=2_000, max_entry_bytes=256 * MIB, max_total_bytes=1024 * MIB)


@cache
def known_zone_keys(aliases: Path = ZONE_ALIASES) -> frozenset[str]:
    with open(aliases, encoding="utf-8") as f:
        return frozenset(label_key(row["zone_label"]) for row in csv.DictReader(f))


@contextmanager
def _tables(path: Path) -> Iterator[Iterator[tuple[str, str, Callable[[], bytes], str]]]:
    """(reference, file name, reader of its bytes, issued-at) of each table of a delivery: an
    archive's entries are read one at a time, never all at once."""
    if path.suffix.lower() != ".zip":
        issued = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None).isoformat()
        yield iter([(path.name, path.name, path.read_bytes, issued)])
        return
    with open_zip(path, SOURCE, LIMITS) as zf:
        yield (
            (
                f"{path.name}/{info.filename}",
                PurePosixPath(info.filename).name,
                partial(zf.read, info),
                datetime(*info.date_time).isoformat(),
            )  # fmt: skip
            for info in zf.infolist()
            if not info.is_dir() and not PurePosixPath(info.filename).name.startswith(".")
        )


def land_delivery(zone: LandingZone, path: Path) -> LandedBatch:
    """Lands one dropped delivery; re-dropping the same bytes is a no-op. A table that cannot be
    read (a damaged entry, a workbook over the limits) is quarantined; the others land."""
    if (landed := zone.landed_copy(SOURCE, path)) is not None:
        return landed
    known = known_zone_keys()
    rejected: dict[str, TableError] = {}
    skipped = []
    with zone.open_batch(SOURCE) as writer, tempfile.TemporaryDirectory() as work, _tables(path) as tables:
        writer.copy_file(path.name, path)
        parser = DeliveryParser(Path(work), lambda label: label_key(label) in known)
        for ref, name, read, issued in tables:
            if "semaine" in name.lower():
                skipped.append(f"{ref}: weekly variant, not loaded (daily tables cover it)")
                continue
            try:
                table = TableName.parse(name)
                try:
                    data = read()
                except READ_ERRORS as exc:
                    raise TableError(f"cannot be read from the archive: {type(exc).__name__}: {exc}", None) from None
                text = xlsx_to_text(data, ref) if name.lower().endswith(".xlsx") else decode(data)
                del data  # one table's bytes at a time
                parser.add(ref, table, text, issued)
            except TableError as exc:
                rejected[ref] = exc
        rejected |= parser.load(writer.tmp_dir / PARSED)
        for ref, exc in rejected.items():
            writer.quarantine(f"{ref}, line {exc.line}" if exc.line else ref, exc.problem)
        writer.add_existing(PARSED, rows=parser.rows)
        return zone.commit(
            writer,
            payload_files=[path.name],
            metadata={
                "kind": "fluxvision_delivery",
                "mode": "delta",
                "file_name": path.name,
                "record_count": parser.rows,
                "tables_loaded": parser.rows_by_table,
                "tables_skipped": skipped,
                "received_from": str(path.parent),
            },
        )
