"""What a crash (kill -9, a machine restart) leaves behind: temporary folders and links named
after the process that made them. The next run removes those whose process is gone, so no half
batch stays on disk (an erased person's e-mail among them) and no swap stays half done."""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path

# A live process may own a temporary folder for no longer than a run may last.
MAX_AGE_S = 6 * 3600
_OWNER = re.compile(r"-(\d+)-[0-9a-f]{8,}")


def owned_name(prefix: str) -> str:
    """A temporary name that says which process owns it."""
    return f"{prefix}{os.getpid()}-{uuid.uuid4().hex}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(entry: Path, prefix: str) -> bool:
    match = _OWNER.match(entry.name[len(prefix) - 1 :])
    try:
        age = time.time() - entry.lstat().st_mtime
    except FileNotFoundError:
        return False
    if match is None:  # not named by owned_name (an older release): only its age tells
        return age > MAX_AGE_S
    pid = int(match.group(1))
    return pid != os.getpid() and (not _alive(pid) or age > MAX_AGE_S)


def remove_leftovers(folder: Path, *prefixes: str) -> list[Path]:
    """Removes the abandoned entries of ``folder`` whose names start with one of ``prefixes``."""
    removed = []
    if not folder.is_dir():
        return removed
    for prefix in prefixes:
        for entry in folder.glob(f"{prefix}*"):
            if abandoned(entry, prefix):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed
