"""ZIP archives from outside are opened within limits: a ZIP bomb, an encrypted archive or one
that does not open is refused with the reason, before anything is read into memory. Workbooks
(.xlsx) are ZIP archives too, and go through the same check before a spreadsheet reader opens them."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from t82_pipeline.lib.http import SourceError

MIB = 2**20
# What reading an entry may raise on a damaged archive (bad CRC, truncated stream, unknown method).
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 20_000
    max_entry_bytes: int = 1024 * MIB
    max_total_bytes: int = 4096 * MIB
    # Deflate rarely beats 20:1 on JSON or CSV; a bomb reaches 1000:1. Checked on entries over 1 MiB.
    max_ratio: float = 200.0


DEFAULT_LIMITS = ArchiveLimits()
# A workbook of tens of thousands of rows is a few MiB of XML once unpacked.
WORKBOOK_LIMITS = ArchiveLimits(max_entries=500, max_entry_bytes=128 * MIB, max_total_bytes=256 * MIB)


def _problem(archive: zipfile.ZipFile, limits: ArchiveLimits) -> str | None:
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > limits.max_entries:
        return f"{len(entries)} entries (limit {limits.max_entries})"
    total = 0
    for info in entries:
        if info.flag_bits & 0x1:
            return f"{info.filename}: encrypted (password-protected archives are not read)"
        if info.file_size > limits.max_entry_bytes:
            return (
                f"{info.filename}: {info.file_size // MIB} MiB uncompressed (limit {limits.max_entry_bytes // MIB} MiB)"
            )
        if info.file_size > MIB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            return (
                f"{info.filename}: compression ratio {info.file_size / max(info.compress_size, 1):.0f}:1 "
                f"(limit {limits.max_ratio:.0f}:1, a ZIP bomb?)"
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        return f"{total // MIB} MiB uncompressed in all (limit {limits.max_total_bytes // MIB} MiB)"
    return None


def open_zip(
    path: Path | BinaryIO, source: str, limits: ArchiveLimits = DEFAULT_LIMITS, name: str | None = None
) -> zipfile.ZipFile:
    """The archive, open, once its directory is within ``limits``; else a SourceError naming the file.
    Entries are still checked as they are read (zipfile verifies sizes and CRCs): catch READ_ERRORS."""
    name = name or getattr(path, "name", "archive")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(source, name, f"not a readable ZIP: {exc}") from None
    if problem := _problem(archive, limits):
        archive.close()
        raise SourceError(source, name, f"refused: {problem}")
    return archive


def check_workbook(data: bytes, source: str, name: str) -> None:
    """A workbook (.xlsx) within WORKBOOK_LIMITS, else a SourceError naming it: what a spreadsheet
    reader unpacks, it holds in memory."""
    with open_zip(io.BytesIO(data), source, WORKBOOK_LIMITS, name=name):
        pass
