"""The open-data feed's resource: where it is published."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.lib.resources import drop_folder, secret
from t82_pipeline.lib.settings import Settings


class OpenDataTarget(dg.ConfigurableResource):
    """Where the feed is published (a folder served over HTTP) and the base of record URIs."""

    folder: str
    base_uri: str
    publisher_homepage: str = ""  # the agency's, on every record (hasBeenPublishedBy)
    publisher_email: str = ""
    put_url: str = ""  # optional HTTP PUT / object-storage target, e.g. a WebDAV or S3-compatible URL
    put_token: str = ""
    http_retries: int = 4


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "datatourisme_drop": drop_folder(s, s.datatourisme_drop_dir),
        "opendata": OpenDataTarget(
            folder=str(s.opendata_dir),
            base_uri=s.opendata_base_uri,
            publisher_homepage=s.opendata_publisher_homepage,
            publisher_email=s.opendata_publisher_email,
            put_url=s.opendata_put_url,
            put_token=secret("T82_OPENDATA_PUT_TOKEN", s.opendata_put_token),
            http_retries=s.http_retries,
        ),
    }
