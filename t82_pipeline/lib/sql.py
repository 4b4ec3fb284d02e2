"""Text from a file or an API never reaches SQL as it is: values are bound parameters, and the
few identifiers taken from files (column headers) are checked against a strict pattern, then
quoted."""

from __future__ import annotations

import re

# Letters (accented too), digits, underscore, and inner spaces, dots or hyphens: what real
# column headers hold. Anything else (quotes, parentheses, operators) is refused outright.
PLAIN_NAME = re.compile(r"\w[\w .-]{0,62}")


class UnsafeIdentifier(ValueError):
    pass


def quote_identifier(name: str) -> str:
    """``name`` as a DuckDB/PostgreSQL quoted identifier, after the plain-name check."""
    if not PLAIN_NAME.fullmatch(name):
        raise UnsafeIdentifier(f"{name[:80]!r} is not a plain column name")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """``value`` as a SQL string literal, for the statements that take no bound parameter
    (ATTACH, COPY … TO)."""
    return "'" + value.replace("'", "''") + "'"
