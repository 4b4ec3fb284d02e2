"""The open-data feed's resource: where it is published."""

from __future__ import annotations

import dagster as dg


class OpenDataTarget(dg.ConfigurableResource):
    """Where the feed is published (a folder served over HTTP) and the base of record URIs."""

    folder: str
    base_uri: str
    put_url: str = ""  # optional HTTP PUT / object-storage target, e.g. a WebDAV or S3-compatible URL
    put_token: str = ""
    http_retries: int = 4
