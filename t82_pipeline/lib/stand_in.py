"""Where a vendor API is: its base URL setting, or, in the embedded default ("embedded"), a local
stand-in serving the generated sample data for as long as the client is used."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.settings import EMBEDDED


@contextmanager
def api_base_url(
    source: str, base_url: str, sample: Path, setting: str, serve: Callable[[], AbstractContextManager[str]]
) -> Iterator[str]:
    """``serve()`` starts the stand-in (imported by the caller only when needed); ``sample`` is the
    generated file it serves, ``setting`` the variable that points at the real API."""
    if base_url != EMBEDDED:
        yield base_url.rstrip("/")
        return
    if not sample.exists():
        raise SourceError(
            source,
            EMBEDDED,
            f"no sample data in {sample.parent}: run `python -m t82_pipeline.demo.generate`, or set {setting}",
        )
    with serve() as url:
        yield url
