"""Which rows of the open-data marts changed since the current feed: each row's digest, taken in
SQL, is compared with the one the feed recorded when it built that row's record. Only changed
rows are read, built, checked and written; the others are carried over as they were published
(or held back), so a night's feed costs what changed."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb

from t82_pipeline.defs.opendata.feed import checker_version

ROW_DIGESTS = """
    select offers.offer_key,
        md5(to_json({row: offers, connector: coverage.published_by_apidae_connector})::varchar)
    from marts.opendata_offers as offers
    left join marts.opendata_coverage as coverage using (offer_key)
    order by offers.offer_key"""
# The changed rows, and the upcoming events (the agendas list them all, changed or not).
ROWS = """
    select offers.*, coverage.published_by_apidae_connector
    from marts.opendata_offers as offers
    left join marts.opendata_coverage as coverage using (offer_key)
    where offers.offer_key in (select unnest($keys::varchar[]))
        or (offers.offer_type = 'evenement' and offers.end_date >= $today)
    order by offers.offer_key"""


def row_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """offer_key → digest of everything its record is built from (the row and its coverage)."""
    return dict(con.execute(ROW_DIGESTS).fetchall())


def rows_to_read(con: duckdb.DuckDBPyConnection, keys: list[str], today: date) -> dict[str, dict]:
    cursor = con.execute(ROWS, {"keys": keys, "today": today})
    columns = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def builder_version(base_uri: str, publisher_homepage: str, publisher_email: str) -> str:
    """What else a record is made of: the feed's code, its ontology and context, its settings. A
    record built by another version is built again."""
    digest = hashlib.sha256(checker_version().encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    digest.update(json.dumps([base_uri, publisher_homepage, publisher_email]).encode())
    return digest.hexdigest()[:16]


def digest_of(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def changed_keys(digests: dict[str, str], previous_rows: dict[str, dict]) -> list[str]:
    return [key for key, digest in digests.items() if previous_rows.get(key, {}).get("digest") != digest]
