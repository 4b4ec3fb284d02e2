"""Pseudonymous contact keys: a keyed hash (HMAC-SHA256) of the normalised e-mail. Everything
outside the personal-data schema knows a contact only by this key; without the secret (from
settings, never logged) the key cannot be linked back to an address."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def normalise_email(email: str | None) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def contact_key(email: str | None, secret: str) -> str | None:
    normalised = normalise_email(email)
    if not normalised:
        return None
    return hmac.new(secret.encode("utf-8"), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
