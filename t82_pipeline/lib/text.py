"""French month names, and decoding the text exports people make: UTF-8 (with or without BOM),
else Windows-1252, as a French back-office's Excel writes it; anything else is refused with the
reason."""

from __future__ import annotations

import re
import unicodedata

# Month names in what OT staff and providers read (reports, e-mails).
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")  # fmt: skip


def decode_export(raw: bytes) -> str:
    """Raises ValueError (a UnicodeDecodeError) when the bytes are neither encoding."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # five bytes are undefined in it: those files are refused


def label_key(label: str) -> str:
    """Spelling-insensitive key: no accents, no case, punctuation as spaces (same as the dbt macro
    ``label_key``): how vendor labels are matched with the reference seeds."""
    text = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
